// What `npm run receiver` prints when more comes than anyone can read (scripts/receiver-output.ts),
// and what its start line says it keeps.
import { startTool } from '@repo/app-process';
import type { ReceivedLogRecord, ReceivedSpan } from '@repo/trace-model';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { MAX_PRINTED_PER_SECOND } from '../scripts/print-throttle.ts';
import { receiverOutput } from '../scripts/receiver-output.ts';

const traceId = (n: number) => n.toString(16).padStart(32, '0');
const trace = (n: number) => [{ traceId: traceId(n), spanId: '00f067aa0ba902b7', name: `GET /${n}`, kind: 'SERVER', startTimeUnixNano: 1000000n, endTimeUnixNano: 2000000n,
  attributes: {}, status: { code: 'UNSET' }, events: [], links: [], scope: { name: 's' }, resource: { 'service.name': 'flood' } }] as ReceivedSpan[];
const record = (n: number) => ({ traceId: traceId(n), spanId: '00f067aa0ba902b7', body: `record ${n}`, attributes: {}, severityNumber: 9, timeUnixNano: 1n,
  observedTimeUnixNano: 1n, flags: 1, scope: { name: 's' }, resource: { 'service.name': 'flood' } }) as ReceivedLogRecord;

describe('npm run receiver\'s output under a flood', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => void vi.useRealTimers());

  it(`prints ${MAX_PRINTED_PER_SECOND} traces a second at most, then one line a second counts the traces not printed and the log records that waited for them`, () => {
    const lines: string[] = [];
    const output = receiverOutput((text) => lines.push(text), 1000);
    output.onLogs([record(MAX_PRINTED_PER_SECOND + 1), record(MAX_PRINTED_PER_SECOND + 1)]); // waiting for a trace that will not be printed
    // As the receiver does: a trace that followTrace passes over is never given to onTrace.
    for (let n = 1; n <= MAX_PRINTED_PER_SECOND + 50; n++) if (output.followTrace(traceId(n))) output.onTrace(trace(n));
    expect(lines.filter((line) => line.startsWith('trace '))).toHaveLength(MAX_PRINTED_PER_SECOND);
    vi.advanceTimersByTime(1000);
    expect(lines.at(-1)).toBe(`receiver: 50 traces and 2 log records not printed in that second (it prints ${MAX_PRINTED_PER_SECOND} a second at most; the trace UI has what it keeps)`);
    expect(output.followTrace(traceId(1000))).toBe(true); // a new second: printed again
    output.onTrace(trace(1000));
    expect(lines.at(-1)).toMatch(/^trace 0+3e8 · flood · 1 span/);
    output.close();
  });
});

describe('npm run receiver\'s start line', () => {
  it('says what the receiver keeps at most, by count and by bytes', async () => {
    const receiver = startTool('receiver.ts', ['--grpc-port', '0', '--http-port', '0', '--ui-port', '0']);
    onTestFinished(async () => {
      await receiver.stop('SIGKILL');
    });
    const [line] = await receiver.waitForOutput(/^OTLP receiver: .*$/m);
    expect(line).toMatch(/ \(\/v1\/traces, \/v1\/metrics, \/v1\/logs\); keeps the newest 100,000 spans, 100,000 metric points and 100,000 log records, at most 64 MiB of each as received$/);
  });
});

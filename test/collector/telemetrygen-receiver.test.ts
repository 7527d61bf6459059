// `npm run receiver` against a real OTLP client other than OpenTelemetry JS: telemetrygen, the
// Collector project's load generator (Go SDK), built from its pinned module (scripts/collector/).
// Each signal and each metric type it makes, over OTLP/gRPC and OTLP/HTTP protobuf: the receiver
// counts exactly what was sent and refuses none of it.
import { startTool } from '@repo/app-process';
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildTelemetrygen } from '../../scripts/collector/go-build.ts';

const TRACES = 100; // each a parent span and one child span (telemetrygen's default)
const ITEMS = 300;
const SIGNALS = [
  { signal: 'traces', args: ['--traces', String(TRACES), '--child-spans', '1'], counts: { spans: 2 * TRACES } },
  { signal: 'logs', args: ['--logs', String(ITEMS)], counts: { records: ITEMS } },
  ...['Gauge', 'Sum', 'Histogram', 'ExponentialHistogram'].map((type) => (
    { signal: `metrics --metric-type ${type}`, args: ['--metrics', String(ITEMS), '--metric-type', type], counts: { points: ITEMS } })),
];
const TRANSPORTS = ['gRPC', 'HTTP'] as const;

let telemetrygen: string;
beforeAll(async () => {
  ({ binary: telemetrygen } = await buildTelemetrygen()); // built already, by the global setup
});

/** Runs telemetrygen to its end (killed if the test ends first); resolves with its exit code and output. */
function runTelemetrygen(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(telemetrygen, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe.each(TRANSPORTS)('telemetrygen against npm run receiver over OTLP/%s', (transport) => {
  it.each(SIGNALS)('telemetrygen $signal: the receiver counts every item sent, and rejects nothing', async ({ signal, args, counts }) => {
    const receiver = startTool('receiver.ts', ['--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--host', '127.0.0.1']);
    onTestFinished(async () => {
      await receiver.stop('SIGKILL');
    });
    const [, grpcPort, httpPort] = await receiver.waitForOutput(/gRPC on 127\.0\.0\.1:(\d+), HTTP \(protobuf, JSON\) on 127\.0\.0\.1:(\d+)/);
    const endpoint = transport === 'gRPC' ? ['--otlp-endpoint', `127.0.0.1:${grpcPort}`] : ['--otlp-http', '--otlp-endpoint', `127.0.0.1:${httpPort}`];
    // --rate 0: as fast as it can, not one item per second.
    const sent = await runTelemetrygen([signal.split(' ')[0], ...args, ...endpoint, '--otlp-insecure', '--rate', '0', '--workers', '1']);
    expect(sent.code, sent.output).toBe(0);

    receiver.child.kill('SIGINT');
    expect(await receiver.exited).toBe(0);
    const [, spans, points, records, rejected] = /OTLP receiver stopped: (\d+) spans? in \d+ exports?, (\d+) metric points? in \d+ exports?, (\d+) log records? in \d+ exports?, (\d+) rejected/
      .exec(receiver.output())!.map(Number);
    expect({ spans, points, records, rejected }).toEqual({ spans: 0, points: 0, records: 0, ...counts, rejected: 0 });
  });
});

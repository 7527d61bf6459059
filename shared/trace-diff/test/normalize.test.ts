import type { ReceivedSpan } from '@repo/otlp-receiver';
import { describe, expect, it } from 'vitest';
import { diffTraces, formatDifferences, normalizeTrace } from '../src/index.ts';

function span(spanId: string, name: string, start: number, extra: Partial<ReceivedSpan> = {}): ReceivedSpan {
  return {
    traceId: 'a'.repeat(32), spanId, name, kind: 'INTERNAL', startTimeUnixNano: BigInt(start), endTimeUnixNano: BigInt(start + 10),
    attributes: {}, status: { code: 'UNSET' }, events: [], links: [], scope: { name: 'test' }, resource: { 'service.name': 'svc' },
    ...extra,
  };
}

describe('normalizeTrace', () => {
  it('places spans by tree position, parents first and siblings by start time, whatever the arrival order', () => {
    const root = span('0000000000000001', 'root', 0, { kind: 'SERVER' });
    const late = span('0000000000000002', 'late', 20, { parentSpanId: root.spanId });
    const early = span('0000000000000003', 'early', 5, { parentSpanId: root.spanId });
    const grandchild = span('0000000000000004', 'grandchild', 6, { parentSpanId: early.spanId });
    const trace = normalizeTrace([grandchild, late, root, early]);
    expect(trace.spans.map((s) => [s.path, s.parent, s.name])).toEqual([
      ['0', undefined, 'root'], ['0.0', '0', 'early'], ['0.0.0', '0.0', 'grandchild'], ['0.1', '0', 'late'],
    ]);
    expect(normalizeTrace([root, early, late, grandchild])).toEqual(trace);
  });

  it('keeps a parent from outside the trace as "remote <id>", the one id it keeps', () => {
    expect(normalizeTrace([span('0000000000000001', 'root', 0, { parentSpanId: 'b7ad6b7169203331' })]).spans[0].parent).toBe('remote b7ad6b7169203331');
  });

  it('replaces values that change with every run: ports, pids, hosts, paths, stack traces', () => {
    const trace = normalizeTrace([span('0000000000000001', 'root', 0, {
      attributes: { 'server.port': 41115, 'network.peer.port': 5000, 'http.route': '/x' },
      events: [{ name: 'exception', timeUnixNano: 1n, attributes: { 'exception.stacktrace': 'at /tmp/x.js:1', 'exception.message': 'm' } }],
      resource: { 'service.name': 'svc', 'process.pid': 9312, 'host.name': 'vm', 'process.command_args': ['/tmp/node', 'main.js'] },
    })]);
    expect(trace.resource).toEqual({ 'host.name': '<host>', 'process.command_args': '<command>', 'process.pid': '<pid>', 'service.name': 'svc' });
    expect(trace.spans[0].attributes).toEqual({ 'http.route': '/x', 'network.peer.port': '<port>', 'server.port': '<port>' });
    expect(trace.spans[0].events).toEqual([{ name: 'exception', attributes: { 'exception.message': 'm', 'exception.stacktrace': '<stacktrace>' } }]);
  });

  it('survives a span that names itself as parent (only a broken sender does that)', () => {
    expect(normalizeTrace([span('0000000000000001', 'loop', 0, { parentSpanId: '0000000000000001' })]).spans).toHaveLength(1);
  });
});

describe('formatDifferences', () => {
  it('writes one line per difference, "(absent)" for a missing side', () => {
    const left = normalizeTrace([span('0000000000000001', 'root', 0, { attributes: { a: 1 } })]);
    const right = normalizeTrace([span('0000000000000001', 'root', 0, { attributes: { b: 'x' } })]);
    expect(formatDifferences(diffTraces(left, right))).toBe('spans[0].attributes.a: 1 ≠ (absent)\nspans[0].attributes.b: (absent) ≠ x');
  });
});

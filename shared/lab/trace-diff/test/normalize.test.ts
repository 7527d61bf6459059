import type { ReceivedSpan } from '@repo/trace-model';
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
  it('places spans by tree position, parents first and siblings by name, whatever the arrival order and their start times', () => {
    const root = span('0000000000000001', 'root', 0, { kind: 'SERVER' });
    const router = span('0000000000000002', 'router - /items/:id', 5, { parentSpanId: root.spanId });
    const handler = span('0000000000000003', 'request handler', 5, { parentSpanId: root.spanId });
    const grandchild = span('0000000000000004', 'grandchild', 6, { parentSpanId: handler.spanId });
    const trace = normalizeTrace([grandchild, router, root, handler]);
    expect(trace.spans.map((s) => [s.position, s.parent, s.name])).toEqual([
      ['0', undefined, 'root'], ['0.0', '0', 'request handler'], ['0.0.0', '0.0', 'grandchild'], ['0.1', '0', 'router - /items/:id'],
    ]);
    expect(normalizeTrace([root, handler, router, grandchild])).toEqual(trace);
    // The handler started a millisecond later in another run: the same normalized trace.
    expect(normalizeTrace([root, router, grandchild, { ...handler, startTimeUnixNano: 1_000_005n }])).toEqual(trace);
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

  it('gives a span its resource only where the trace passes to another service (a client calling an app)', () => {
    const client = span('0000000000000001', 'client', 0, { resource: { 'service.name': 'client' } });
    const server = span('0000000000000002', 'GET /x', 1, { kind: 'SERVER', parentSpanId: client.spanId, resource: { 'service.name': 'app', 'process.pid': 7 } });
    const handler = span('0000000000000003', 'request handler', 2, { parentSpanId: server.spanId, resource: server.resource });
    const trace = normalizeTrace([client, server, handler]);
    expect(trace.resource).toEqual({ 'service.name': 'client' });
    expect(trace.spans.map((s) => s.resource)).toEqual([undefined, { 'process.pid': '<pid>', 'service.name': 'app' }, undefined]);
  });

  it("replaces the port in a client's url.full, as in server.port", () => {
    const attributes = (url: string) => normalizeTrace([span('0000000000000001', 'GET', 0, { attributes: { 'url.full': url } })]).spans[0].attributes['url.full'];
    expect(attributes('http://localhost:41115/server_request?param=x')).toBe('http://localhost:<port>/server_request?param=x');
    expect(attributes('http://[::1]:8080')).toBe('http://[::1]:<port>');
    expect(attributes('http://example.com/a:1')).toBe('http://example.com/a:1');
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

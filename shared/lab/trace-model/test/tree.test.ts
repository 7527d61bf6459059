import { describe, expect, it } from 'vitest';
import { formatTrace, placeSpans, type ReceivedLogRecord, type ReceivedSpan } from '../src/index.ts';

function span(spanId: string, name: string, start: number, parentSpanId?: string): ReceivedSpan {
  return {
    traceId: 'a'.repeat(32), spanId, ...(parentSpanId ? { parentSpanId } : {}), name, kind: 'INTERNAL',
    startTimeUnixNano: BigInt(start), endTimeUnixNano: BigInt(start + 1_000_000), attributes: {}, status: { code: 'UNSET' },
    events: [], links: [], scope: { name: 'test' }, resource: { 'service.name': 'svc' },
  };
}
const id = (n: number) => n.toString(16).padStart(16, '0');

describe('placeSpans', () => {
  it('puts parents first and siblings by start time, the name breaking ties, whatever the arrival order', () => {
    const spans = [span(id(4), 'grandchild', 6, id(3)), span(id(2), 'late', 20, id(1)), span(id(1), 'root', 0), span(id(3), 'early', 5, id(1)), span(id(5), 'b', 5, id(1))];
    expect(placeSpans(spans).map(({ span, parent, index, depth, last }) => [span.name, parent, index, depth, last])).toEqual([
      ['root', undefined, 0, 0, true], ['b', 0, 0, 1, false], ['early', 0, 1, 1, false], ['grandchild', 2, 0, 2, true], ['late', 0, 2, 1, true],
    ]);
  });

  it('orders siblings that start in the same millisecond by when they ended: one layer after the other, as Express runs them', () => {
    // The SDK starts spans on whole milliseconds: "request handler" starts in the millisecond the
    // router's span does, and ends after it.
    const router = { ...span(id(2), 'router - /items/:id', 5_000_000, id(1)), endTimeUnixNano: 5_300_000n };
    const handler = { ...span(id(3), 'request handler', 5_000_000, id(1)), endTimeUnixNano: 5_900_000n };
    expect(placeSpans([handler, span(id(1), 'GET', 0), router]).map(({ span }) => span.name)).toEqual(['GET', 'router - /items/:id', 'request handler']);
  });

  it('makes a span whose parent is elsewhere (a remote caller) a root', () => {
    expect(placeSpans([span(id(1), 'server', 0, 'b7ad6b7169203331')]).map((p) => [p.span.name, p.depth])).toEqual([['server', 0]]);
  });

  it('places every span of a parent cycle, which only a broken sender makes, exactly once', () => {
    const placed = placeSpans([span(id(1), 'a', 0, id(2)), span(id(2), 'b', 1, id(1)), span(id(3), 'self', 2, id(3))]);
    expect(placed.map((p) => p.span.name).sort()).toEqual(['a', 'b', 'self']);
  });

  it('handles a chain 100,000 spans deep without overflowing the stack', () => {
    const chain = Array.from({ length: 100_000 }, (_, i) => span(id(i + 1), `s${i}`, i, i ? id(i) : undefined));
    const placed = placeSpans(chain.reverse());
    expect(placed.at(-1)).toMatchObject({ depth: 99_999, parent: 99_998 });
  });
});

describe('formatTrace', () => {
  it('draws the tree with its branches', () => {
    const text = formatTrace([span(id(1), 'root', 0), span(id(2), 'one', 1, id(1)), span(id(3), 'two', 2, id(1)), span(id(4), 'inner', 3, id(2))]);
    expect(text.split('\n').slice(1)).toEqual([
      '└─ INTERNAL root · 1.0 ms', '   ├─ INTERNAL one · 1.0 ms', '   │  └─ INTERNAL inner · 1.0 ms', '   └─ INTERNAL two · 1.0 ms',
    ]);
  });

  it('prints each log record on its own line under the span it was made in, in time order with the events', () => {
    const log = (spanId: string | undefined, time: number, body: string, attributes = {}): ReceivedLogRecord => ({
      timeUnixNano: BigInt(time), observedTimeUnixNano: BigInt(time), severityNumber: 9, body, attributes, flags: 1,
      ...(spanId ? { traceId: 'a'.repeat(32), spanId } : {}), scope: { name: 'test' }, resource: { 'service.name': 'svc' },
    });
    const failing = { ...span(id(2), 'one', 1, id(1)), events: [{ name: 'exception', timeUnixNano: 20n, attributes: { 'exception.message': 'it broke' } }] };
    const logs = [log(id(2), 30, 'after it broke'), log(id(1), 5, 'server_request', { param: 'x' }), log(id(2), 10, 'before it broke'), log(id(9), 7, 'elsewhere')];
    const lines = formatTrace([span(id(1), 'root', 0), failing, span(id(3), 'two', 2, id(1))], logs).split('\n');
    expect(lines[0]).toMatch(/ · 3 spans · 4 log records · /);
    expect(lines.slice(1)).toEqual([
      '└─ INTERNAL root · 1.0 ms',
      '     · log INFO server_request param=x',
      '   ├─ INTERNAL one · 1.0 ms',
      '   │    · log INFO before it broke',
      '   │    ! exception: it broke',
      '   │    · log INFO after it broke',
      '   └─ INTERNAL two · 1.0 ms',
      `   · log INFO elsewhere · span ${id(9)}, not in this trace`,
    ]);
  });

  it('with a width, fits every line in it: what does not fit goes on the next lines under its span, the tree\'s bars kept; a link under the first line', () => {
    const attributes = { 'http.response.status_code': 200, 'http.route': '/server_request', 'url.query': `param=${'x'.repeat(30)}` };
    const server = { ...span(id(2), 'GET /server_request', 1, id(1)), kind: 'SERVER' as const, attributes, resource: { 'service.name': 'manual-instrument-service' } };
    const lines = formatTrace([span(id(1), 'root', 0), server, span(id(3), 'two', 2, id(1))], [], { width: 70, link: (traceId) => `http://localhost:16686/trace/${traceId}` }).split('\n');
    expect(lines).toEqual([
      `trace ${'a'.repeat(32)}`,
      '  svc, manual-instrument-service · 3 spans · 1.0 ms',
      `  http://localhost:16686/trace/${'a'.repeat(32)}`,
      '└─ INTERNAL root · 1.0 ms · [svc]',
      '   ├─ SERVER GET /server_request · 1.0 ms',
      '   │    http.response.status_code=200 http.route=/server_request',
      `   │    url.query=param=${'x'.repeat(30)}`,
      '   │    [manual-instrument-service]',
      '   └─ INTERNAL two · 1.0 ms · [svc]',
    ]);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(70);
  });

  it('says under a span that seems to end up to 1 ms after its parent why: the SDK\'s whole-millisecond start times; nothing under one inside it, starting before it, or further out than that rounding takes it', () => {
    const at = (name: string, n: number, start: number, end: number, parent?: string) => ({ ...span(id(n), name, start, parent), endTimeUnixNano: BigInt(end) });
    const lines = formatTrace([
      at('SERVER', 1, 1_000_000, 10_000_000),
      at('overruns', 2, 1_000_000, 10_400_000, id(1)),
      at('inside', 3, 2_000_000, 9_000_000, id(1)),
      at('another clock', 4, 3_000_000, 15_000_000, id(1)),
      at('starts before', 5, 500_000, 5_000_000, id(1)),
    ]).split('\n').slice(1);
    expect(lines).toEqual([
      '└─ INTERNAL SERVER · 9.0 ms',
      '   ├─ INTERNAL starts before · 4.5 ms',
      '   ├─ INTERNAL overruns · 9.4 ms',
      '   │    ~ ends 0.4 ms after its parent: the SDK\'s start times are whole milliseconds, its durations are not',
      '   ├─ INTERNAL inside · 7.0 ms',
      '   └─ INTERNAL another clock · 12.0 ms',
    ]);
  });

  it('cuts a word longer than the width, rather than letting it run over', () => {
    const long = { ...span(id(1), 'x'.repeat(100), 0), attributes: { note: 'y'.repeat(100) } };
    expect(Math.max(...formatTrace([long], [], { width: 40 }).split('\n').map((line) => line.length))).toBeLessThanOrEqual(40);
  });

  it('stops indenting past 40 levels, so a deep chain cannot make huge lines', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => span(id(i + 1), `s${i}`, i, i ? id(i) : undefined));
    const longest = Math.max(...formatTrace(chain).split('\n').map((line) => line.length));
    expect(longest).toBeLessThan(200);
  });
});

import type { ReceivedSpan } from '@repo/otlp-receiver';
import { describe, expect, it } from 'vitest';
import { compareTraces, explainDifference, explainUntraced, normalizeTrace, UNEXPLAINED } from '../src/index.ts';

function trace(service: string, attributes: ReceivedSpan['attributes'], extra: Partial<ReceivedSpan> = {}) {
  return normalizeTrace([{
    traceId: 'a'.repeat(32), spanId: '0000000000000001', name: 'GET /x', kind: 'SERVER', startTimeUnixNano: 0n, endTimeUnixNano: 1n,
    attributes, status: { code: 'UNSET' }, events: [], links: [], scope: { name: 'test' }, resource: { 'service.name': service }, ...extra,
  }]);
}

describe('compareTraces', () => {
  it('gives one row per place, with every trace\'s value there and the reason', () => {
    const rows = compareTraces({
      manual: trace('m', { 'url.query': 'a=1' }),
      automatic: trace('a', { 'url.query': 'a=2' }),
      programmatic: trace('p', { 'url.query': 'a=2' }),
    });
    expect(rows).toEqual([
      { path: 'resource["service.name"]', values: { manual: 'm', automatic: 'a', programmatic: 'p' }, explanation: explainDifference('resource["service.name"]') },
      { path: 'spans[0].attributes["url.query"]', values: { manual: 'a=1', automatic: 'a=2', programmatic: 'a=2' }, explanation: explainDifference('spans[0].attributes["url.query"]') },
    ]);
  });

  it('keeps an absent value as a key with undefined, and leaves out a trace that is missing', () => {
    const rows = compareTraces({ manual: trace('s', {}), automatic: trace('s', { extra: 1 }), programmatic: undefined });
    expect(rows).toEqual([{ path: 'spans[0].attributes.extra', values: { manual: undefined, automatic: 1 }, explanation: UNEXPLAINED }]);
    expect('manual' in rows[0].values).toBe(true);
  });

  it('finds nothing between equal traces', () => {
    expect(compareTraces({ a: trace('s', { k: 'v' }), b: trace('s', { k: 'v' }) })).toEqual([]);
  });
});

describe('explainDifference', () => {
  it.each([
    ['resource["service.name"]', 'names its own service'],
    ['spans[0].scope.name', "manual app's own tracer"],
    ['spans[0].scope.version', "manual app's own tracer"],
    ['spans[0.0]', 'instrumentation-express adds an INTERNAL span'],
    ['spans[0].events', 'Where the exception is recorded'],
    ['spans[0].attributes["url.query"]', 'Taken from the request'],
    ['spans[0].attributes["user_agent.original"]', 'Taken from the request'],
  ])('explains %s', (path, words) => {
    expect(explainDifference(path)).toContain(words);
  });

  it.each(['spans[0].name', 'spans[0].status.code', 'spans[0].attributes["http.route"]', 'resource["host.name"]', 'spans[0].scope'])(
    'says plainly that %s is not a known difference',
    (path) => expect(explainDifference(path)).toBe(UNEXPLAINED),
  );

  it('explains the one untraced request, /health in the programmatic app', () => {
    expect(explainUntraced('/health')).toContain('ignoreIncomingRequestHook');
    expect(explainUntraced('/server_request')).toBe('No trace of this request from this app has arrived.');
  });
});

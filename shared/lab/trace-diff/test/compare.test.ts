import type { ReceivedSpan } from '@repo/trace-model';
import { describe, expect, it } from 'vitest';
import { compareTraces, describeLocation, explainDifference, explainUntraced, normalizeTrace, UNEXPLAINED, type DifferenceLocation } from '../src/index.ts';

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
    const serviceName = { field: 'resource', keys: ['service.name'] };
    const query = { position: '0', field: 'attributes', keys: ['url.query'] };
    expect(rows).toEqual([
      { location: serviceName, where: 'resource["service.name"]', values: { manual: 'm', automatic: 'a', programmatic: 'p' }, explanation: explainDifference(serviceName) },
      { location: query, where: 'spans[0].attributes["url.query"]', values: { manual: 'a=1', automatic: 'a=2', programmatic: 'a=2' }, explanation: explainDifference(query) },
    ]);
  });

  it('keeps an absent value as a key with undefined, and leaves out a trace that is missing', () => {
    const rows = compareTraces({ manual: trace('s', {}), automatic: trace('s', { extra: 1 }), programmatic: undefined });
    expect(rows).toEqual([{
      location: { position: '0', field: 'attributes', keys: ['extra'] }, where: 'spans[0].attributes.extra', values: { manual: undefined, automatic: 1 }, explanation: UNEXPLAINED,
    }]);
    expect('manual' in rows[0].values).toBe(true);
  });

  it('finds nothing between equal traces', () => {
    expect(compareTraces({ a: trace('s', { k: 'v' }), b: trace('s', { k: 'v' }) })).toEqual([]);
  });
});

describe('describeLocation', () => {
  it.each([
    [{ field: 'resource', keys: ['service.name'] }, 'resource["service.name"]'],
    [{ position: '0.1', keys: [] }, 'spans[0.1]'],
    [{ position: '0', field: 'status', keys: ['code'] }, 'spans[0].status.code'],
    [{ position: '0.0.0', field: 'resource', keys: ['service.name'] }, 'spans[0.0.0].resource["service.name"]'],
    [{ position: '0', field: 'events', keys: [0, 'attributes', 'exception.message'] }, 'spans[0].events[0].attributes["exception.message"]'],
  ] satisfies [DifferenceLocation, string][])('writes %j as %s', (location, text) => {
    expect(describeLocation(location)).toBe(text);
  });
});

describe('explainDifference', () => {
  const at = (position: string | undefined, field?: string, ...keys: (string | number)[]): DifferenceLocation => ({ ...(position === undefined ? {} : { position }), ...(field ? { field } : {}), keys });
  it.each([
    [at(undefined, 'resource', 'service.name'), 'names its own service'],
    [at('0.0.0', 'resource', 'service.name'), 'names its own service'],
    [at('0', 'scope', 'name'), "manual app's own tracer"],
    [at('0', 'scope', 'version'), "manual app's own tracer"],
    [at('0.0'), 'instrumentation-express adds an INTERNAL span'],
    [at('0', 'events'), 'Where the exception is recorded'],
    [at('0', 'attributes', 'url.query'), 'Taken from the request'],
    [at('0', 'attributes', 'user_agent.original'), 'Taken from the request'],
  ])('explains %j', (location, words) => {
    expect(explainDifference(location)).toContain(words);
  });

  it.each([at('0', 'name'), at('0', 'status', 'code'), at('0', 'attributes', 'http.route'), at(undefined, 'resource', 'host.name'), at('0', 'scope'), at('0')])(
    'says plainly that %j is not a known difference',
    (location) => expect(explainDifference(location)).toBe(UNEXPLAINED),
  );

  it('explains the one untraced request, /health in the programmatic app', () => {
    expect(explainUntraced('/health')).toContain('ignoreIncomingRequestHook');
    expect(explainUntraced('/server_request')).toBe('No trace of this request from this app has arrived.');
  });
});

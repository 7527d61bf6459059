import type { ReceivedSpan } from '@repo/trace-model';
import { describe, expect, it } from 'vitest';
import { compareTraces, describeLocation, normalizeTrace, type DifferenceLocation } from '../src/index.ts';

// The explanation as data the test can read back: where the difference is.
const whereItIs = ({ location }: { location: DifferenceLocation }) => `explained at ${describeLocation(location)}`;

function trace(service: string, attributes: ReceivedSpan['attributes'], extra: Partial<ReceivedSpan> = {}) {
  return normalizeTrace([{
    traceId: 'a'.repeat(32), spanId: '0000000000000001', name: 'GET /x', kind: 'SERVER', startTimeUnixNano: 0n, endTimeUnixNano: 1n,
    attributes, status: { code: 'UNSET' }, events: [], links: [], scope: { name: 'test' }, resource: { 'service.name': service }, ...extra,
  }]);
}

describe('compareTraces', () => {
  it('gives one row per place, with every trace\'s value there and what the explain function says of it', () => {
    const rows = compareTraces({
      one: trace('m', { 'url.query': 'a=1' }),
      two: trace('a', { 'url.query': 'a=2' }),
      three: trace('p', { 'url.query': 'a=2' }),
    }, whereItIs);
    const serviceName = { field: 'resource', keys: ['service.name'] };
    const query = { position: '0', field: 'attributes', keys: ['url.query'] };
    expect(rows).toEqual([
      { location: serviceName, where: 'resource["service.name"]', values: { one: 'm', two: 'a', three: 'p' }, explanation: 'explained at resource["service.name"]' },
      { location: query, where: 'spans[0].attributes["url.query"]', values: { one: 'a=1', two: 'a=2', three: 'a=2' }, explanation: 'explained at spans[0].attributes["url.query"]' },
    ]);
  });

  it('keeps an absent value as a key with undefined, and leaves out a trace that is missing', () => {
    const rows = compareTraces({ one: trace('s', {}), two: trace('s', { extra: 1 }), three: undefined }, whereItIs);
    expect(rows).toEqual([{
      location: { position: '0', field: 'attributes', keys: ['extra'] }, where: 'spans[0].attributes.extra', values: { one: undefined, two: 1 }, explanation: 'explained at spans[0].attributes.extra',
    }]);
    expect('one' in rows[0].values).toBe(true);
  });

  it('finds nothing between equal traces', () => {
    expect(compareTraces({ a: trace('s', { k: 'v' }), b: trace('s', { k: 'v' }) }, whereItIs)).toEqual([]);
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

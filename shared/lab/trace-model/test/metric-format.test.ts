import { describe, expect, it } from 'vitest';
import { estimateQuantile, formatHistogramPoint, HistogramLines, histogramTotals, type HistogramPoint } from '../src/index.ts';

/** A request-duration histogram in seconds: 4 values, two in (0.001, 0.002], two in (0.002, 0.003]. */
function histogram(fields: Partial<HistogramPoint> = {}): HistogramPoint {
  return {
    kind: 'HISTOGRAM', name: 'http.server.request.duration', description: '', unit: 's', temporality: 'CUMULATIVE',
    attributes: { 'http.route': '/x', 'http.request.method': 'GET' }, startTimeUnixNano: 0n, timeUnixNano: 1n,
    count: 4n, sum: 0.009, bucketCounts: [0n, 2n, 2n, 0n], explicitBounds: [0.001, 0.002, 0.003],
    scope: { name: 'test' }, resource: { 'service.name': 'svc' }, ...fields,
  };
}

describe('estimateQuantile', () => {
  it('interpolates linearly inside the bucket that holds the rank', () => {
    // p50: the 2nd of 4 values, at the top of (0.001, 0.002]; p99: the 3.96th, 98% into (0.002, 0.003].
    expect(estimateQuantile(histogram(), 0.5)).toBeCloseTo(0.002, 9);
    expect(estimateQuantile(histogram(), 0.99)).toBeCloseTo(0.00298, 9);
    expect(estimateQuantile(histogram(), 0.25)).toBeCloseTo(0.0015, 9);
  });

  it('starts the first bucket at min (else 0) and ends the unbounded last one at max (else its lower bound)', () => {
    expect(estimateQuantile(histogram({ bucketCounts: [2n, 0n, 0n, 0n] }), 0.5)).toBeCloseTo(0.0005, 9);
    expect(estimateQuantile(histogram({ bucketCounts: [2n, 0n, 0n, 0n], min: 0.0006 }), 0.5)).toBeCloseTo(0.0008, 9);
    expect(estimateQuantile(histogram({ bucketCounts: [0n, 0n, 0n, 2n] }), 0.5)).toBe(0.003);
    expect(estimateQuantile(histogram({ bucketCounts: [0n, 0n, 0n, 2n], max: 0.005 }), 0.5)).toBeCloseTo(0.004, 9);
  });

  it('stays within min and max when the point has them', () => {
    expect(estimateQuantile(histogram({ max: 0.0025 }), 0.99)).toBe(0.0025);
  });

  it('gives nothing for a point with no values', () => {
    expect(estimateQuantile(histogram({ count: 0n, bucketCounts: [0n, 0n, 0n, 0n] }), 0.5)).toBeUndefined();
  });
});

describe('formatHistogramPoint', () => {
  it('prints metric, service, sorted attributes, count, sum and the p50/p99 estimates, seconds as milliseconds', () => {
    expect(formatHistogramPoint(histogram())).toBe(
      'metric http.server.request.duration · svc · http.request.method=GET http.route=/x · count 4 · sum 9.0 ms · p50 ≈ 2.0 ms · p99 ≈ 3.0 ms',
    );
  });

  it('shows other units as they are', () => {
    expect(formatHistogramPoint(histogram({ name: 'size', unit: 'By', attributes: {}, sum: 1500, explicitBounds: [100, 1000, 10_000] })))
      .toBe('metric size · svc · count 4 · sum 1500 By · p50 ≈ 1000 By · p99 ≈ 9820 By');
  });
});

describe('histogramTotals', () => {
  it('gives each series its total: the latest cumulative point, or the delta points added up; one series per attribute set', () => {
    const cumulative = (count: bigint, route: string) => histogram({ temporality: 'CUMULATIVE', count, bucketCounts: [count, 0n], explicitBounds: [1], attributes: { 'http.route': route } });
    const delta = (count: bigint) => histogram({ temporality: 'DELTA', count, bucketCounts: [count, 0n], explicitBounds: [1], attributes: { 'http.route': '/d' } });
    const totals = histogramTotals([cumulative(1n, '/c'), delta(2n), cumulative(3n, '/c'), delta(4n)]);
    expect(totals.map((point) => [point.attributes['http.route'], point.count])).toEqual([['/c', 3n], ['/d', 6n]]);
  });
});

describe('HistogramLines', () => {
  it('gives a line per series, and again only when its count changed', () => {
    const lines = new HistogramLines('http.server.request.duration');
    const other = histogram({ attributes: { 'http.route': '/y' } });
    expect(lines.update([histogram(), other, histogram({ name: 'something.else' })])).toHaveLength(2);
    expect(lines.update([histogram(), other])).toEqual([]);
    expect(lines.update([histogram({ count: 5n, bucketCounts: [0n, 2n, 2n, 1n] }), other])).toEqual([expect.stringContaining('route=/x · count 5')]);
  });

  it('tells apart the same series from two processes of one service', () => {
    const lines = new HistogramLines();
    const pids = [1, 2].map((pid) => histogram({ resource: { 'service.name': 'svc', 'process.pid': pid } }));
    expect(lines.update(pids)).toHaveLength(2);
    expect(lines.update(pids)).toEqual([]);
  });

  it('adds up delta points into a total since the series began', () => {
    const lines = new HistogramLines();
    const delta = histogram({ temporality: 'DELTA', min: 0.0015, max: 0.0025 });
    lines.update([delta]);
    expect(lines.update([{ ...delta, min: 0.0012, max: 0.0022 }])).toEqual([
      'metric http.server.request.duration · svc · http.request.method=GET http.route=/x · count 8 · sum 18.0 ms · p50 ≈ 2.0 ms · p99 ≈ 2.5 ms',
    ]);
  });
});

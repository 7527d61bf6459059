import type { HistogramPoint, ReceivedMetricPoint } from './metric';
import { serviceOf, showValue } from './span';

// Series kept by HistogramLines; past it the oldest go (a sender with unbounded attribute values).
const MAX_SERIES = 10_000;

/**
 * The q-quantile (0 to 1) of a histogram point: an estimate from its bucket bounds, not a measured
 * value. It finds the bucket that holds the q·count-th value and interpolates linearly inside it,
 * as if its values were spread evenly between its bounds; the first bucket starts at the point's
 * min (else at 0, or its own bound if that is below 0), the last, unbounded one ends at its max
 * (else at its lower bound), and the result stays within min and max when the point has them.
 * Undefined for a point with no values.
 */
export function estimateQuantile(point: Pick<HistogramPoint, 'bucketCounts' | 'explicitBounds' | 'min' | 'max'>, q: number): number | undefined {
  const { bucketCounts, explicitBounds: bounds, min, max } = point;
  const total = bucketCounts.reduce((sum, n) => sum + Number(n), 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < bucketCounts.length; i++) {
    const inBucket = Number(bucketCounts[i]);
    if (inBucket > 0 && below + inBucket >= rank) {
      const lower = i > 0 ? bounds[i - 1] : (min ?? Math.min(0, bounds[0] ?? 0));
      const upper = i < bounds.length ? bounds[i] : (max ?? lower);
      const estimate = lower + (upper - lower) * ((rank - below) / inBucket);
      return Math.min(Math.max(estimate, min ?? -Infinity), max ?? Infinity);
    }
    below += inBucket;
  }
  return undefined;
}

/**
 * A histogram point on one line: its metric, service and attributes, count, sum, and p50 and p99
 * estimated from the buckets (≈); seconds shown as milliseconds.
 *
 *   metric http.server.request.duration · manual-instrument-service · http.route=/x · count 3 · sum 7.5 ms · p50 ≈ 2.5 ms · p99 ≈ 4.9 ms
 */
export function formatHistogramPoint(point: HistogramPoint): string {
  const attributes = Object.keys(point.attributes).sort().map((key) => `${key}=${showValue(point.attributes[key])}`);
  const parts = [`metric ${point.name}`, serviceOf(point)];
  if (attributes.length) parts.push(attributes.join(' '));
  parts.push(`count ${point.count}`);
  if (point.sum !== undefined) parts.push(`sum ${amount(point.sum, point.unit)}`);
  for (const [label, q] of [['p50', 0.5], ['p99', 0.99]] as const) {
    const estimate = estimateQuantile(point, q);
    if (estimate !== undefined) parts.push(`${label} ≈ ${amount(estimate, point.unit)}`);
  }
  return parts.join(' · ');
}

function amount(value: number, unit: string): string {
  if (unit === 's') return `${(value * 1000).toFixed(1)} ms`;
  if (unit === 'ms') return `${value.toFixed(1)} ms`;
  return `${Number(value.toPrecision(6))}${unit ? ` ${unit}` : ''}`;
}

/** The series a histogram point belongs to: one metric of one sender (resource, scope), one attribute set. */
const seriesKey = (point: HistogramPoint) => JSON.stringify([point.resource, point.scope, point.name, point.unit, Object.entries(point.attributes).sort()]);

/**
 * Takes a histogram point into the totals of its series: a cumulative point replaces the one
 * before, a delta point is added to it, so that both read as totals since the series began.
 * Returns the series' key; the map keeps its series from least to most recently seen.
 */
function takeHistogramPoint(totals: Map<string, HistogramPoint>, point: HistogramPoint): string {
  const key = seriesKey(point);
  const known = totals.get(key);
  totals.delete(key);
  totals.set(key, known && point.temporality === 'DELTA' ? addDelta(known, point) : point);
  return key;
}

/** Each histogram series among `points` (of the metric `name`, when given) as its total so far. */
export function histogramTotals(points: ReceivedMetricPoint[], name?: string): HistogramPoint[] {
  const totals = new Map<string, HistogramPoint>();
  for (const point of points) if (isHistogramOf(point, name)) takeHistogramPoint(totals, point);
  return [...totals.values()];
}

const isHistogramOf = (point: ReceivedMetricPoint, name?: string): point is HistogramPoint =>
  point.kind === 'HISTOGRAM' && !point.noRecordedValue && (!name || point.name === name);

/**
 * The histogram series of the metrics received, for a terminal that prints one line per series
 * and again only when its count changed.
 */
export class HistogramLines {
  private readonly totals = new Map<string, HistogramPoint>();
  private readonly printed = new Map<string, bigint>();

  /** Keeps only the metric of this name, when given. */
  constructor(private readonly metricName?: string) {}

  /** Takes an export's points; returns the lines of the series whose count changed since they were last returned. */
  update(points: ReceivedMetricPoint[]): string[] {
    const touched = new Set<string>();
    for (const point of points) {
      if (!isHistogramOf(point, this.metricName)) continue;
      touched.add(takeHistogramPoint(this.totals, point));
      if (this.totals.size > MAX_SERIES) {
        const oldest = this.totals.keys().next().value!;
        this.totals.delete(oldest);
        this.printed.delete(oldest);
      }
    }
    const lines: string[] = [];
    for (const key of touched) {
      const total = this.totals.get(key);
      if (!total || total.count === this.printed.get(key)) continue;
      this.printed.set(key, total.count);
      lines.push(formatHistogramPoint(total));
    }
    return lines;
  }
}

/** A delta point added to the total so far; one with other bounds starts a new total. */
function addDelta(total: HistogramPoint, delta: HistogramPoint): HistogramPoint {
  const sameBounds = total.explicitBounds.length === delta.explicitBounds.length && total.explicitBounds.every((b, i) => b === delta.explicitBounds[i]);
  if (!sameBounds) return delta;
  const either = (a: number | undefined, b: number | undefined, pick: (x: number, y: number) => number) =>
    a === undefined ? b : b === undefined ? a : pick(a, b);
  const sum = either(total.sum, delta.sum, (a, b) => a + b);
  const min = either(total.min, delta.min, Math.min);
  const max = either(total.max, delta.max, Math.max);
  return {
    ...delta,
    startTimeUnixNano: total.startTimeUnixNano,
    count: total.count + delta.count,
    bucketCounts: delta.bucketCounts.map((n, i) => n + (total.bucketCounts[i] ?? 0n)),
    ...(sum === undefined ? {} : { sum }),
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
  };
}

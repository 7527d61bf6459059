import type { Attributes, InstrumentationScope } from './span';

export type MetricKind = 'GAUGE' | 'SUM' | 'HISTOGRAM' | 'EXPONENTIAL_HISTOGRAM' | 'SUMMARY';
/** Whether a point counts since the previous export (DELTA) or since its start time (CUMULATIVE). */
export type TemporalityName = 'UNSPECIFIED' | 'DELTA' | 'CUMULATIVE';
/** A gauge's or sum's value: a double, or an integer (a string where it does not fit a JS number). */
export type MetricValue = number | string;

/** What every metric point carries: its metric, its series (attributes) and its time span. */
interface MetricPointBase {
  /** The metric's name, description and unit (UCUM, e.g. `s`, `By`, `{request}`), '' when not given. */
  name: string;
  description: string;
  unit: string;
  /** The point's own attributes: one set of them is one series. */
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** The sender says this point has no value (a series that went away): its numbers mean nothing. */
  noRecordedValue?: true;
  scope: InstrumentationScope;
  resource: Attributes;
}

export interface GaugePoint extends MetricPointBase {
  kind: 'GAUGE';
  value: MetricValue;
}

export interface SumPoint extends MetricPointBase {
  kind: 'SUM';
  temporality: TemporalityName;
  monotonic: boolean;
  value: MetricValue;
}

export interface HistogramPoint extends MetricPointBase {
  kind: 'HISTOGRAM';
  temporality: TemporalityName;
  count: bigint;
  sum?: number;
  /** One more than explicitBounds: bucket i holds values in (bounds[i-1], bounds[i]], the last up to +Inf. */
  bucketCounts: bigint[];
  explicitBounds: number[];
  min?: number;
  max?: number;
}

export interface ExponentialHistogramPoint extends MetricPointBase {
  kind: 'EXPONENTIAL_HISTOGRAM';
  temporality: TemporalityName;
  count: bigint;
  sum?: number;
  min?: number;
  max?: number;
  scale: number;
  zeroCount: bigint;
  zeroThreshold: number;
  positive: { offset: number; bucketCounts: bigint[] };
  negative: { offset: number; bucketCounts: bigint[] };
}

export interface SummaryPoint extends MetricPointBase {
  kind: 'SUMMARY';
  count: bigint;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}

/**
 * One data point of a metric as received, with its metric's name, description and unit, its scope
 * and resource; what else it holds depends on its kind. 64-bit counts and times are bigints.
 */
export type ReceivedMetricPoint = GaugePoint | SumPoint | HistogramPoint | ExponentialHistogramPoint | SummaryPoint;

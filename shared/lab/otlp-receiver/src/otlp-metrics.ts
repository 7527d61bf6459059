import type { Attributes, InstrumentationScope, MetricKind, ReceivedMetricPoint, TemporalityName } from '@repo/trace-model';
import { otlpCodec } from './otlp-codec';
import {
  attributes, count, double, enumNumber, scopedItems, int64, list, nanos, object, optionalObject, OtlpDecodeError, type Message,
} from './otlp-common';

const TEMPORALITIES: TemporalityName[] = ['UNSPECIFIED', 'DELTA', 'CUMULATIVE'];
const TEMPORALITY_NAMES = TEMPORALITIES.map((name) => `AGGREGATION_TEMPORALITY_${name}`);
// Metric's `data` oneof: its field, and the kind it makes.
const KINDS: [field: string, kind: MetricKind][] = [
  ['gauge', 'GAUGE'], ['sum', 'SUM'], ['histogram', 'HISTOGRAM'], ['exponentialHistogram', 'EXPONENTIAL_HISTOGRAM'], ['summary', 'SUMMARY'],
];
// DataPointFlags: the point has no value (its series went away).
const NO_RECORDED_VALUE = 1;

/** ExportMetricsServiceRequest: MetricsService/Export over gRPC, POST /v1/metrics over HTTP. One item per data point. */
export const metricCodec = otlpCodec('opentelemetry.proto.collector.metrics.v1.MetricsService', 'ExportMetricsServiceRequest',
  (request): ReceivedMetricPoint[] => scopedItems(request, ['resourceMetrics', 'scopeMetrics', 'metrics', 'metric'], toMetricPoints));

function toMetricPoints(metric: Message, resource: Attributes, scope: InstrumentationScope): ReceivedMetricPoint[] {
  const name = String(metric.name ?? '');
  const present = KINDS.filter(([field]) => metric[field] !== undefined && metric[field] !== null);
  if (present.length > 1) throw new OtlpDecodeError(`metric ${JSON.stringify(name)} has more than one of ${present.map(([field]) => field).join(', ')}`);
  if (present.length === 0) return []; // no data: nothing to keep
  const [field, kind] = present[0];
  const data = object(metric[field], `metric ${field}`);
  const temporality = TEMPORALITIES[enumNumber(data.aggregationTemporality, 'aggregationTemporality', TEMPORALITY_NAMES)] ?? 'UNSPECIFIED';
  const metricFields = { name, description: String(metric.description ?? ''), unit: String(metric.unit ?? ''), scope, resource };

  return list(data.dataPoints, 'dataPoints').map((entry): ReceivedMetricPoint => {
    const point = object(entry, 'dataPoint');
    const what = `${name} ${field} point`;
    const common = {
      ...metricFields,
      attributes: attributes(point.attributes),
      startTimeUnixNano: nanos(point.startTimeUnixNano),
      timeUnixNano: nanos(point.timeUnixNano),
      ...(Number(point.flags ?? 0) & NO_RECORDED_VALUE ? { noRecordedValue: true as const } : {}),
    };
    const optional = (key: 'sum' | 'min' | 'max') => (point[key] === undefined || point[key] === null ? {} : { [key]: double(point[key], `${what} ${key}`) });
    switch (kind) {
      case 'GAUGE':
        return { kind, ...common, value: numberValue(point, what) };
      case 'SUM':
        return { kind, ...common, temporality, monotonic: Boolean(data.isMonotonic), value: numberValue(point, what) };
      case 'HISTOGRAM':
        return { kind, ...common, temporality, count: count(point.count, `${what} count`), ...optional('sum'), ...buckets(point, what), ...optional('min'), ...optional('max') };
      case 'EXPONENTIAL_HISTOGRAM':
        return {
          kind, ...common, temporality, count: count(point.count, `${what} count`), ...optional('sum'), ...optional('min'), ...optional('max'),
          scale: Number(int64(point.scale ?? 0, `${what} scale`)),
          zeroCount: count(point.zeroCount, `${what} zeroCount`),
          zeroThreshold: double(point.zeroThreshold, `${what} zeroThreshold`),
          positive: exponentialBuckets(point.positive, `${what} positive`),
          negative: exponentialBuckets(point.negative, `${what} negative`),
        };
      case 'SUMMARY':
        return {
          kind, ...common, count: count(point.count, `${what} count`), sum: double(point.sum, `${what} sum`),
          quantileValues: list(point.quantileValues, 'quantileValues').map((q) => ({
            quantile: double(object(q, 'quantileValue').quantile, `${what} quantile`),
            value: double((q as Message).value, `${what} value`),
          })),
        };
    }
  });
}

/** A gauge's or sum's point holds asDouble or asInt (an integer, a string where it does not fit a number). */
function numberValue(point: Message, what: string): number | string {
  if (point.asInt !== undefined && point.asInt !== null) return int64(point.asInt, `${what} asInt`);
  return double(point.asDouble, `${what} asDouble`);
}

/** Explicit buckets: one more count than bounds (or no counts at all), bounds increasing. */
function buckets(point: Message, what: string): { bucketCounts: bigint[]; explicitBounds: number[] } {
  const bucketCounts = list(point.bucketCounts, 'bucketCounts').map((n) => count(n, `${what} bucketCounts`));
  const explicitBounds = list(point.explicitBounds, 'explicitBounds').map((b) => double(b, `${what} explicitBounds`));
  if (bucketCounts.length !== 0 && bucketCounts.length !== explicitBounds.length + 1) {
    throw new OtlpDecodeError(`${what} has ${bucketCounts.length} bucketCounts for ${explicitBounds.length} explicitBounds; it needs one more count than bounds`);
  }
  if (explicitBounds.some((bound, i) => i > 0 && !(bound > explicitBounds[i - 1]))) {
    throw new OtlpDecodeError(`${what} explicitBounds must increase, got ${JSON.stringify(explicitBounds)}`);
  }
  return { bucketCounts, explicitBounds };
}

function exponentialBuckets(value: unknown, what: string): { offset: number; bucketCounts: bigint[] } {
  const buckets = optionalObject(value);
  return {
    offset: Number(int64(buckets?.offset ?? 0, `${what} offset`)),
    bucketCounts: list(buckets?.bucketCounts, `${what} bucketCounts`).map((n) => count(n, `${what} bucketCounts`)),
  };
}

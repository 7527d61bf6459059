export { formatTrace, type TraceFormat } from './format';
export { formatLogRecord, logTime, severityName, type ReceivedLogRecord } from './log';
export {
  type ExponentialHistogramPoint, type GaugePoint, type HistogramPoint, type MetricKind, type MetricValue, type ReceivedMetricPoint,
  type SumPoint, type SummaryPoint, type TemporalityName,
} from './metric';
export { estimateQuantile, formatHistogramPoint, HistogramLines, histogramTotals } from './metric-format';
export {
  nanosToMillis, serviceOf, showValue, type AttributeValue, type Attributes, type InstrumentationScope, type ReceivedSpan,
  type SpanKindName, type StatusCodeName,
} from './span';
export { placeSpans, roundedStartNote, traceBounds, type PlacedSpan } from './tree';

export { formatTrace } from './format';
export { nanosToMillis, serviceOf, showValue, type AttributeValue, type Attributes, type ReceivedSpan, type SpanKindName, type StatusCodeName } from './span';
export { placeSpans, traceBounds, type PlacedSpan } from './tree';

export { formatTrace } from './format';
export type { AttributeValue, Attributes, ReceivedSpan, SpanKindName, StatusCodeName } from './span';
export { placeSpans, traceBounds, type PlacedSpan } from './tree';

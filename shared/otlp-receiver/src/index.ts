export { formatTrace } from './format';
export {
  OtlpDecodeError,
  type AttributeValue,
  type Attributes,
  type ReceivedSpan,
  type SpanKindName,
  type StatusCodeName,
} from './otlp';
export { ReceiverListenError, startReceiver, type Receiver, type ReceiverOptions, type ReceiverStats } from './receiver';
export { placeSpans, traceBounds, type PlacedSpan } from './tree';

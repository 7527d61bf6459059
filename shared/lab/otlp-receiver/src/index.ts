export { OtlpDecodeError } from './otlp-common';
export { ReceiverListenError, startReceiver, type Receiver, type ReceiverOptions, type ReceiverStats } from './receiver';

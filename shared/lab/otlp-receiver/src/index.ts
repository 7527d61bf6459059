export { OtlpDecodeError } from './otlp';
export { ReceiverListenError, startReceiver, type Receiver, type ReceiverOptions, type ReceiverStats } from './receiver';

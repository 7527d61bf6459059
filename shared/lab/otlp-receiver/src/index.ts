export { OtlpDecodeError } from './otlp-common';
export { ReceiverListenError, startReceiver, type Receiver, type ReceiverLimits, type ReceiverOptions, type ReceiverStats } from './receiver';
export { leaveOutGrpcBindErrors } from './transports';

import * as protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { OtlpDecodeError } from './otlp-common';
import { MalformedProtobuf } from './protobuf-wire';

/** What the transports need of one signal: its gRPC service, its answer, and its two decoders. */
export interface OtlpCodec<T> {
  /** The service's Export method, taking the raw request bytes so decode errors can be reported. */
  grpcService: { Export: ReturnType<typeof takingRawBytes> };
  /** An empty Export...ServiceResponse: everything accepted. */
  emptyResponse: Buffer;
  /** A protobuf request (gRPC or OTLP/HTTP protobuf). */
  decodeProtobuf(bytes: Buffer): T[];
  /** An OTLP/HTTP JSON request. */
  decodeJson(text: string): T[];
}

// The official opentelemetry-proto definitions, vendored unmodified (vendor/opentelemetry-proto/README.md). From the
// package root, which is the parent of both src/ (tests) and dist/ (built).
const protoRoot = path.join(__dirname, '..', 'vendor', 'opentelemetry-proto');
const definition = protoLoader.loadSync(['trace', 'metrics', 'logs'].map((signal) => `opentelemetry/proto/collector/${signal}/v1/${signal}_service.proto`), {
  includeDirs: [protoRoot],
  longs: String, // uint64 nanoseconds and counts, and int64 values, do not fit a JS number
  oneofs: true,
});

/** A service's Export method as proto-loader defines it: its request's serializer and deserializer. */
export function exportMethodOf(service: string): protoLoader.MethodDefinition<object, object> {
  return (definition[service] as protoLoader.ServiceDefinition).Export;
}

/**
 * A signal's codec: `service` names its gRPC service, `request` its request message (for errors).
 * `readWire`, if given, decodes protobuf straight from its wire format instead of through
 * proto-loader's objects (traces: the load a receiver must keep up with).
 */
export function otlpCodec<T>(service: string, request: string, toItems: (request: unknown) => T[], readWire?: (bytes: Buffer) => T[]): OtlpCodec<T> {
  const exportMethod = exportMethodOf(service);
  return {
    grpcService: { Export: takingRawBytes(exportMethod) },
    emptyResponse: exportMethod.responseSerialize({}),
    decodeProtobuf(bytes) {
      if (readWire) {
        try {
          return readWire(bytes);
        } catch (error) {
          throw error instanceof MalformedProtobuf ? new OtlpDecodeError(`not a protobuf ${request}: ${error.message}`) : error;
        }
      }
      let message: unknown;
      try {
        message = exportMethod.requestDeserialize(bytes);
      } catch (error) {
        throw new OtlpDecodeError(`not a protobuf ${request}: ${(error as Error).message}`);
      }
      return toItems(message);
    },
    decodeJson(text) {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch (error) {
        throw new OtlpDecodeError(`not JSON: ${(error as Error).message}`);
      }
      return toItems(message);
    },
  };
}

function takingRawBytes(method: protoLoader.MethodDefinition<object, object>) {
  return { ...method, requestDeserialize: (bytes: Buffer) => bytes };
}

import * as grpc from '@grpc/grpc-js';
import { startReceiver, type Receiver } from '../src/index.ts';

// What the receiver's tests share: a raw gRPC call, and the transports the exporters use.

/** A raw gRPC unary call: bytes in, the error (if any) out. */
export async function callGrpcExport(port: number, path: string, request: Buffer): Promise<{ code: number; details: string }> {
  const Client = grpc.makeGenericClientConstructor({
    Export: {
      path, requestStream: false, responseStream: false,
      requestSerialize: (bytes: Buffer) => bytes, requestDeserialize: (bytes: Buffer) => bytes,
      responseSerialize: (bytes: Buffer) => bytes, responseDeserialize: (bytes: Buffer) => bytes,
    },
  }, 'Export');
  const client = new Client(`localhost:${port}`, grpc.credentials.createInsecure());
  try {
    return await new Promise((resolve) =>
      (client as unknown as { Export: (b: Buffer, cb: (e: unknown) => void) => void }).Export(request, (e) => resolve(e as { code: number; details: string })));
  } finally {
    client.close();
  }
}

type ExporterClass<E> = new (config: { url: string; compression?: never }) => E;

/**
 * The four ways a real OTLP exporter of one signal reaches the receiver, for it.each: gRPC, HTTP
 * protobuf, HTTP JSON, and HTTP JSON gzipped. `receiver` is read when a test runs.
 */
export function otlpTransports<G, P, J>(receiver: () => Receiver, path: `/v1/${string}`, exporters: { grpc: ExporterClass<G>; protobuf: ExporterClass<P>; json: ExporterClass<J> }) {
  const http = () => `http://localhost:${receiver().httpPort}${path}`;
  return [
    ['OTLP/gRPC', () => new exporters.grpc({ url: `http://localhost:${receiver().grpcPort}` })],
    ['OTLP/HTTP protobuf', () => new exporters.protobuf({ url: http() })],
    ['OTLP/HTTP JSON', () => new exporters.json({ url: http() })],
    ['OTLP/HTTP JSON, gzip', () => new exporters.json({ url: http(), compression: 'gzip' as never })],
  ] as const;
}

/** A receiver on free ports that keeps the lines of what it rejects, for a test to read. */
export async function receiverKeepingRejections(): Promise<{ receiver: Receiver; rejections: string[] }> {
  const rejections: string[] = [];
  return { receiver: await startReceiver({ grpcPort: 0, httpPort: 0, onReject: (line) => rejections.push(line) }), rejections };
}

import * as grpc from '@grpc/grpc-js';

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

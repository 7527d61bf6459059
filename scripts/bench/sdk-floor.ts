// The floor under every approach: what the SDK alone costs per span on this machine, no HTTP,
// no app. CPU time of this process for `count` SERVER spans, each created with its 13
// attributes, ended and queued in a BatchSpanProcessor whose exporter drops; then the same
// spans serialized to OTLP protobuf, as the exporter does before sending.
import { ExportResultCode } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { makeBatch, recordServerSpan } from './server-spans.ts';

export async function measureSdkFloor(count = 200_000): Promise<{ recordAndQueueUs: number; serializeUs: number }> {
  const provider = new TracerProvider({
    spanProcessors: [new BatchSpanProcessor({
      exporter: { export: (_spans: ReadableSpan[], done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} },
      maxQueueSize: 8192,
    })],
  });
  const tracer = provider.getTracer('bench');
  const cpuMicroseconds = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  for (let i = 0; i < 20_000; i++) recordServerSpan(tracer, i); // warm up the JIT
  await provider.forceFlush();

  let before = cpuMicroseconds();
  for (let i = 0; i < count; i++) {
    recordServerSpan(tracer, i);
    // Lets the processor's timer export, as the event loop does between requests.
    if (i % 512 === 511) await new Promise((resolve) => setImmediate(resolve));
  }
  await provider.forceFlush();
  const recordAndQueueUs = (cpuMicroseconds() - before) / count;
  await provider.shutdown();

  const batch = makeBatch(512);
  ProtobufTraceSerializer.serializeRequest(batch);
  const rounds = Math.ceil(count / batch.length);
  before = cpuMicroseconds();
  for (let i = 0; i < rounds; i++) ProtobufTraceSerializer.serializeRequest(batch);
  return { recordAndQueueUs, serializeUs: (cpuMicroseconds() - before) / (rounds * batch.length) };
}

// How many spans per second the embedded receiver decodes and keeps, fed over OTLP/gRPC in
// batches of 512 (the batch processor's default) by the real exporter, 4 exports at a time.
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { startBenchReceiver } from './bench-receiver.ts';

export async function measureReceiver(seconds: number) {
  const receiver = await startBenchReceiver();
  const batch = makeBatch(512);
  const exporter = new OTLPTraceExporter({ url: `http://localhost:${receiver.grpcPort}` });
  const exportOnce = () => new Promise<void>((resolve, reject) =>
    exporter.export(batch, (result) => (result.error ? reject(result.error) : resolve())));
  await exportOnce(); // connect first

  let exports = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (performance.now() < deadline) {
      await exportOnce();
      exports += 1;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const { spans, peakRssBytes } = await receiver.ask<{ spans: number; peakRssBytes: number }>('count');
  await exporter.shutdown();
  receiver.close();
  return { spansPerSecond: (spans - batch.length) / elapsed, exports, peakRssMb: peakRssBytes / 1024 / 1024 };
}

/** Spans shaped like the apps' SERVER spans. */
function makeBatch(size: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < size; i++) {
    tracer.startSpan('GET /server_request', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET', 'url.scheme': 'http', 'url.path': '/server_request', 'url.query': `param=${i}`,
        'server.address': 'localhost', 'server.port': 8081, 'client.address': '::1', 'network.peer.address': '::1',
        'network.peer.port': 50000 + i, 'network.protocol.version': '1.1', 'user_agent.original': 'autocannon',
        'http.response.status_code': 200, 'http.route': '/server_request',
      },
    }).end();
  }
  return memory.getFinishedSpans();
}

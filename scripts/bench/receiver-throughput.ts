// How many spans per second the embedded receiver decodes and keeps, fed over OTLP/gRPC in
// batches of 512 (the batch processor's default) by the real exporter, 4 exports at a time.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { startBenchReceiver } from './bench-receiver.ts';
import { makeBatch } from './server-spans.ts';

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

// Preloaded into every app the benchmark starts (NODE_OPTIONS=--require, before the app's own
// preload), baseline included, so that all variants carry the same small extra.
// 1. On SIGUSR2 it prints the event loop's utilisation since the previous SIGUSR2, numbered.
// 2. With BENCH_STAGE (`npm run bench -- --breakdown`) it switches off one stage of the span
//    pipeline by patching the SDK's classes, the same way in all three apps, so that their own
//    code stays as users run it. CommonJS builds only: an ES module app loads the SDK's .mjs
//    files, which these patches do not reach.
const { performance } = require('node:perf_hooks');

let last = performance.eventLoopUtilization();
let asked = 0;
process.on('SIGUSR2', () => {
  const now = performance.eventLoopUtilization();
  process.stderr.write(`bench-probe ${++asked} elu=${performance.eventLoopUtilization(now, last).utilization}\n`);
  last = now;
});

const succeed = (done) => done({ code: 0 });
const STAGES = {
  // Spans are recorded (attributes, status, end) but no processor queues them.
  'no-processor': () => {
    require('@opentelemetry/sdk-trace').BatchSpanProcessor.prototype.onEnd = () => {};
  },
  // The batch processor queues and batches them; the exporter drops each batch.
  drop: () => {
    require('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter.prototype.export = (_spans, done) => succeed(done);
  },
  // The exporter also serializes each batch to protobuf, as it would to send it, and sends nothing.
  serialize: () => {
    const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
    require('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter.prototype.export = (spans, done) => {
      ProtobufTraceSerializer.serializeRequest(spans);
      succeed(done);
    };
  },
  // instrumentation-express patches nothing: no express span, no http.route.
  'no-express': () => {
    require('@opentelemetry/instrumentation-express').ExpressInstrumentation.prototype.init = () => [];
  },
};
const stage = process.env.BENCH_STAGE;
if (stage) {
  if (!STAGES[stage]) throw new Error(`BENCH_STAGE=${stage} is not one of ${Object.keys(STAGES).join(', ')}`);
  STAGES[stage]();
}

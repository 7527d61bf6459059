// Preloaded into every app the benchmark starts (NODE_OPTIONS=--require, before the app's own
// preload), baseline included, so that all variants carry the same small extra.
// 1. On SIGUSR2 it prints the event loop's utilisation since the previous SIGUSR2, numbered.
// 2. With BENCH_STAGE (`npm run bench -- --breakdown`) it switches off one stage of the span
//    pipeline by replacing one SDK method, the same way in all three apps, so that their own
//    code stays as users run it. CommonJS builds only: an ES module app loads the SDK's .mjs
//    files, which these patches do not reach.
// 3. With BENCH_STAGE it counts the calls that reach the replaced method and prints them at exit
//    (`bench-stage pid=4242 drop calls=37`): bench.ts refuses a row whose patch was never called.
//    A method missing from the SDK fails the app's start at once.
// NODE_OPTIONS reaches npm too, which starts the app: hence the pid in the exit line.
const { writeSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

let last = performance.eventLoopUtilization();
let asked = 0;
process.on('SIGUSR2', () => {
  const now = performance.eventLoopUtilization();
  process.stderr.write(`bench-probe ${++asked} elu=${performance.eventLoopUtilization(now, last).utilization}\n`);
  last = now;
});

const stage = process.env.BENCH_STAGE;
let stageCalls = 0;

/**
 * The object that holds the function at `dottedPath` in `moduleName`'s exports, and its key.
 * Throws if it is not there: a stage whose target moved would otherwise measure the pipeline
 * it claims to switch off.
 */
function findFunction(moduleName, dottedPath) {
  const keys = dottedPath.split('.');
  const key = keys.pop();
  const owner = keys.reduce((object, name) => object?.[name], require(moduleName));
  if (typeof owner?.[key] !== 'function') {
    throw new Error(`BENCH_STAGE=${stage}: ${moduleName} has no function ${dottedPath} to patch (did the SDK change? see scripts/bench/app-preload.cjs)`);
  }
  return { owner, key };
}

/** Replaces the function at `dottedPath` with `replacement`, counting its calls. */
function replaceFunction(moduleName, dottedPath, replacement) {
  const { owner, key } = findFunction(moduleName, dottedPath);
  owner[key] = function countedReplacement(...args) {
    stageCalls += 1;
    return replacement.apply(this, args);
  };
}

const succeed = (done) => done({ code: 0 });
const STAGES = {
  // Spans are recorded (attributes, status, end) but no processor queues them.
  'no-processor': () => {
    replaceFunction('@opentelemetry/sdk-trace', 'BatchSpanProcessor.prototype.onEnd', () => {});
  },
  // The batch processor queues and batches them; the exporter drops each batch.
  drop: () => {
    replaceFunction('@opentelemetry/exporter-trace-otlp-grpc', 'OTLPTraceExporter.prototype.export', (_spans, done) => succeed(done));
  },
  // The exporter also serializes each batch to protobuf, as it would to send it, and sends nothing.
  serialize: () => {
    const serializer = findFunction('@opentelemetry/otlp-transformer', 'ProtobufTraceSerializer.serializeRequest');
    replaceFunction('@opentelemetry/exporter-trace-otlp-grpc', 'OTLPTraceExporter.prototype.export', (spans, done) => {
      serializer.owner[serializer.key](spans);
      succeed(done);
    });
  },
  // instrumentation-express patches nothing: no express span, no http.route. Called once, when
  // the app constructs the instrumentation.
  'no-express': () => {
    replaceFunction('@opentelemetry/instrumentation-express', 'ExpressInstrumentation.prototype.init', () => []);
  },
};
if (stage) {
  if (!Object.hasOwn(STAGES, stage)) throw new Error(`BENCH_STAGE=${stage} is not one of ${Object.keys(STAGES).join(', ')}`);
  STAGES[stage]();
  // At exit, after the flush that SIGTERM starts: a short run may end before the first batch
  // is exported, so an earlier count could be 0 for a patch that works. writeSync: the process
  // is exiting.
  process.on('exit', () => writeSync(2, `bench-stage pid=${process.pid} ${stage} calls=${stageCalls}\n`));
}

// Preloaded into every app the benchmark starts (NODE_OPTIONS=--require, before the app's own
// preload), baseline included, so that all variants carry the same small extra.
// 1. On SIGUSR2 it prints the event loop's utilisation since the previous SIGUSR2, numbered,
//    the garbage collector's pauses of the main thread meanwhile (count, total and longest, in
//    ms) and the longest the event loop was held (monitorEventLoopDelay, 10 ms resolution); then
//    it flushes the spans still queued and says so (`bench-flushed 2`).
//    With BENCH_CPU_PROFILE=file, it profiles the CPU from the 4th ask to the 5th (a run of its
//    own, at the latency load) and writes the profile to that file.
// 2. With BENCH_STAGE (`npm run bench -- --breakdown`) it switches off one stage of the span
//    pipeline by replacing one SDK method, the same way in all three apps, so that their own
//    code stays as users run it. CommonJS builds only: an ES module app loads the SDK's .mjs
//    files, which these patches do not reach.
// 3. With BENCH_STAGE it counts the calls that reach the replaced method and prints them at exit
//    (`bench-stage pid=4242 drop calls=37`): bench.ts refuses a row whose patch was never called.
//    A method missing from the SDK fails the app's start at once.
// NODE_OPTIONS reaches npm too, which starts the app: hence the pid in the exit line.
const { writeSync } = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay, performance, PerformanceObserver } = require('node:perf_hooks');

let last = performance.eventLoopUtilization();
let asked = 0;
let gc = { count: 0, ms: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count += 1;
    gc.ms += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ type: 'gc' });
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
process.on('SIGUSR2', () => {
  const now = performance.eventLoopUtilization();
  process.stderr.write(`bench-probe ${++asked} elu=${performance.eventLoopUtilization(now, last).utilization} gc=${gc.count} gc_ms=${gc.ms.toFixed(1)} ` +
    `gc_max_ms=${gc.maxMs.toFixed(1)} delay_max_ms=${(loopDelay.max / 1e6).toFixed(1)}\n`);
  last = now;
  gc = { count: 0, ms: 0, maxMs: 0 };
  loopDelay.reset();
  // Then every span still queued is sent, so that the benchmark can count a run's spans at its end.
  const n = asked;
  flushSpans().then(() => process.stderr.write(`bench-flushed ${n}\n`), (error) => process.stderr.write(`bench-flushed ${n} failed: ${error}\n`));
  if (process.env.BENCH_CPU_PROFILE && asked === 4) startProfile();
  if (process.env.BENCH_CPU_PROFILE && asked === 5) stopProfile(process.env.BENCH_CPU_PROFILE);
});

/** The global tracer provider's forceFlush(), if the app has an SDK (the baseline has none). */
function flushSpans() {
  const provider = require('@opentelemetry/api').trace.getTracerProvider();
  const sdk = provider.getDelegate?.() ?? provider;
  return typeof sdk.forceFlush === 'function' ? sdk.forceFlush() : Promise.resolve();
}

let profiler;
function startProfile() {
  const { Session } = require('node:inspector');
  profiler = new Session();
  profiler.connect();
  profiler.post('Profiler.enable');
  profiler.post('Profiler.start');
}
function stopProfile(file) {
  profiler.post('Profiler.stop', (error, result) => {
    require('node:fs').writeFileSync(file, JSON.stringify(error ? { error: String(error) } : result.profile));
    process.stderr.write(`bench-profile ${file}\n`);
    profiler.disconnect();
  });
}

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
  // The fix proposed upstream, applied to the published instrumentation-express (0.72): a layer
  // whose request has no recording span (not sampled) does only what the request's metric needs,
  // the route bookkeeping, and calls the layer as it is; today it gives up only when there is no
  // span at all, and instrumentation-http always puts one there. Counts the requests it skips.
  'express-skip-unrecorded': () => {
    const api = require('@opentelemetry/api');
    const { getRPCMetadata, RPCType } = require('@opentelemetry/core');
    const dist = path.dirname(require.resolve('@opentelemetry/instrumentation-express'));
    const { storeLayerPath, getActualMatchedRoute } = require(path.join(dist, 'utils.cjs'));
    const { _LAYERS_STORE_PROPERTY } = require(path.join(dist, 'internal-types.cjs'));
    const { owner, key } = findFunction('@opentelemetry/instrumentation-express', 'ExpressInstrumentation.prototype._applyPatch');
    const applyPatch = owner[key];
    owner[key] = function applyPatchSkippingUnrecorded(layer, layerPath) {
      applyPatch.call(this, layer, layerPath);
      const instrumented = layer.handle;
      const original = instrumented.__original;
      if (!original || original.length === 4) return;
      const skipping = function (req) {
        if (api.trace.getSpan(api.context.active())?.isRecording() !== false) return instrumented.apply(this, arguments);
        stageCalls += 1;
        const { isLayerPathStored } = storeLayerPath(req, layerPath);
        const rpcMetadata = getRPCMetadata(api.context.active());
        if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = getActualMatchedRoute(req);
        const next = arguments[2];
        if (!isLayerPathStored || typeof next !== 'function') return original.apply(this, arguments);
        // As the instrumentation does: this layer's path leaves the route when it passes the request on.
        arguments[2] = function (error) {
          if (!(req.route && ![undefined, null, 'route', 'router'].includes(error))) req[_LAYERS_STORE_PROPERTY].pop();
          return next.apply(this, arguments);
        };
        return original.apply(this, arguments);
      };
      Object.setPrototypeOf(skipping, instrumented);
      layer.handle = skipping;
    };
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

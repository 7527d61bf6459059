// Loaded by app-preload.cjs when BENCH_STAGE is set (`npm run bench -- --breakdown`, or --env and
// --try): switches off one stage of the span pipeline, or applies measured patches and
// prototypes, by replacing methods or classes of the published packages, the same way in all
// three apps, so that their own code stays as users run it. BENCH_STAGE names one stage or
// several, comma-separated (`encode-on-end,express-skip-unrecorded`). CommonJS builds only: an ES
// module app loads the packages' .mjs files, which these patches do not reach. It counts the
// calls that reach each stage's replacement and prints them at exit (`bench-stage pid=4242 drop
// calls=37`): the benchmark refuses a row whose patch was never called. A method missing from a
// package fails the app's start at once.
// NODE_OPTIONS reaches npm too, which starts the app: hence the pid in the exit line.
const { writeSync } = require('node:fs');
const path = require('node:path');

const stages = process.env.BENCH_STAGE ? process.env.BENCH_STAGE.split(',') : [];
// The stage being applied, and the calls that reached each stage's replacements.
let stage;
const stageCalls = {};

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
    throw new Error(`BENCH_STAGE=${stage}: ${moduleName} has no function ${dottedPath} to patch (did the SDK change? see scripts/bench/bench-stages.cjs)`);
  }
  return { owner, key };
}

/** Replaces the function at `dottedPath` with `replacement`, counting its calls. */
function replaceFunction(moduleName, dottedPath, replacement) {
  const { owner, key } = findFunction(moduleName, dottedPath);
  const counted = stage;
  owner[key] = function countedReplacement(...args) {
    stageCalls[counted] += 1;
    return replacement.apply(this, args);
  };
}

/** Counts the calls of the function at `dottedPath`, which stays as it is. */
function countCalls(moduleName, dottedPath) {
  const { owner, key } = findFunction(moduleName, dottedPath);
  const original = owner[key];
  replaceFunction(moduleName, dottedPath, original);
}

/**
 * Puts `replacement` where an SDK package takes its Node.js class `name` from (its `#platform`
 * module, whose exports its index reads at each use), so that NodeSDK constructs it instead.
 */
function replacePlatformClass(moduleName, name, replacement) {
  const platform = require(path.join(path.dirname(require.resolve(moduleName)), 'platform/node/index.cjs'));
  if (typeof platform[name] !== 'function') throw new Error(`BENCH_STAGE=${stage}: ${moduleName} has no Node.js class ${name} to replace (see scripts/bench/bench-stages.cjs)`);
  platform[name] = replacement;
  if (require(moduleName)[name] !== replacement) throw new Error(`BENCH_STAGE=${stage}: ${moduleName} does not read ${name} from its platform module any more (see scripts/bench/bench-stages.cjs)`);
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
  // The encode-on-end prototype (prototypes/encoding-processors.cjs): NodeSDK builds its span and
  // log record processors in place of the batch processors, with the same options and exporter.
  // Counts the items encoded.
  'encode-on-end': () => {
    const prototypes = path.join(__dirname, 'prototypes', 'encoding-processors.cjs');
    countCalls(prototypes, 'EncodingSpanProcessor.prototype.onEnd');
    countCalls(prototypes, 'EncodingLogRecordProcessor.prototype.onEmit');
    replacePlatformClass('@opentelemetry/sdk-trace', 'BatchSpanProcessor', require(prototypes).EncodingSpanProcessor);
    replacePlatformClass('@opentelemetry/sdk-logs', 'BatchLogRecordProcessor', require(prototypes).EncodingLogRecordProcessor);
  },
  // instrumentation-express patches nothing: no express span, no http.route. Called once, when
  // the app constructs the instrumentation.
  'no-express': () => {
    replaceFunction('@opentelemetry/instrumentation-express', 'ExpressInstrumentation.prototype.init', () => []);
  },
  // The fix proposed upstream, applied to the published instrumentation-express (0.72): a layer
  // whose request has no recording span (not sampled) does only what the request's metric needs,
  // the route bookkeeping, and calls the layer as it is; today it gives up only when there is no
  // span at all, and instrumentation-http always puts one there. Counts the layer calls that reach
  // it, sampled or not (a sampled request's go on to the instrumented layer as before).
  // Two differences from the real code, neither seen by the apps: an ignored layer's path is
  // dropped when the layer passes the request on rather than at once (they ignore none), and
  // the layer runs in its parent's context, so an unsampled log record carries the SERVER span's
  // id rather than a non-recording request-handler span's.
  'express-skip-unrecorded': () => {
    const api = require('@opentelemetry/api');
    const { getRPCMetadata, RPCType } = require('@opentelemetry/core');
    const dist = path.dirname(require.resolve('@opentelemetry/instrumentation-express'));
    const { storeLayerPath, getActualMatchedRoute } = require(path.join(dist, 'utils.cjs'));
    const { _LAYERS_STORE_PROPERTY } = require(path.join(dist, 'internal-types.cjs'));
    const { owner, key } = findFunction('@opentelemetry/instrumentation-express', 'ExpressInstrumentation.prototype._applyPatch');
    const applyPatch = owner[key];
    const skipsUnrecorded = Symbol('bench: skips unrecorded requests');
    const counted = stage;
    owner[key] = function applyPatchSkippingUnrecorded(layer, layerPath) {
      applyPatch.call(this, layer, layerPath);
      // Express 5's app.use goes through router.use: the same layer comes twice, as upstream guards.
      const instrumented = layer.handle;
      const original = instrumented.__original;
      if (instrumented[skipsUnrecorded] || !original || original.length === 4) return;
      const skipping = function (req) {
        stageCalls[counted] += 1;
        if (api.trace.getSpan(api.context.active())?.isRecording() !== false) return instrumented.apply(this, arguments);
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
      // The layer's own properties (a router's stack) read through, as on the instrumented one.
      Object.setPrototypeOf(skipping, instrumented);
      skipping[skipsUnrecorded] = true;
      layer.handle = skipping;
    };
  },
};
for (stage of stages) {
  if (!Object.hasOwn(STAGES, stage)) throw new Error(`BENCH_STAGE=${stage} is not one of ${Object.keys(STAGES).join(', ')}`);
  stageCalls[stage] = 0;
  STAGES[stage]();
}
if (stages.length) {
  // At exit, after the flush that SIGTERM starts: a short run may end before the first batch
  // is exported, so an earlier count could be 0 for a patch that works. writeSync: the process
  // is exiting.
  process.on('exit', () => {
    for (const [name, calls] of Object.entries(stageCalls)) writeSync(2, `bench-stage pid=${process.pid} ${name} calls=${calls}\n`);
  });
}

// Preloaded before anything else (`--require ./dist/instrumentation.js`; for the ES module
// build `--import`, after the loader hook): the instrumentations patch `http` and `express` when
// they are first loaded, so they must be registered before main.ts loads them. Everything else
// (service name, exporters, protocol, endpoint, batching) NodeSDK reads from the OTEL_* variables.
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { context, diag } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';

const sdk = new NodeSDK({
  instrumentations: [
    // The SERVER span comes from the http instrumentation; express only adds the route
    // (http.route, span name) and its own INTERNAL spans, so it needs http registered too.
    new HttpInstrumentation({
      // Health checks are not traced: every URL Express routes to /health (its routes ignore case
      // and a trailing slash; a request target may be a whole URL). Your service's health route
      // here, or no such option to trace every request.
      ignoreIncomingRequestHook: (request) => /^\/health\/?$/i.test(URL.parse(request.url ?? '', 'http://localhost')?.pathname ?? ''),
      // The OTLP/HTTP exporters' own requests (sent with tracing suppressed): no span is made for
      // them, and without this they would still be measured in http.client.request.duration.
      ignoreOutgoingRequestHook: () => isTracingSuppressed(context.active()),
    }),
    new ExpressInstrumentation(),
    // The span's ids on each pino line, and each record sent as an OpenTelemetry log record.
    new PinoInstrumentation(),
  ],
});
sdk.start();
// Flush and shut down once, whichever comes first. A service that ends itself with process.exit()
// awaits this first (`import { shutdownTelemetry } from './instrumentation.js'`): exit skips the rest.
let stopping: Promise<void> | undefined;
export const shutdownTelemetry = () => (stopping ??= sdk.shutdown().catch((error) => diag.error('OpenTelemetry shutdown failed', error)));
// - the event loop empties (the service has closed its server): the usual end, nothing lost;
process.once('beforeExit', shutdownTelemetry);
// - SIGTERM: a service with no SIGTERM handler of its own would end at once, so end as Node would
//   have, once flushed; one with a handler closes its server, but if a pool or a timer keeps its
//   event loop busy it never reaches beforeExit, so flush 5 s later (the timer keeps nothing alive).
process.once('SIGTERM', () => {
  if (process.listenerCount('SIGTERM') === 0) return void shutdownTelemetry().finally(() => process.kill(process.pid, 'SIGTERM'));
  setTimeout(shutdownTelemetry, 5_000).unref();
});

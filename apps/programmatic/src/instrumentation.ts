// Preloaded before anything else (`--require ./dist/cjs/instrumentation.js`; for the ES module
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
      // and a trailing slash; a request target may be a whole URL).
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
// Flushes what is still queued once the app has closed its server and the event loop empties, as
// the automatic app's register hook does. A service that calls process.exit(), or keeps its
// server open on SIGTERM, never gets here: it must call sdk.shutdown() itself first.
process.once('beforeExit', () => void sdk.shutdown().catch((error) => diag.error('shutdown failed', error)));

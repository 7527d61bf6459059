// Preloaded before anything else (`--require ./dist/cjs/instrumentation.js`; for the ES module
// build `--import`, after the loader hook): the instrumentations patch `http` and `express` when
// they are first loaded, so they must be registered before main.ts loads them.
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { readTelemetryConfigOrExit, sdkOptions, useConciseDiagnostics, webEngineAttributes } from '@repo/telemetry';

const config = readTelemetryConfigOrExit({ serviceName: 'programmatic-instrument-service' });
// One line per problem, and one per collector outage rather than one per failed batch.
useConciseDiagnostics(config);

export const sdk = new NodeSDK({
  ...sdkOptions(config),
  // Which Express serves the app, added to NodeSDK's default resource: a resource given here
  // replaces that default (the telemetry.sdk.* attributes), and only the detected ones are merged in.
  resource: defaultResource().merge(resourceFromAttributes(webEngineAttributes())),
  instrumentations: [
    // The SERVER span comes from the http instrumentation; express only adds the route
    // (http.route, span name) and its own INTERNAL spans, so it needs http registered too.
    new HttpInstrumentation({
      // Like the original's OTEL_PYTHON_FLASK_EXCLUDED_URLS: health checks are not traced.
      ignoreIncomingRequestHook: (request) => request.url?.split('?')[0] === '/health',
    }),
    new ExpressInstrumentation(),
    // The span's ids on each pino line, and each record sent as an OpenTelemetry log record.
    new PinoInstrumentation(),
  ],
});
sdk.start();

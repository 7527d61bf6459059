// Preloaded before the app (`--require ./dist/cjs/instrumentation.js`, or `--import` for the ES
// module build), like the programmatic app's: the SDK is running before the first request, and
// createApp() starts nothing itself.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { readTelemetryConfigOrExit, sdkOptions, useConciseDiagnostics, webEngineAttributes } from '@repo/telemetry';

const config = readTelemetryConfigOrExit({ serviceName: 'manual-instrument-service' });
// One line per problem, and one per collector outage rather than one per failed batch.
useConciseDiagnostics(config);

// Even with no instrumentations, start() is needed: it registers the tracer, meter and logger
// providers, the W3C propagator that extract() uses, and the AsyncLocalStorage context manager
// that makes the span "active" inside the route handlers and the logger.
export const sdk = new NodeSDK({
  ...sdkOptions(config),
  // Which Express serves the app, added to NodeSDK's default resource: a resource given here
  // replaces that default (the telemetry.sdk.* attributes), and only the detected ones are merged in.
  resource: defaultResource().merge(resourceFromAttributes(webEngineAttributes())),
  instrumentations: [],
});
sdk.start();

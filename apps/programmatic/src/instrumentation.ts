// Loaded with `node --require ./dist/instrumentation.js`, before anything else: the
// instrumentations patch `http` and `express` when they are first required, so they must
// be registered before main.ts requires them.
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createSpanProcessors, readTelemetryConfig } from '@repo/telemetry-config';

const config = readTelemetryConfig({ serviceName: 'programmatic-instrument-service' });

export const sdk = new NodeSDK({
  serviceName: config.serviceName,
  spanProcessors: createSpanProcessors(config),
  // Traces only, as in the Python original (--metrics_exporter none --logs_exporter none).
  metricReaders: [],
  logRecordProcessors: [],
  instrumentations: [
    // The SERVER span comes from the http instrumentation; express only adds the route
    // (http.route, span name) and its own INTERNAL spans, so it needs http registered too.
    new HttpInstrumentation({
      // Like the original's OTEL_PYTHON_FLASK_EXCLUDED_URLS: health checks are not traced.
      ignoreIncomingRequestHook: (request) => request.url?.split('?')[0] === '/health',
    }),
    new ExpressInstrumentation(),
  ],
});
sdk.start();

// Loaded with `node --require ./dist/instrumentation.js`, before the app, like the programmatic
// app's: the SDK is running before the first request, and createApp() starts nothing itself.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createSpanProcessors, readTelemetryConfig } from '@repo/telemetry-config';

const config = readTelemetryConfig({ serviceName: 'manual-instrument-service' });

// Even with no instrumentations, start() is needed: it registers the tracer provider, the W3C
// propagator that extract() uses, and the AsyncLocalStorage context manager that makes the
// span "active" inside the route handlers.
export const sdk = new NodeSDK({
  serviceName: config.serviceName,
  spanProcessors: createSpanProcessors(config),
  // Traces only, as in the Python original (--metrics_exporter none --logs_exporter none).
  metricReaders: [],
  logRecordProcessors: [],
  instrumentations: [],
});
sdk.start();

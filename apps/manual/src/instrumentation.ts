// Preloaded before the app (`--require ./dist/instrumentation.js`, or `--import` for the ES
// module build): the SDK is running before the first request, and createApp() starts nothing
// itself. Service name, exporters, protocol, endpoint and batching: NodeSDK reads OTEL_* itself.
import { diag } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';

// Even with no instrumentations, start() is needed: it registers the tracer, meter and logger
// providers, the W3C propagator that extract() uses, and the AsyncLocalStorage context manager
// that makes the span "active" inside the route handlers and the logger.
const sdk = new NodeSDK();
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

// Preloaded before the app (`--require ./dist/cjs/instrumentation.js`, or `--import` for the ES
// module build): the SDK is running before the first request, and createApp() starts nothing
// itself. Service name, exporters, protocol, endpoint and batching: NodeSDK reads OTEL_* itself.
import { diag } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';

// Even with no instrumentations, start() is needed: it registers the tracer, meter and logger
// providers, the W3C propagator that extract() uses, and the AsyncLocalStorage context manager
// that makes the span "active" inside the route handlers and the logger.
const sdk = new NodeSDK();
sdk.start();
// Flushes what is still queued once the app has closed its server and the event loop empties, as
// the automatic app's register hook does. A service that calls process.exit(), or keeps its
// server open on SIGTERM, never gets here: it must call sdk.shutdown() itself first.
process.once('beforeExit', () => void sdk.shutdown().catch((error) => diag.error('shutdown failed', error)));

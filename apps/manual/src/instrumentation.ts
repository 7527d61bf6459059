// Preloaded before the app (`--require ./dist/cjs/instrumentation.js`, or `--import` for the ES
// module build): the SDK is running before the first request, and createApp() starts nothing
// itself. Service name, exporters, protocol, endpoint and batching: NodeSDK reads OTEL_* itself.
import { diag } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';

// Even with no instrumentations, start() is needed: it registers the tracer, meter and logger
// providers, the W3C propagator that extract() uses, and the AsyncLocalStorage context manager
// that makes the span "active" inside the route handlers and the logger.
const sdk = new NodeSDK({ instrumentations: [] });
sdk.start();
// Flushes what is still queued once the app has closed its server and the event loop empties
// (main.ts does not call process.exit()), as the automatic app's register hook does.
process.once('beforeExit', () => void sdk.shutdown().catch((error) => diag.error('shutdown failed', error)));

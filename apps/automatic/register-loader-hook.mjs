// ES modules only: `npm run start:esm` preloads this before the register entry point, which does
// not register the loader hook itself. Without it, express is loaded past the instrumentations:
// no express span, no http.route (see `npm run start:esm:without-loader-hook`). Outside src/,
// because the app's own code has no OpenTelemetry in it.
import { register as registerInThread, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import { register } from 'node:module';

// Only the modules of OTEL_NODE_ENABLED_INSTRUMENTATIONS (otel.env): the hook otherwise wraps
// every module the app imports. Enable another instrumentation, add its module here.
const include = ['express', 'pino', 'http', 'https'];
if (supportsSyncHooks()) {
  // On the app's own thread (Node 22.22.3+, 24.11.1+): starts in half the time of the loader
  // thread below, which Node starts for module.register().
  registerInThread({ include });
} else {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include } });
}

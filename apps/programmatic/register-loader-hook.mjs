// ES modules only, preloaded before instrumentation.js: Node loads an ES module app's imports
// itself, not through require(), so the instrumentations can patch express only if this loader
// hook (import-in-the-middle) is registered before they are created. CommonJS needs none.
import { register as registerInThread, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import { register } from 'node:module';

// Only the modules instrumentation.ts patches: the hook otherwise wraps every module the app imports.
const include = ['express', 'pino', 'http', 'https'];
if (supportsSyncHooks()) {
  // On the app's own thread (Node 22.22.3+, 24.11.1+): starts in half the time of the loader
  // thread below, which Node starts for module.register().
  registerInThread({ include });
} else {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include } });
}

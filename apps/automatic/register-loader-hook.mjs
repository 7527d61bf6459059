// ES modules only: `npm run start:esm` preloads this before the register entry point, which does
// not register the loader hook itself. Without it, express is loaded past the instrumentations:
// no express span, no http.route (see `npm run start:esm:without-loader-hook`). Outside src/,
// because the app's own code has no OpenTelemetry in it.
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

// ES modules only, preloaded before instrumentation.js: Node loads an ES module app's imports
// itself, not through require(), so the instrumentations can patch express only if this loader
// hook (import-in-the-middle) is registered before they are created. CommonJS needs none.
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

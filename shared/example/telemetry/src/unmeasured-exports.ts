// Optional, preloaded before the SDK (`node --require @repo/telemetry/unmeasured-exports …`):
// instrumentation-http 0.300 makes no span for a request sent with tracing suppressed, as the
// OTLP/HTTP exporters send theirs, but still records it in http.client.request.duration, so an app
// exporting over OTLP/HTTP measures its own exports. This leaves such requests alone entirely.
// The programmatic app does the same in code (ignoreOutgoingRequestHook); the automatic app, which
// is configured by OTEL_* variables only, has no other way to.
import { context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { bothModuleFormats } from './module-formats';

type Request = (...args: unknown[]) => unknown;
interface HttpInstrumentationClass { prototype: { _outgoingRequestFunction(component: string, original: Request): Request } }

for (const { HttpInstrumentation } of bothModuleFormats<{ HttpInstrumentation: HttpInstrumentationClass }>('@opentelemetry/instrumentation-http')) {
  const wrap = HttpInstrumentation.prototype._outgoingRequestFunction;
  // Before any instrumentation is enabled: it wraps http.request with this when it patches `http`.
  HttpInstrumentation.prototype._outgoingRequestFunction = function (component, original) {
    const traced = wrap.call(this, component, original);
    return function (this: unknown, ...args: unknown[]) {
      return (isTracingSuppressed(context.active()) ? original : traced).apply(this, args);
    };
  };
}

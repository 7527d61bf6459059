// The app's logger, pino, with what instrumentation-pino adds in the other two apps, by hand: each
// line carries the active span's ids, and each record also goes to OpenTelemetry's Logs API, in
// the active context, so that it is exported with its trace and span (OTEL_LOGS_EXPORTER).
import { logs, SeverityNumber, trace, type AnyValue } from '@opentelemetry/api';
import pino from 'pino';
import { format } from 'node:util';

const otelLogger = logs.getLogger('otel-three-ways-manual');
// Pino's levels as OpenTelemetry's severities, as instrumentation-pino maps them.
const SEVERITIES: Record<number, SeverityNumber> = {
  10: SeverityNumber.TRACE, 20: SeverityNumber.DEBUG, 30: SeverityNumber.INFO, 40: SeverityNumber.WARN, 50: SeverityNumber.ERROR, 60: SeverityNumber.FATAL,
};

export const logger = pino({
  // trace_id, span_id and trace_flags on the JSON line, the names instrumentation-pino writes.
  mixin() {
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (!spanContext) return {};
    return { trace_id: spanContext.traceId, span_id: spanContext.spanId, trace_flags: `0${spanContext.traceFlags.toString(16)}` };
  },
  hooks: {
    // Every call, as written (`logger.info({ param }, 'server_request')`): the object's fields
    // are the record's attributes, its error (`err`, or an Error alone) the record's exception,
    // the rest its body (an Error's message when there is none, as pino writes it).
    logMethod(args, write, level) {
      const [first, ...rest] = args as unknown[];
      const fields = first instanceof Error ? { err: first } : typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
      const { err, ...attributes } = fields ?? {};
      const message = format(...(fields ? rest : args));
      otelLogger.emit({
        severityNumber: SEVERITIES[level],
        severityText: this.levels.labels[level],
        body: message || (err instanceof Error ? err.message : ''),
        attributes: attributes as Record<string, AnyValue>,
        ...(err ? { exception: err } : {}),
      });
      write.apply(this, args as Parameters<typeof write>);
    },
  },
});

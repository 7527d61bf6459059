// The app's logger, pino, with what instrumentation-pino adds in the other two apps, by hand: each
// line carries the active span's ids, and each line also goes to OpenTelemetry's Logs API, in the
// active context, so that it is exported with its trace and span (OTEL_LOGS_EXPORTER).
import { logs, SeverityNumber, trace } from '@opentelemetry/api';
import pino from 'pino';

// This file's instrumentation scope (give it your own name and version).
const otelLogger = logs.getLogger('pino-log-records', '1.0.0');
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
    // The line as pino writes it, still inside the logging call (so in its context): the record is
    // that line, as instrumentation-pino makes it: `msg` its body, `err` its exception, every other
    // field (a child logger's bindings too) an attribute.
    streamWrite(line) {
      const { level, time, msg, err, pid, hostname, trace_id, span_id, trace_flags, ...attributes } = JSON.parse(line);
      const severityText = pino.levels.labels[level];
      otelLogger.emit({
        timestamp: time,
        severityNumber: SEVERITIES[level] ?? SeverityNumber.UNSPECIFIED,
        ...(severityText ? { severityText } : {}),
        body: msg,
        attributes,
        // pino writes an error as { type, message, stack }; OpenTelemetry reads its name.
        ...(err ? { exception: { ...err, name: err.type } } : {}),
      });
      return line;
    },
  },
});

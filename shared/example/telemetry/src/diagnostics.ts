// The SDK's own diagnostics, set up once at start: a logger that says each problem in a line, and
// an error handler that leaves out the failed exports the outage reporter has already reported.
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { ReportedExportError } from './outage-reporting-exporter';

/**
 * The SDK's own warnings and errors, one line each: among them the batch processor's "Dropped N
 * spans because maxQueueSize reached".
 */
const conciseDiagLogger: DiagLogger = {
  error: (message) => console.warn(`telemetry: ${message}`),
  warn: (message) => console.warn(`telemetry: ${message}`),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};

/**
 * Without a logger the SDK says nothing, not even that spans are dropped: this gives it the
 * concise one, unless OTEL_LOG_LEVEL asked for the SDK's own. Failed exports reach the SDK's
 * error handler once per batch; those an OutageReportingExporter has reported are left out, and
 * every other error is logged as the SDK's default handler logs it.
 */
export function useConciseDiagnostics(config: { logLevel?: string }): void {
  if (config.logLevel) return;
  diag.setLogger(conciseDiagLogger, DiagLogLevel.WARN);
  const logError = loggingErrorHandler();
  setGlobalErrorHandler((error) => {
    if (!(error instanceof ReportedExportError)) logError(error);
  });
}

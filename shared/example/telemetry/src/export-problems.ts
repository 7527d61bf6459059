import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { ExportResultCode, loggingErrorHandler, setGlobalErrorHandler, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** A failed export that an OutageReportingExporter has accounted for: not worth a line of its own. */
export class ReportedExportError extends Error {
  override name = 'ReportedExportError';
}

/**
 * Reports a failing collector twice, when exports start failing and when they work again, and
 * not for every batch. The batch processor discards a failed batch (the OTLP/gRPC exporter does
 * not retry); the app itself never waits for the collector.
 */
export class OutageReportingExporter implements SpanExporter {
  // From a failed export until the next one that succeeds.
  private failing = false;
  private failedBatches = 0;
  private lostSpans = 0;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly report: (line: string) => void = (line) => console.warn(line),
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.failing) {
          this.report(`telemetry: span export works again; ${this.lostSpans} spans in ${this.failedBatches} failed batches were lost`);
        }
        this.failing = false;
        this.failedBatches = this.lostSpans = 0;
        done(result);
        return;
      }
      const reason = result.error?.message.split('\n')[0] ?? 'unknown error';
      if (!this.failing) {
        this.report(`telemetry: span export failed (${reason}); the app keeps serving, failed batches are dropped, and this is reported once until export works again`);
      }
      this.failing = true;
      this.failedBatches += 1;
      this.lostSpans += spans.length;
      // Still a failure for the batch processor, marked so that the error handler below skips it.
      done({ code: ExportResultCode.FAILED, error: new ReportedExportError(reason, { cause: result.error }) });
    });
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * The SDK's own warnings and errors, one line each: among them the batch processor's "Dropped N
 * spans because maxQueueSize reached".
 */
export const conciseDiagLogger: DiagLogger = {
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

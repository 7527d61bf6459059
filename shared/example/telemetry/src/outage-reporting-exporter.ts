import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
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

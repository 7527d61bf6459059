import type { DiagLogger } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

// True from a failed export until the next one that succeeds.
let failing = false;

/**
 * Reports a failing collector twice, when exports start failing and when they work again, and
 * not for every batch. The batch processor discards a failed batch (the OTLP/gRPC exporter does
 * not retry); the app itself never waits for the collector.
 */
export class OutageReportingExporter implements SpanExporter {
  private failedBatches = 0;
  private lostSpans = 0;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly report: (line: string) => void = (line) => console.warn(line),
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (failing) {
          this.report(`telemetry: span export works again; ${this.lostSpans} spans in ${this.failedBatches} failed batches were lost`);
        }
        failing = false;
        this.failedBatches = this.lostSpans = 0;
      } else {
        if (!failing) {
          const reason = result.error?.message.split('\n')[0] ?? 'unknown error';
          this.report(`telemetry: span export failed (${reason}); the app keeps serving, failed batches are dropped, and this is reported once until export works again`);
        }
        failing = true;
        this.failedBatches += 1;
        this.lostSpans += spans.length;
      }
      done(result);
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
 * spans because maxQueueSize reached". Export errors during an outage are left out; the
 * exporter above has reported the outage. OTEL_LOG_LEVEL replaces this with the SDK's logger.
 */
export const conciseDiagLogger: DiagLogger = {
  error: (message) => {
    if (!failing) console.warn(`telemetry: ${message}`);
  },
  warn: (message) => console.warn(`telemetry: ${message}`),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};

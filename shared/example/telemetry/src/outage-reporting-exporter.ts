import { ExportResultCode, type ExportResult } from '@opentelemetry/core';

/** A failed export that an OutageReportingExporter has accounted for: not worth a line of its own. */
export class ReportedExportError extends Error {
  override name = 'ReportedExportError';
}

/** What the span, metric and log exporters have in common; the metric one's extras are passed on. */
export interface Exporter<Batch> {
  export(batch: Batch, done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
  selectAggregationTemporality?(...args: never[]): unknown;
  selectAggregation?(...args: never[]): unknown;
}

/** How a signal's exports are named in the lines, and how many items a batch holds. */
export interface ExportedItems<Batch> {
  /** `span`, `metric`, `log record`: "telemetry: span export failed". */
  signal: string;
  /** `spans`, `metric points`, `log records`: "7 spans in 2 failed batches were lost". */
  items: string;
  count(batch: Batch): number;
}

export const SPANS: ExportedItems<unknown[]> = { signal: 'span', items: 'spans', count: (batch) => batch.length };

/**
 * Reports a failing collector twice, when exports start failing and when they work again, and
 * not for every batch. The batch processor discards a failed batch (the OTLP/gRPC exporter does
 * not retry); the app itself never waits for the collector.
 */
export class OutageReportingExporter<Batch = unknown[]> implements Exporter<Batch> {
  // From a failed export until the next one that succeeds.
  private failing = false;
  private failedBatches = 0;
  private lost = 0;
  // The metric exporter's choice of temporality and aggregation, passed on as they are.
  readonly selectAggregationTemporality?: Exporter<Batch>['selectAggregationTemporality'];
  readonly selectAggregation?: Exporter<Batch>['selectAggregation'];

  private readonly what: ExportedItems<Batch>;
  private readonly report: (line: string) => void;

  /** `what`: spans unless said; `report`: where the lines go, console.warn unless said. */
  constructor(private readonly exporter: Exporter<Batch>, options: { what?: ExportedItems<Batch>; report?: (line: string) => void } = {}) {
    this.what = options.what ?? (SPANS as unknown as ExportedItems<Batch>);
    this.report = options.report ?? ((line) => console.warn(line));
    this.selectAggregationTemporality = exporter.selectAggregationTemporality?.bind(exporter);
    this.selectAggregation = exporter.selectAggregation?.bind(exporter);
  }

  export(batch: Batch, done: (result: ExportResult) => void): void {
    const { signal, items, count } = this.what;
    this.exporter.export(batch, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.failing) {
          this.report(`telemetry: ${signal} export works again; ${this.lost} ${items} in ${this.failedBatches} failed batches were lost`);
        }
        this.failing = false;
        this.failedBatches = this.lost = 0;
        done(result);
        return;
      }
      const reason = result.error?.message.split('\n')[0] ?? 'unknown error';
      if (!this.failing) {
        this.report(`telemetry: ${signal} export failed (${reason}); the app keeps serving, failed batches are dropped, and this is reported once until export works again`);
      }
      this.failing = true;
      this.failedBatches += 1;
      this.lost += count(batch);
      // Still a failure for the batch processor, marked so that the error handler skips it.
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

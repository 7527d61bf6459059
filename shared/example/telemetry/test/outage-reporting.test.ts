import { ExportResultCode, globalErrorHandler, setGlobalErrorHandler, loggingErrorHandler, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutageReportingExporter, ReportedExportError, useConciseDiagnostics } from '../src/index.ts';

/** An exporter whose next results are given in order. */
function exporterAnswering(...results: ExportResult[]): SpanExporter {
  return { export: (_spans, done) => done(results.shift()!), shutdown: async () => {} };
}
const failed = (message: string): ExportResult => ({ code: ExportResultCode.FAILED, error: new Error(message) });
const ok: ExportResult = { code: ExportResultCode.SUCCESS };
const spans = (n: number) => Array.from({ length: n }) as ReadableSpan[];

function run(exporter: OutageReportingExporter, batches: number[]): ExportResult[] {
  const results: ExportResult[] = [];
  for (const size of batches) exporter.export(spans(size), (result) => results.push(result));
  return results;
}

describe('OutageReportingExporter', () => {
  it('reports an outage in two lines, when it starts and when it ends, whatever the number of failed batches', () => {
    const lines: string[] = [];
    const exporter = new OutageReportingExporter(exporterAnswering(failed('14 UNAVAILABLE: down\nmore'), failed('again'), ok), { report: (line) => lines.push(line) });
    const results = run(exporter, [3, 4, 1]);
    expect(lines).toEqual([
      'telemetry: span export failed (14 UNAVAILABLE: down); the app keeps serving, failed batches are dropped, and this is reported once until export works again',
      'telemetry: span export works again; 7 spans in 2 failed batches were lost',
    ]);
    // The batch processor still learns of each failure, marked as reported.
    expect(results.map((r) => [r.code, r.error instanceof ReportedExportError])).toEqual([[ExportResultCode.FAILED, true], [ExportResultCode.FAILED, true], [ExportResultCode.SUCCESS, false]]);
  });

  it('keeps its state to itself: two exporters report their own outages', () => {
    const lines: string[] = [];
    const [a, b] = [failed('a down'), failed('b down')].map((result) => new OutageReportingExporter(exporterAnswering(result), { report: (line) => lines.push(line) }));
    run(a, [1]);
    run(b, [1]);
    expect(lines.map((line) => /\((.*)\)/.exec(line)![1])).toEqual(['a down', 'b down']);
  });
});

describe('useConciseDiagnostics', () => {
  afterEach(() => setGlobalErrorHandler(loggingErrorHandler()));

  it('logs every error in one line, except failed exports an OutageReportingExporter has reported', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    useConciseDiagnostics({});
    globalErrorHandler(new ReportedExportError('14 UNAVAILABLE'));
    globalErrorHandler(new Error('something else broke'));
    expect(warn.mock.calls.map(([line]) => String(line))).toEqual([expect.stringMatching(/^telemetry: .*something else broke/)]);
    warn.mockRestore();
  });

  it('names the signal and counts its items: a metric exporter\'s lines say metric points, and its choice of temporality is passed on', () => {
    const lines: string[] = [];
    const metricExporter = { ...exporterAnswering(failed('down'), ok), selectAggregationTemporality: () => 'DELTA' };
    const exporter = new OutageReportingExporter<{ points: number }>(metricExporter as never, {
      what: { signal: 'metric', items: 'metric points', count: (batch) => batch.points },
      report: (line) => lines.push(line),
    });
    for (const points of [5, 1]) exporter.export({ points }, () => {});
    expect(lines).toEqual([
      'telemetry: metric export failed (down); the app keeps serving, failed batches are dropped, and this is reported once until export works again',
      'telemetry: metric export works again; 5 metric points in 1 failed batches were lost',
    ]);
    expect(exporter.selectAggregationTemporality?.()).toBe('DELTA');
  });
});

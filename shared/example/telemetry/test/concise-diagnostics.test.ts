import { diag } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bothModuleFormats } from '../src/module-formats.ts';

interface Result { code: number; error?: Error }
/** An exporter of `signal` whose next results are given in order, as an OTLP exporter's name says its signal. */
function exporterAnswering(signal: 'Trace' | 'Metric' | 'Log', ...results: Result[]) {
  const delegate = { export: (_items: unknown, done: (result: Result) => void) => done(results.shift()!) };
  const named = { [`OTLP${signal}Exporter`]: class extends OTLPExporterBase<unknown> {} };
  return new named[`OTLP${signal}Exporter`](delegate as never);
}
const failed = (message: string): Result => ({ code: 1, error: new Error(message) });
const ok: Result = { code: 0 };
const items = (n: number) => Array.from({ length: n });
const points = (n: number) => ({ scopeMetrics: [{ metrics: [{ dataPoints: items(n) }] }] });

let warn: { mock: { calls: unknown[][] }; mockRestore(): void };
const lines = () => warn.mock.calls.map(([line]) => String(line));
// Each test loads the preload afresh, with the exporters' export as the SDK has it: what one test
// leaves (an outage still open, a full queue) is not seen by the next, in any order.
const exporterCopies = bothModuleFormats<{ OTLPExporterBase: typeof OTLPExporterBase }>('@opentelemetry/otlp-exporter-base');
const sdkExports = exporterCopies.map(({ OTLPExporterBase: base }) => base.prototype.export);
let exitListeners: NodeJS.ExitListener[];
beforeEach(async () => {
  exporterCopies.forEach(({ OTLPExporterBase: base }, i) => (base.prototype.export = sdkExports[i]));
  exitListeners = process.listeners('exit');
  vi.resetModules();
  await import('../src/concise-diagnostics.ts');
});
afterEach(() => {
  warn?.mockRestore();
  // Its exit report is for an app's end, not for the test worker's.
  for (const listener of process.listeners('exit')) if (!exitListeners.includes(listener)) process.off('exit', listener);
});
const watchWarnings = () => (warn = vi.spyOn(console, 'warn').mockImplementation(() => {}));

describe('concise diagnostics', () => {
  it('says nothing while every export works, of any signal', () => {
    watchWarnings();
    for (const signal of ['Trace', 'Metric', 'Log'] as const) exporterAnswering(signal, ok).export((signal === 'Metric' ? points(1) : items(1)) as never, () => {});
    expect(lines()).toEqual([]);
  });

  it('reports an outage in two lines, when it starts and when it ends, whatever the number of failed batches', () => {
    watchWarnings();
    const exporter = exporterAnswering('Trace', failed('14 UNAVAILABLE: down\nmore'), failed('again'), ok);
    const results: Result[] = [];
    for (const size of [3, 4, 1]) exporter.export(items(size) as never, (result) => results.push(result));
    expect(lines()).toEqual([
      'telemetry: span export failed (14 UNAVAILABLE: down); the app keeps serving, failed batches are dropped, and this is reported once until export works again',
      'telemetry: span export works again; 7 spans in 2 failed batches were lost',
    ]);
    // The batch processor still learns of each failure.
    expect(results.map((r) => r.code)).toEqual([1, 1, 0]);
  });

  it("names each signal and counts its items: a metric exporter's lines say metric points", () => {
    watchWarnings();
    const exporter = exporterAnswering('Metric', failed('down'), ok);
    for (const n of [5, 1]) exporter.export(points(n) as never, () => {});
    expect(lines()).toEqual([
      'telemetry: metric export failed (down); the app keeps serving, failed batches are dropped, and this is reported once until export works again',
      'telemetry: metric export works again; 5 metric points in 1 failed batch were lost',
    ]);
  });

  it('leaves out the SDK\'s own error for a failure it has reported, however the SDK wraps it, and says any other error in one line', () => {
    watchWarnings();
    let reported: Error | undefined;
    exporterAnswering('Log', failed('down')).export(items(2) as never, (result) => (reported = result.error));
    // As the batch processors pass it on, and as the metric reader wraps it in an Error of its own.
    globalErrorHandler(reported!);
    globalErrorHandler(new Error(`PeriodicExportingMetricReader: metrics export failed (error ${reported})`));
    globalErrorHandler(new Error('something else broke\n    at somewhere (file.js:1:1)'));
    diag.error('Error terminating OpenTelemetry SDK', reported);
    expect(lines()).toEqual([
      'telemetry: log record export failed (down); the app keeps serving, failed batches are dropped, and this is reported once until export works again',
      'telemetry: something else broke',
    ]);
  });

  it('says a full span queue once per episode, with its count, when an export finds no new drop since the last', () => {
    watchWarnings();
    diag.warn('Dropped 66 spans because maxQueueSize reached');
    diag.warn('Dropped 34 spans because maxQueueSize reached');
    const exporter = exporterAnswering('Trace', ok, ok);
    exporter.export(items(1) as never, () => {});
    diag.warn('Dropped 10 spans because maxQueueSize reached');
    exporter.export(items(1) as never, () => {});
    exporterAnswering('Trace', ok).export(items(1) as never, () => {});
    expect(lines()).toEqual([
      'telemetry: the span queue filled up (OTEL_BSP_MAX_QUEUE_SIZE): 66 spans were dropped; spans are dropped while the exporter falls behind, and this is reported once until it has caught up',
      'telemetry: the span queue has room again; 110 spans were dropped in all',
    ]);
  });
});

// Optional, preloaded (`node --require @repo/telemetry/concise-diagnostics …`): the SDK's own
// problems in one line each, never a stack trace, and a collector outage in one line per signal
// when it starts and one when it ends, rather than an error for every failed batch. Without this
// file the SDK says nothing unless OTEL_LOG_LEVEL is set, and then a line (or a stack) per batch.
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { bothModuleFormats } from './module-formats';

interface ExportResult { code: number; error?: Error }
type Export = (this: object, items: unknown, done: (result: ExportResult) => void) => void;
interface Outage { failedBatches: number; lost: number }

/** A failed export already reported here: the SDK's error line for it is left out. */
class ReportedExportError extends Error {
  override name = 'ReportedExportError';
}

const report = (line: string) => console.warn(`telemetry: ${line}`);
const SIGNALS = [
  { exporter: /Trace/, signal: 'span', items: 'spans', count: (batch: unknown[]) => batch.length },
  { exporter: /Metric/, signal: 'metric', items: 'metric points', count: countPoints },
  { exporter: /Log/, signal: 'log record', items: 'log records', count: (batch: unknown[]) => batch.length },
];
// One outage per signal, whichever of its exporters saw it.
const outages = new Map<string, Outage>();
let droppedSpans: { count: number; sinceExport: boolean } | undefined;

if (!process.env.OTEL_LOG_LEVEL?.trim()) {
  diag.setLogger({ error: say, warn: say, info: () => {}, debug: () => {}, verbose: () => {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  // The SDK reports a failed export once per batch and a successful one never: to say when an
  // outage starts and ends, every OTLP exporter's results are watched, in both module formats.
  for (const copy of bothModuleFormats<{ OTLPExporterBase: typeof OTLPExporterBase }>('@opentelemetry/otlp-exporter-base')) {
    watchExports(copy.OTLPExporterBase.prototype as unknown as { export: Export });
  }
  process.once('exit', () => {
    for (const [signal, outage] of outages) report(`exiting while ${signal} export fails: ${outage.lost} ${itemsOf(signal)} in ${outage.failedBatches} failed batches were not delivered`);
    if (droppedSpans) report(`exiting with the span queue full: ${droppedSpans.count} spans were dropped`);
  });
}

/** One line per call, the first line of each message: the SDK's error handler passes errors as JSON. */
function say(message: string, ...args: unknown[]): void {
  const text = [message, ...args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg)))].join(' ');
  if (text.includes('ReportedExportError') || /contains "none"/.test(text)) return;
  const dropped = /^Dropped (\d+) spans because maxQueueSize reached/.exec(text);
  if (dropped) return queueFull(Number(dropped[1]));
  let line = text;
  try {
    line = (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    // not an error the SDK's handler turned into JSON
  }
  report(line.split('\n')[0]);
}

/** The batch processor says how many spans it dropped each time one fits again: one line per episode. */
function queueFull(count: number): void {
  if (!droppedSpans) report('the span queue is full (OTEL_BSP_MAX_QUEUE_SIZE): new spans are dropped until the exporter catches up; reported once until it has');
  droppedSpans = { count: (droppedSpans?.count ?? 0) + count, sinceExport: true };
}

/** The episode ends at the first successful span export with no drop since the one before it. */
function queueExported(): void {
  if (!droppedSpans) return;
  if (droppedSpans.sinceExport) {
    droppedSpans.sinceExport = false;
    return;
  }
  report(`the span queue has room again; ${droppedSpans.count} spans were dropped`);
  droppedSpans = undefined;
}

function watchExports(prototype: { export: Export }): void {
  const original = prototype.export;
  if ((original as { watched?: boolean }).watched) return;
  const watched: Export = function (items, done) {
    const kind = SIGNALS.find(({ exporter }) => exporter.test(this.constructor.name));
    if (!kind) return original.call(this, items, done);
    original.call(this, items, (result) => {
      const outage = outages.get(kind.signal);
      if (result.code === 0) {
        if (outage) report(`${kind.signal} export works again; ${outage.lost} ${kind.items} in ${outage.failedBatches} failed batches were lost`);
        outages.delete(kind.signal);
        if (kind.signal === 'span') queueExported();
        return done(result);
      }
      const reason = result.error?.message.split('\n')[0] ?? 'unknown error';
      if (!outage) report(`${kind.signal} export failed (${reason}); the app keeps serving, failed batches are dropped, and this is reported once until export works again`);
      outages.set(kind.signal, { failedBatches: (outage?.failedBatches ?? 0) + 1, lost: (outage?.lost ?? 0) + kind.count(items as never) });
      done({ code: result.code, error: new ReportedExportError(reason, { cause: result.error }) });
    });
  };
  prototype.export = Object.assign(watched, { watched: true });
}

function itemsOf(signal: string): string {
  return SIGNALS.find((kind) => kind.signal === signal)!.items;
}

function countPoints(batch: { scopeMetrics: { metrics: { dataPoints: unknown[] }[] }[] }): number {
  return batch.scopeMetrics.reduce((sum, scope) => sum + scope.metrics.reduce((n, metric) => n + metric.dataPoints.length, 0), 0);
}

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
    for (const [signal, outage] of outages) report(`exiting while ${signal} export fails: ${lost(outage, itemsOf(signal))} not delivered`);
    if (droppedSpans) report(`exiting with the span queue full: ${count(droppedSpans.count, 'spans')} dropped`);
  });
}

/** One line per call, the first line of each message: the SDK's error handler passes errors as JSON. */
function say(message: string, ...args: unknown[]): void {
  const text = [message, ...args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg)))].join(' ');
  // Left out: failures reported above; `none`, a choice the settings check has let through; and
  // the register hook's second shutdown (on SIGTERM, then on beforeExit), which the SDK refuses.
  if (text.includes('ReportedExportError') || /contains "none"|may only be called once/.test(text)) return;
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
function queueFull(dropped: number): void {
  if (!droppedSpans) report(`the span queue filled up (OTEL_BSP_MAX_QUEUE_SIZE): ${count(dropped, 'spans')} dropped; spans are dropped while the exporter falls behind, and this is reported once until it has caught up`);
  droppedSpans = { count: (droppedSpans?.count ?? 0) + dropped, sinceExport: true };
}

/** The episode ends at the first successful span export with no drop since the one before it. */
function queueExported(): void {
  if (!droppedSpans) return;
  if (droppedSpans.sinceExport) {
    droppedSpans.sinceExport = false;
    return;
  }
  report(`the span queue has room again; ${count(droppedSpans.count, 'spans')} dropped in all`);
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
        if (outage) report(`${kind.signal} export works again; ${lost(outage, kind.items)} lost`);
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

/** `7 spans in 2 failed batches were`, `1 metric point in 1 failed batch was`. */
function lost({ lost, failedBatches }: Outage, items: string): string {
  return `${plural(lost, items)} in ${plural(failedBatches, 'failed batches')} ${lost === 1 ? 'was' : 'were'}`;
}

/** `1 span was`, `3 spans were`. */
function count(n: number, items: string): string {
  return `${plural(n, items)} ${n === 1 ? 'was' : 'were'}`;
}

/** `3 spans`, `1 span`, `1 failed batch`: `items` is the plural, ending in -s or -es. */
function plural(n: number, items: string): string {
  return n === 1 ? `1 ${items.replace(/(?<=ch)es$|s$/, '')}` : `${n} ${items}`;
}

function itemsOf(signal: string): string {
  return SIGNALS.find((kind) => kind.signal === signal)!.items;
}

function countPoints(batch: { scopeMetrics: { metrics: { dataPoints: unknown[] }[] }[] }): number {
  return batch.scopeMetrics.reduce((sum, scope) => sum + scope.metrics.reduce((n, metric) => n + metric.dataPoints.length, 0), 0);
}

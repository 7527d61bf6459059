// What `npm run receiver` prints of what it receives: each trace as a tree with the log records
// made in its spans, log records outside any span on lines of their own, and one line per
// request-duration series whenever its count changed. At most 100 trees and lone records a second:
// past it, one line a second counts what was not printed (a load generator's flood would have the
// receiver spend its time writing what no one can read).
import type { ReceiverLimits } from '@repo/otlp-receiver';
import {
  formatLogRecord, formatTrace, HistogramLines, serviceOf, type ReceivedLogRecord, type ReceivedMetricPoint, type ReceivedSpan, type TraceFormat,
} from '@repo/trace-model';
import { printThrottle } from './print-throttle.ts';

// The metric the apps record for each request (the HTTP semantic conventions' name).
const REQUEST_DURATION = 'http.server.request.duration';
// Traces whose log records are remembered, printed or waiting for their trace; past it the oldest go.
const MAX_TRACES = 10_000;

interface TraceLogs {
  records: ReceivedLogRecord[];
  /** The trace was printed: a record that comes now is printed on its own, and again in the tree if the trace is printed again. */
  printed: boolean;
  /** How many of `records` were printed on their own, their trace not having come. */
  shownAlone: number;
  timer?: NodeJS.Timeout;
}

/**
 * The receiver's callbacks for printing, through `print`. A log record of a trace waits for its
 * trace, to be printed in its tree; if the trace has not been printed twice `traceIdleMs` after
 * the record came (a trace whose spans were not sampled, or are slow), the record is printed on
 * its own, so that none is lost; and so is one that comes after its trace was printed. `format`:
 * the trees' width and each one's link.
 */
export function receiverOutput(print: (text: string) => void, traceIdleMs: number, format: TraceFormat = {}) {
  const traces = new Map<string, TraceLogs>();
  const histograms = new HistogramLines(REQUEST_DURATION);
  const throttle = printThrottle(print);

  const alone = (record: ReceivedLogRecord, note = '') => {
    if (throttle.allows('log record')) print(`${formatLogRecord(record)} · ${serviceOf(record)}${note}`);
  };

  function showWaiting(traceId: string, logs: TraceLogs, yet = ' yet'): void {
    clearTimeout(logs.timer);
    logs.timer = undefined;
    for (const record of logs.records.slice(logs.shownAlone)) alone(record, ` · trace ${traceId}, not printed${yet}`);
    logs.shownAlone = logs.records.length;
  }

  function logsOf(traceId: string): TraceLogs {
    let logs = traces.get(traceId);
    if (!logs) {
      logs = { records: [], printed: false, shownAlone: 0 };
      traces.set(traceId, logs);
      if (traces.size > MAX_TRACES) {
        const [oldestId, oldest] = traces.entries().next().value!;
        if (!oldest.printed) showWaiting(oldestId, oldest, '');
        traces.delete(oldestId);
      }
    }
    return logs;
  }

  return {
    /**
     * The receiver's followTrace: whether a trace whose first span came will be printed. Past the
     * limit it is not, nor are the records that waited for it (counted with it); the receiver then
     * does not group its spans either.
     */
    followTrace(traceId: string): boolean {
      if (throttle.allows('trace')) return true;
      const waiting = traces.get(traceId);
      if (waiting && !waiting.printed) {
        clearTimeout(waiting.timer);
        traces.delete(traceId);
        throttle.skip('log record', waiting.records.length - waiting.shownAlone);
      }
      return false;
    },

    onTrace(spans: ReceivedSpan[], late?: { added: number }): void {
      const traceId = spans[0].traceId;
      const logs = logsOf(traceId);
      clearTimeout(logs.timer);
      logs.timer = undefined;
      logs.printed = true;
      const again = late ? `(printed again: ${late.added} more span${late.added === 1 ? '' : 's'} came)\n` : '';
      print(`${formatTrace(spans, logs.records, format)}\n${again}`);
    },

    onLogs(records: ReceivedLogRecord[]): void {
      for (const record of records) {
        if (!record.traceId) {
          alone(record);
          continue;
        }
        const traceId = record.traceId;
        const logs = logsOf(traceId);
        logs.records.push(record);
        if (logs.printed) alone(record, ` · trace ${traceId}, printed above`);
        else logs.timer ??= setTimeout(() => showWaiting(traceId, logs), 2 * traceIdleMs);
      }
    },

    onMetrics(points: ReceivedMetricPoint[]): void {
      for (const line of histograms.update(points)) print(line);
    },

    /** Prints the records still waiting for their trace: the receiver is stopping. */
    close(): void {
      for (const [traceId, logs] of traces) if (!logs.printed) showWaiting(traceId, logs, '');
      traces.clear();
      throttle.close();
    },
  };
}

/** What the receiver keeps at most, for its start line. */
export function keptLimits({ maxSpans, maxMetricPoints, maxLogRecords, maxBytes }: ReceiverLimits): string {
  const n = (count: number) => count.toLocaleString('en-US');
  return `keeps the newest ${n(maxSpans)} spans, ${n(maxMetricPoints)} metric points and ${n(maxLogRecords)} log records, at most ${n(maxBytes / 2 ** 20)} MiB of each as received`;
}

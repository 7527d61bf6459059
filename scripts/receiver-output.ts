// What `npm run receiver` prints of what it receives: each trace as a tree with the log records
// made in its spans, log records outside any span on lines of their own, and one line per
// request-duration series whenever its count changed. At most 100 trees and lone records a second:
// past it, one line a second counts what was not printed (a load generator's flood would have the
// receiver spend its time writing what no one can read).
import type { ReceiverLimits } from '@repo/otlp-receiver';
import {
  formatLogRecord, formatTrace, HistogramLines, serviceOf, type ReceivedLogRecord, type ReceivedMetricPoint, type ReceivedSpan,
} from '@repo/trace-model';

// The metric the apps record for each request (the HTTP semantic conventions' name).
const REQUEST_DURATION = 'http.server.request.duration';
// Traces whose log records are remembered, printed or waiting for their trace; past it the oldest go.
const MAX_TRACES = 10_000;
// Trees and lone log records printed a second, at most.
export const MAX_PRINTED_PER_SECOND = 100;

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
 * its own, so that none is lost; and so is one that comes after its trace was printed.
 */
export function receiverOutput(print: (text: string) => void, traceIdleMs: number) {
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
    onTrace(spans: ReceivedSpan[], late?: { added: number }): void {
      const traceId = spans[0].traceId;
      if (!throttle.allows('trace')) {
        // Not printed, and neither are the records that waited for it (counted with it).
        const waiting = traces.get(traceId);
        if (waiting && !waiting.printed) {
          clearTimeout(waiting.timer);
          traces.delete(traceId);
          throttle.skip('log record', waiting.records.length - waiting.shownAlone);
        }
        return;
      }
      const logs = logsOf(traceId);
      clearTimeout(logs.timer);
      logs.timer = undefined;
      logs.printed = true;
      const again = late ? `(printed again: ${late.added} more span${late.added === 1 ? '' : 's'} came)\n` : '';
      print(`${formatTrace(spans, logs.records)}\n${again}`);
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

/**
 * Lets MAX_PRINTED_PER_SECOND things be printed in each second; counts the rest, and says how many
 * in one line when that second is over (or at close).
 */
function printThrottle(print: (text: string) => void) {
  let windowStart = -Infinity;
  let printed = 0;
  const skipped = { trace: 0, 'log record': 0 };
  let summary: NodeJS.Timeout | undefined;
  const report = () => {
    clearTimeout(summary);
    summary = undefined;
    const counts = Object.entries(skipped).filter(([, n]) => n > 0).map(([what, n]) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`);
    if (counts.length) print(`receiver: ${counts.join(' and ')} not printed in that second (it prints ${MAX_PRINTED_PER_SECOND} a second at most; the trace UI has what it keeps)`);
    skipped.trace = skipped['log record'] = 0;
  };
  const skip = (what: keyof typeof skipped, n = 1) => {
    if (n <= 0) return;
    skipped[what] += n;
    summary ??= setTimeout(report, Math.max(0, windowStart + 1000 - performance.now()));
  };
  return {
    allows(what: keyof typeof skipped): boolean {
      const now = performance.now();
      if (now - windowStart >= 1000) {
        if (summary) report();
        windowStart = now;
        printed = 0;
      }
      if (printed < MAX_PRINTED_PER_SECOND) {
        printed += 1;
        return true;
      }
      skip(what);
      return false;
    },
    skip,
    close: report,
  };
}

/** What the receiver keeps at most, for its start line. */
export function keptLimits({ maxSpans, maxMetricPoints, maxLogRecords, maxBytes }: ReceiverLimits): string {
  const n = (count: number) => count.toLocaleString('en-US');
  return `keeps the newest ${n(maxSpans)} spans, ${n(maxMetricPoints)} metric points and ${n(maxLogRecords)} log records, at most ${n(maxBytes / 2 ** 20)} MiB of each as received`;
}

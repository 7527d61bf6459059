import { formatLogRecord, logTime, type ReceivedLogRecord } from './log';
import { nanosToMillis, serviceOf, showValue, type ReceivedSpan } from './span';
import { placeSpans, traceBounds } from './tree';

// The attributes worth a glance in a tree; everything else is in receiver.spans().
const KEY_ATTRIBUTES = ['http.response.status_code', 'http.route', 'url.query', 'error.type', 'express.type', 'express.name'];
const MAX_INDENT = 40;

/**
 * One trace as an indented tree, children under parents in start order:
 *
 *   trace 4bf92f3577b34da6a3ce929d0e0e4736 · manual-instrument-service · 1 span · 1 log record · 1.2 ms
 *   └─ SERVER GET /server_request · 1.2 ms · http.response.status_code=200 http.route=/server_request
 *        · log INFO server_request param=x
 *
 * Under each span, its events (`! exception: ...`) and the log records made in it (`· log ...`,
 * from `logs`, matched by spanId), in time order. Records whose span is not among `spans` come last.
 */
export function formatTrace(spans: ReceivedSpan[], logs: ReceivedLogRecord[] = []): string {
  if (spans.length === 0) return '(no spans)';
  const services = [...new Set(spans.map(serviceOf))];
  const { start, end } = traceBounds(spans);
  const logCount = logs.length ? ` · ${logs.length} log record${logs.length === 1 ? '' : 's'}` : '';
  const lines = [
    `trace ${spans[0].traceId} · ${services.join(', ')} · ${spans.length} span${spans.length === 1 ? '' : 's'}${logCount} · ${millis(end - start)}`,
  ];
  const logsBySpan = new Map<string, ReceivedLogRecord[]>();
  for (const record of logs) {
    const key = record.spanId ?? '';
    if (!logsBySpan.has(key)) logsBySpan.set(key, []);
    logsBySpan.get(key)!.push(record);
  }

  // Each span's prefix continues its parent's: a bar while the parent has later siblings. Past
  // MAX_INDENT levels it stops growing, so a deep chain cannot make the lines huge.
  const ids = new Set(spans.map((span) => span.spanId));
  const inner: string[] = [];
  for (const { span, parent, depth, last } of placeSpans(spans)) {
    const prefix = parent === undefined ? '' : inner[parent];
    const parts = [`${span.kind} ${span.name}`, millis(span.endTimeUnixNano - span.startTimeUnixNano)];
    if (span.status.code === 'ERROR') parts.push(`ERROR${span.status.message ? ` ${span.status.message}` : ''}`);
    const shown = KEY_ATTRIBUTES.filter((key) => key in span.attributes).map((key) => `${key}=${showValue(span.attributes[key])}`);
    if (shown.length) parts.push(shown.join(' '));
    if (span.parentSpanId && !ids.has(span.parentSpanId)) parts.push(`parent ${span.parentSpanId} (remote)`);
    if (services.length > 1) parts.push(`[${serviceOf(span)}]`);
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${parts.join(' · ')}`);
    inner.push(depth < MAX_INDENT ? `${prefix}${last ? '   ' : '│  '}` : prefix);
    const notes = span.events.map((event) => {
      const message = event.attributes['exception.message'];
      return { time: event.timeUnixNano, text: `! ${event.name}${message === undefined ? '' : `: ${showValue(message)}`}` };
    });
    for (const record of logsBySpan.get(span.spanId) ?? []) notes.push({ time: logTime(record), text: `· ${formatLogRecord(record)}` });
    logsBySpan.delete(span.spanId);
    notes.sort((a, b) => (a.time === b.time ? 0 : a.time < b.time ? -1 : 1));
    for (const { text } of notes) lines.push(`${inner.at(-1)}  ${text}`);
  }
  for (const [spanId, records] of logsBySpan) {
    for (const record of records) {
      lines.push(`   · ${formatLogRecord(record)} · ${spanId ? `span ${spanId}, not in this trace` : 'in no span'}`);
    }
  }
  return lines.join('\n');
}

function millis(nanos: bigint): string {
  return `${nanosToMillis(nanos).toFixed(1)} ms`;
}

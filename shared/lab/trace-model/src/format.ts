import { formatLogRecord, logTime, type ReceivedLogRecord } from './log';
import { nanosToMillis, serviceOf, showValue, type ReceivedSpan } from './span';
import { placeSpans, roundedStartNote, traceBounds } from './tree';

// The attributes worth a glance in a tree; everything else is in receiver.spans().
const KEY_ATTRIBUTES = ['http.response.status_code', 'http.route', 'url.query', 'error.type', 'express.type', 'express.name'];
const MAX_INDENT = 40;

export interface TraceFormat {
  /** Columns each line fits in: what does not fit goes on the next lines, under its span. Default: no limit. */
  width?: number;
  /** A link to the trace, printed under its first line (the trace UI's page of it). */
  link?: (traceId: string) => string | undefined;
}

/** A piece of a line and what joins it to the piece before on the same line. */
type Piece = { join: string; text: string };

/**
 * One trace as an indented tree, children under parents in start order:
 *
 *   trace 4bf92f3577b34da6a3ce929d0e0e4736 · manual-instrument-service · 1 span · 1 log record · 1.2 ms
 *   └─ SERVER GET /server_request · 1.2 ms · http.response.status_code=200 http.route=/server_request
 *        · log INFO server_request param=x
 *
 * Under each span, why it seems to run out of its parent if it does (`~ ends 0.3 ms after its
 * parent: …`), then its events (`! exception: ...`) and the log records made in it (`· log ...`,
 * from `logs`, matched by spanId), in time order. Records whose span is not among `spans` come last.
 * With a `width`, a line's pieces that do not fit go on the next lines, under its span.
 */
export function formatTrace(spans: ReceivedSpan[], logs: ReceivedLogRecord[] = [], { width = Infinity, link }: TraceFormat = {}): string {
  if (spans.length === 0) return '(no spans)';
  const services = [...new Set(spans.map(serviceOf))];
  const { start, end } = traceBounds(spans);
  const dot = (text: string): Piece => ({ join: ' · ', text });
  const lines = fold(`trace ${spans[0].traceId}`, [
    dot(services.join(', ')), dot(`${spans.length} span${spans.length === 1 ? '' : 's'}`),
    ...(logs.length ? [dot(`${logs.length} log record${logs.length === 1 ? '' : 's'}`)] : []), dot(millis(end - start)),
  ], '  ', width);
  // A link is never cut: cut, it would lead nowhere.
  const url = link?.(spans[0].traceId);
  if (url) lines.push(`  ${url}`);
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
  const placed = placeSpans(spans);
  for (const { span, parent, depth, last } of placed) {
    const prefix = parent === undefined ? '' : inner[parent];
    inner.push(depth < MAX_INDENT ? `${prefix}${last ? '   ' : '│  '}` : prefix);
    const parts = [dot(millis(span.endTimeUnixNano - span.startTimeUnixNano))];
    if (span.status.code === 'ERROR') parts.push(dot(`ERROR${span.status.message ? ` ${span.status.message}` : ''}`));
    const shown = KEY_ATTRIBUTES.filter((key) => key in span.attributes).map((key) => `${key}=${showValue(span.attributes[key])}`);
    parts.push(...shown.map((text, i) => ({ join: i === 0 ? ' · ' : ' ', text })));
    if (span.parentSpanId && !ids.has(span.parentSpanId)) parts.push(dot(`parent ${span.parentSpanId} (remote)`));
    if (services.length > 1) parts.push(dot(`[${serviceOf(span)}]`));
    lines.push(...fold(`${prefix}${last ? '└─ ' : '├─ '}${span.kind} ${span.name}`, parts, `${inner.at(-1)}  `, width));
    const rounded = parent === undefined ? undefined : roundedStartNote(span, placed[parent].span);
    if (rounded) lines.push(...foldWords(`${inner.at(-1)}  `, `~ ${rounded}`, `${inner.at(-1)}    `, width));
    const notes = span.events.map((event) => {
      const message = event.attributes['exception.message'];
      return { time: event.timeUnixNano, text: `! ${event.name}${message === undefined ? '' : `: ${showValue(message)}`}` };
    });
    for (const record of logsBySpan.get(span.spanId) ?? []) notes.push({ time: logTime(record), text: `· ${formatLogRecord(record)}` });
    logsBySpan.delete(span.spanId);
    notes.sort((a, b) => (a.time === b.time ? 0 : a.time < b.time ? -1 : 1));
    for (const { text } of notes) lines.push(...foldWords(`${inner.at(-1)}  `, text, `${inner.at(-1)}    `, width));
  }
  for (const [spanId, records] of logsBySpan) {
    for (const record of records) {
      lines.push(...foldWords('   ', `· ${formatLogRecord(record)} · ${spanId ? `span ${spanId}, not in this trace` : 'in no span'}`, '     ', width));
    }
  }
  return lines.join('\n');
}

/** `first`, then each piece on the same line while it fits in `width`, else on a new line that starts with `indent`. */
function fold(first: string, pieces: Piece[], indent: string, width: number): string[] {
  const lines = cut(first, indent, width);
  for (const { join, text } of pieces) {
    const last = lines.at(-1)!;
    if (last.length + join.length + text.length <= width) lines[lines.length - 1] = `${last}${join}${text}`;
    else lines.push(...cut(`${indent}${text}`, indent, width));
  }
  return lines;
}

/** Text of words after `first`, on lines of at most `width` columns, the next ones starting with `indent`. */
function foldWords(first: string, text: string, indent: string, width: number): string[] {
  const [head, ...words] = text.split(' ');
  return fold(`${first}${head}`, words.map((word) => ({ join: ' ', text: word })), indent, width);
}

/** A line longer than `width` as several, the next ones starting with `indent`: for a word that fits no line. */
function cut(line: string, indent: string, width: number): string[] {
  const room = Math.max(width - indent.length, 20);
  if (line.length <= width) return [line];
  const lines = [line.slice(0, width)];
  for (let at = width; at < line.length; at += room) lines.push(`${indent}${line.slice(at, at + room)}`);
  return lines;
}

function millis(nanos: bigint): string {
  return `${nanosToMillis(nanos).toFixed(1)} ms`;
}

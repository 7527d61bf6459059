import { showValue, type AttributeValue, type Attributes, type InstrumentationScope } from './span';

/** One log record as received, with its scope and resource, ids in lowercase hex. */
export interface ReceivedLogRecord {
  /** When it happened, by the source; 0 when the source did not say. */
  timeUnixNano: bigint;
  /** When the SDK (or a collector) saw it. */
  observedTimeUnixNano: bigint;
  /** OTLP's 1-24 (TRACE to FATAL4, four steps each); 0 when not given. */
  severityNumber: number;
  /** The severity as the source named it (e.g. pino's `info`), if it did. */
  severityText?: string;
  /** The message: a string, or any value (a structured log's object). null when absent. */
  body: AttributeValue;
  attributes: Attributes;
  /** Set when the record was made inside a span: the span's trace and id. */
  traceId?: string;
  spanId?: string;
  /** The trace flags of that span (its low byte: 1 is sampled); 0 when none. */
  flags: number;
  eventName?: string;
  scope: InstrumentationScope;
  resource: Attributes;
}

const SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
// A record's line stops here: a log's body can be a whole document.
const MAX_LINE = 300;

/**
 * A record's severity in OTLP's own words, whatever the library called it: INFO for 9, INFO2 for
 * 10 and so on; else its severityText; else `-`.
 */
export function severityName(record: ReceivedLogRecord): string {
  const n = record.severityNumber;
  if (Number.isInteger(n) && n >= 1 && n <= 24) {
    const step = (n - 1) % 4;
    return `${SEVERITIES[Math.floor((n - 1) / 4)]}${step ? step + 1 : ''}`;
  }
  return record.severityText || '-';
}

/**
 * One log record on one line: `log INFO <body> key=value ...`, the event name, if any, after the
 * severity; line breaks in it shown as \n, and cut at 300 characters.
 */
export function formatLogRecord(record: ReceivedLogRecord): string {
  const parts = ['log', severityName(record)];
  if (record.eventName) parts.push(record.eventName);
  if (record.body !== null) parts.push(showValue(record.body));
  for (const [key, value] of Object.entries(record.attributes)) parts.push(`${key}=${showValue(value)}`);
  const line = parts.join(' ').replace(/\r?\n/g, '\\n');
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/** When a record happened: its time, or when it was observed if the source gave no time. */
export function logTime(record: ReceivedLogRecord): bigint {
  return record.timeUnixNano || record.observedTimeUnixNano;
}

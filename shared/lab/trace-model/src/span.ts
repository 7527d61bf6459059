/** An attribute value as OTLP carries it (AnyValue), in plain JavaScript. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;
export type SpanKindName = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type StatusCodeName = 'UNSET' | 'OK' | 'ERROR';
/** The library (tracer, meter or logger) that made a span, a metric or a log record. */
export interface InstrumentationScope {
  name: string;
  version?: string;
}

/** One span as received, with its scope and resource, ids in lowercase hex. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: SpanKindName;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  status: { code: StatusCodeName; message?: string };
  events: { name: string; timeUnixNano: bigint; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  scope: InstrumentationScope;
  resource: Attributes;
}

/** The service a span, metric point or log record came from: its resource's service.name. */
export function serviceOf(item: { resource: Attributes }): string {
  return String(item.resource['service.name'] ?? 'unknown service');
}

/**
 * Nanoseconds (OTLP's unit) as milliseconds. A time since 1970 in nanoseconds is past 2^53: as one
 * Number it would lose its whole milliseconds (…010 ms read as …009.9998), so they go first.
 */
export function nanosToMillis(nanos: bigint): number {
  if (nanos <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(nanos) / 1e6;
  return Number(nanos / 1_000_000n) + Number(nanos % 1_000_000n) / 1e6;
}

/** A value as people read it in a line: strings as they are, absent as "(absent)", the rest as JSON. */
export function showValue(value: unknown): string {
  return value === undefined ? '(absent)' : typeof value === 'string' ? value : JSON.stringify(value);
}

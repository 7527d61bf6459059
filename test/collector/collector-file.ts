// What the collector's file exporter wrote (one OTLP JSON export per line, as the Go reference
// implementation marshals it), read into the receiver's item types by code of its own, not the
// receiver's decoder: the reference the receiver's decoding is held to. Every field of the file is
// either read or named below as one the receiver does not keep; any other field fails the read.
import type { AttributeValue, Attributes, ReceivedLogRecord, ReceivedMetricPoint, ReceivedSpan, InstrumentationScope } from '@repo/trace-model';
import { readFileSync } from 'node:fs';

export interface Items {
  spans: ReceivedSpan[];
  points: ReceivedMetricPoint[];
  records: ReceivedLogRecord[];
}
type Json = Record<string, any>;

// Each message's fields: those read, then those the receiver does not keep and so are not compared
// (what a sender dropped, schema URLs, span and link flags, a link's trace state, exemplars, entity
// references, scope attributes, metric metadata).
const FIELDS = {
  line: [['resourceSpans', 'resourceMetrics', 'resourceLogs'], []],
  resources: [['resource', 'scopeSpans', 'scopeMetrics', 'scopeLogs'], ['schemaUrl']],
  resource: [['attributes'], ['droppedAttributesCount', 'entityRefs']],
  scopes: [['scope', 'spans', 'metrics', 'logRecords'], ['schemaUrl']],
  scope: [['name', 'version'], ['attributes', 'droppedAttributesCount']],
  span: [['traceId', 'spanId', 'parentSpanId', 'traceState', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'events', 'links', 'status'],
    ['flags', 'droppedAttributesCount', 'droppedEventsCount', 'droppedLinksCount']],
  event: [['timeUnixNano', 'name', 'attributes'], ['droppedAttributesCount']],
  link: [['traceId', 'spanId', 'attributes'], ['traceState', 'flags', 'droppedAttributesCount']],
  status: [['code', 'message'], []],
  metric: [['name', 'description', 'unit', 'gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'], ['metadata']],
  data: [['dataPoints', 'aggregationTemporality', 'isMonotonic'], []],
  point: [['attributes', 'startTimeUnixNano', 'timeUnixNano', 'flags', 'asInt', 'asDouble', 'count', 'sum', 'min', 'max', 'bucketCounts', 'explicitBounds',
    'scale', 'zeroCount', 'zeroThreshold', 'positive', 'negative', 'quantileValues'], ['exemplars']],
  buckets: [['offset', 'bucketCounts'], []],
  quantile: [['quantile', 'value'], []],
  record: [['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'severityText', 'body', 'attributes', 'traceId', 'spanId', 'flags', 'eventName'],
    ['droppedAttributesCount']],
} satisfies Record<string, [read: string[], notKept: string[]]>;
const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;
const TEMPORALITIES = ['UNSPECIFIED', 'DELTA', 'CUMULATIVE'] as const;

/** Every span, metric point and log record in the file, in the order written. */
export function readCollectorFile(file: string): Items {
  const items: Items = { spans: [], points: [], records: [] };
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const json = checked(JSON.parse(line), 'line');
    eachItem(json.resourceSpans, 'scopeSpans', 'spans', (span, resource, scope) => items.spans.push(toSpan(span, resource, scope)));
    eachItem(json.resourceMetrics, 'scopeMetrics', 'metrics', (metric, resource, scope) => items.points.push(...toPoints(metric, resource, scope)));
    eachItem(json.resourceLogs, 'scopeLogs', 'logRecords', (record, resource, scope) => items.records.push(toRecord(record, resource, scope)));
  }
  return items;
}

function eachItem(resources: Json[] = [], scopesField: string, itemsField: string, use: (item: Json, resource: Attributes, scope: InstrumentationScope) => void) {
  for (const entry of resources) {
    const resource = attributes(checked(checked(entry, 'resources').resource ?? {}, 'resource').attributes);
    for (const scopeEntry of entry[scopesField] ?? []) {
      const scope = checked(checked(scopeEntry, 'scopes').scope ?? {}, 'scope');
      const named = { name: scope.name ?? '', ...(scope.version ? { version: scope.version } : {}) };
      for (const item of scopeEntry[itemsField] ?? []) use(item, resource, named);
    }
  }
}

function toSpan(span: Json, resource: Attributes, scope: InstrumentationScope): ReceivedSpan {
  const status = checked(checked(span, 'span').status ?? {}, 'status');
  return {
    traceId: span.traceId, spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    ...(span.traceState ? { traceState: span.traceState } : {}),
    name: span.name ?? '', kind: SPAN_KINDS[span.kind ?? 0],
    startTimeUnixNano: BigInt(span.startTimeUnixNano ?? 0), endTimeUnixNano: BigInt(span.endTimeUnixNano ?? 0),
    attributes: attributes(span.attributes),
    status: { code: STATUS_CODES[status.code ?? 0], ...(status.message ? { message: status.message } : {}) },
    events: (span.events ?? []).map((event: Json) => ({ name: checked(event, 'event').name ?? '', timeUnixNano: BigInt(event.timeUnixNano ?? 0), attributes: attributes(event.attributes) })),
    links: (span.links ?? []).map((link: Json) => ({ traceId: checked(link, 'link').traceId, spanId: link.spanId, attributes: attributes(link.attributes) })),
    scope, resource,
  };
}

function toPoints(metric: Json, resource: Attributes, scope: InstrumentationScope): ReceivedMetricPoint[] {
  const kinds = ([['gauge', 'GAUGE'], ['sum', 'SUM'], ['histogram', 'HISTOGRAM'], ['exponentialHistogram', 'EXPONENTIAL_HISTOGRAM'], ['summary', 'SUMMARY']] as const)
    .filter(([field]) => checked(metric, 'metric')[field]);
  if (kinds.length !== 1) throw new Error(`the collector's file has a metric with ${kinds.length} kinds of data: ${JSON.stringify(metric)}`);
  const [[field, kind]] = kinds;
  const { dataPoints = [], aggregationTemporality = 0, isMonotonic = false } = checked(metric[field], 'data');
  return dataPoints.map((point: Json): ReceivedMetricPoint => {
    const common = {
      name: metric.name ?? '', description: metric.description ?? '', unit: metric.unit ?? '', scope, resource, attributes: attributes(checked(point, 'point').attributes),
      startTimeUnixNano: BigInt(point.startTimeUnixNano ?? 0), timeUnixNano: BigInt(point.timeUnixNano ?? 0),
      ...((point.flags ?? 0) & 1 ? { noRecordedValue: true as const } : {}),
    };
    const temporality = TEMPORALITIES[aggregationTemporality];
    const value = point.asInt !== undefined ? integer(point.asInt) : double(point.asDouble ?? 0);
    const optional = (key: 'sum' | 'min' | 'max') => (point[key] === undefined ? {} : { [key]: double(point[key]) });
    const buckets = (json: Json = {}) => ({ offset: checked(json, 'buckets').offset ?? 0, bucketCounts: (json.bucketCounts ?? []).map(BigInt) });
    switch (kind) {
      case 'GAUGE': return { kind, ...common, value };
      case 'SUM': return { kind, ...common, temporality, monotonic: isMonotonic, value };
      case 'HISTOGRAM':
        return {
          kind, ...common, temporality, count: BigInt(point.count ?? 0), ...optional('sum'),
          bucketCounts: (point.bucketCounts ?? []).map(BigInt), explicitBounds: (point.explicitBounds ?? []).map(double), ...optional('min'), ...optional('max'),
        };
      case 'EXPONENTIAL_HISTOGRAM':
        return {
          kind, ...common, temporality, count: BigInt(point.count ?? 0), ...optional('sum'), ...optional('min'), ...optional('max'),
          scale: point.scale ?? 0, zeroCount: BigInt(point.zeroCount ?? 0), zeroThreshold: double(point.zeroThreshold ?? 0),
          positive: buckets(point.positive), negative: buckets(point.negative),
        };
      case 'SUMMARY':
        return {
          kind, ...common, count: BigInt(point.count ?? 0), sum: double(point.sum ?? 0),
          quantileValues: (point.quantileValues ?? []).map((q: Json) => ({ quantile: double(checked(q, 'quantile').quantile ?? 0), value: double(q.value ?? 0) })),
        };
    }
  });
}

function toRecord(record: Json, resource: Attributes, scope: InstrumentationScope): ReceivedLogRecord {
  checked(record, 'record');
  return {
    timeUnixNano: BigInt(record.timeUnixNano ?? 0), observedTimeUnixNano: BigInt(record.observedTimeUnixNano ?? 0),
    severityNumber: record.severityNumber ?? 0,
    ...(record.severityText ? { severityText: record.severityText } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    body: anyValue(record.body), attributes: attributes(record.attributes),
    ...(record.traceId ? { traceId: record.traceId } : {}),
    ...(record.spanId ? { spanId: record.spanId } : {}),
    flags: record.flags ?? 0, scope, resource,
  };
}

function attributes(list: Json[] = []): Attributes {
  return Object.fromEntries(list.map(({ key, value }) => [key, anyValue(value)]));
}

function anyValue(value: Json | undefined): AttributeValue {
  if (!value) return null;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return integer(value.intValue);
  if ('doubleValue' in value) return double(value.doubleValue);
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(anyValue);
  if ('kvlistValue' in value) return attributes(value.kvlistValue.values);
  if ('bytesValue' in value) return value.bytesValue; // base64 in JSON, as the receiver gives bytes
  return null;
}

/** An int64 as the JSON has it (a string): a number where it fits one exactly. */
function integer(text: string | number): number | string {
  return Number.isSafeInteger(Number(text)) ? Number(text) : String(BigInt(text));
}

function double(value: number | string): number {
  return Number(value); // "NaN", "Infinity" and "-Infinity" are strings in OTLP JSON
}

/** `json` itself, once each of its fields is one read as `what` or one the receiver does not keep. */
function checked(json: Json, what: keyof typeof FIELDS): Json {
  const [read, notKept]: string[][] = FIELDS[what];
  const unknown = Object.keys(json).filter((key) => !read.includes(key) && !notKept.includes(key));
  if (unknown.length) throw new Error(`the collector's file has ${what} field(s) this reader does not know: ${unknown.join(', ')}`);
  return json;
}

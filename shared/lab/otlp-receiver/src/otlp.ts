import * as protoLoader from '@grpc/proto-loader';
import type { AttributeValue, Attributes, ReceivedSpan, SpanKindName, StatusCodeName } from '@repo/trace-model';
import path from 'node:path';

/** The request could not be read as an OTLP trace export. */
export class OtlpDecodeError extends Error {
  override name = 'OtlpDecodeError';
}

const SPAN_KINDS: SpanKindName[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: StatusCodeName[] = ['UNSET', 'OK', 'ERROR'];
const TRACE_SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';

// The official opentelemetry-proto definitions, vendored unmodified (vendor/opentelemetry-proto/README.md). From the
// package root, which is the parent of both src/ (tests) and dist/ (built).
const protoRoot = path.join(__dirname, '..', 'vendor', 'opentelemetry-proto');
const definition = protoLoader.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', {
  includeDirs: [protoRoot],
  longs: String, // uint64 nanoseconds and int64 values do not fit a JS number
  oneofs: true,
});
const exportMethod = (definition[TRACE_SERVICE] as protoLoader.ServiceDefinition).Export;

/** The gRPC TraceService/Export method, taking the raw request bytes so decode errors can be reported. */
export const traceServiceDefinition = {
  Export: { ...exportMethod, requestDeserialize: (bytes: Buffer) => bytes },
};

/** An empty ExportTraceServiceResponse: everything accepted. */
export const emptyExportResponse: Buffer = exportMethod.responseSerialize({});

/** Decodes a protobuf ExportTraceServiceRequest (gRPC or OTLP/HTTP protobuf). */
export function decodeProtobufRequest(bytes: Buffer): ReceivedSpan[] {
  let message: unknown;
  try {
    message = exportMethod.requestDeserialize(bytes);
  } catch (error) {
    throw new OtlpDecodeError(`not a protobuf ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  return toSpans(message);
}

/** Decodes an OTLP/HTTP JSON ExportTraceServiceRequest. */
export function decodeJsonRequest(text: string): ReceivedSpan[] {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`not JSON: ${(error as Error).message}`);
  }
  return toSpans(message);
}

// Protobuf (decoded by proto-loader) and JSON share field names; they differ in ids (bytes
// or hex), 64-bit numbers (strings or numbers) and bytes values (Buffer or base64).
type Message = Record<string, unknown>;

function toSpans(request: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of list(object(request, 'request').resourceSpans, 'resourceSpans')) {
    const resource = attributes(optionalObject(object(resourceSpans, 'resourceSpans').resource)?.attributes);
    for (const scopeSpans of list((resourceSpans as Message).scopeSpans, 'scopeSpans')) {
      const scope = optionalObject(object(scopeSpans, 'scopeSpans').scope);
      for (const span of list((scopeSpans as Message).spans, 'spans')) {
        spans.push(toSpan(object(span, 'span'), resource, {
          name: String(scope?.name ?? ''),
          ...(scope?.version ? { version: String(scope.version) } : {}),
        }));
      }
    }
  }
  return spans;
}

function toSpan(span: Message, resource: Attributes, scope: ReceivedSpan['scope']): ReceivedSpan {
  const traceId = id(span.traceId, 'traceId', 32);
  const spanId = id(span.spanId, 'spanId', 16);
  const parentSpanId = isEmpty(span.parentSpanId) ? '' : id(span.parentSpanId, 'parentSpanId', 16);
  const status = optionalObject(span.status);
  return {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    ...(span.traceState ? { traceState: String(span.traceState) } : {}),
    name: String(span.name ?? ''),
    kind: SPAN_KINDS[Number(span.kind ?? 0)] ?? 'UNSPECIFIED',
    startTimeUnixNano: nanos(span.startTimeUnixNano),
    endTimeUnixNano: nanos(span.endTimeUnixNano),
    attributes: attributes(span.attributes),
    status: {
      code: STATUS_CODES[Number(status?.code ?? 0)] ?? 'UNSET',
      ...(status?.message ? { message: String(status.message) } : {}),
    },
    events: list(span.events, 'events').map((event) => ({
      name: String(object(event, 'event').name ?? ''),
      timeUnixNano: nanos((event as Message).timeUnixNano),
      attributes: attributes((event as Message).attributes),
    })),
    links: list(span.links, 'links').map((link) => ({
      traceId: id(object(link, 'link').traceId, 'link traceId', 32),
      spanId: id((link as Message).spanId, 'link spanId', 16),
      attributes: attributes((link as Message).attributes),
    })),
    scope,
    resource,
  };
}

function attributes(keyValues: unknown): Attributes {
  const result: Attributes = {};
  for (const kv of list(keyValues, 'attributes')) {
    const { key, value } = object(kv, 'attribute');
    result[String(key)] = anyValue(value);
  }
  return result;
}

function anyValue(value: unknown): AttributeValue {
  const v = optionalObject(value);
  if (!v) return null;
  if (v.stringValue !== undefined) return String(v.stringValue);
  if (v.boolValue !== undefined) return Boolean(v.boolValue);
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return list(optionalObject(v.arrayValue)?.values, 'arrayValue').map(anyValue);
  if (v.kvlistValue !== undefined) return attributes(optionalObject(v.kvlistValue)?.values);
  if (v.bytesValue !== undefined) {
    return Buffer.isBuffer(v.bytesValue) ? v.bytesValue.toString('base64') : String(v.bytesValue);
  }
  return null;
}

function id(value: unknown, field: string, hexLength: number): string {
  const hex = Buffer.isBuffer(value) ? value.toString('hex') : typeof value === 'string' ? value.toLowerCase() : '';
  if (hex.length !== hexLength || !/^[0-9a-f]+$/.test(hex)) {
    throw new OtlpDecodeError(`${field} must be ${hexLength / 2} bytes (${hexLength} hex digits), got ${JSON.stringify(String(value ?? ''))}`);
  }
  return hex;
}

function nanos(value: unknown): bigint {
  try {
    return BigInt(value === undefined || value === null || value === '' ? 0 : (value as string | number));
  } catch {
    throw new OtlpDecodeError(`a time must be a whole number of nanoseconds, got ${JSON.stringify(value)}`);
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Buffer.isBuffer(value) && value.length === 0);
}

function object(value: unknown, what: string): Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OtlpDecodeError(`${what} must be an object`);
  }
  return value as Message;
}

function optionalObject(value: unknown): Message | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Message) : undefined;
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${what} must be a list`);
  return value;
}

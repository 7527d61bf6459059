import type { Attributes, InstrumentationScope, ReceivedSpan } from '@repo/trace-model';
import { otlpCodec } from './otlp-codec';
import { attributes, scopedItems, id, list, nanos, object, optionalId, optionalObject, type Message } from './otlp-common';
import { readTraceRequest, SPAN_KINDS, STATUS_CODES } from './otlp-traces-wire';

export const TRACE_SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';

/**
 * The spans of an ExportTraceServiceRequest decoded into objects: from JSON, or from protobuf by
 * proto-loader (what readTraceRequest, which reads protobuf itself, is tested against).
 */
export const spansOf = (request: unknown): ReceivedSpan[] => scopedItems(request, ['resourceSpans', 'scopeSpans', 'spans', 'span'], toSpan);

/** ExportTraceServiceRequest: TraceService/Export over gRPC, POST /v1/traces over HTTP; protobuf read by otlp-traces-wire.ts. */
export const traceCodec = otlpCodec(TRACE_SERVICE, 'ExportTraceServiceRequest', spansOf, readTraceRequest);

function toSpan(span: Message, resource: Attributes, scope: InstrumentationScope): ReceivedSpan {
  const traceId = id(span.traceId, 'traceId', 32);
  const spanId = id(span.spanId, 'spanId', 16);
  const parentSpanId = optionalId(span.parentSpanId, 'parentSpanId', 16);
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

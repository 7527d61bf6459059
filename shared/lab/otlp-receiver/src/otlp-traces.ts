import type { Attributes, InstrumentationScope, ReceivedSpan, SpanKindName, StatusCodeName } from '@repo/trace-model';
import { otlpCodec } from './otlp-codec';
import { attributes, scopedItems, id, list, nanos, object, optionalId, optionalObject, type Message } from './otlp-common';

const SPAN_KINDS: SpanKindName[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: StatusCodeName[] = ['UNSET', 'OK', 'ERROR'];

/** ExportTraceServiceRequest: TraceService/Export over gRPC, POST /v1/traces over HTTP. */
export const traceCodec = otlpCodec('opentelemetry.proto.collector.trace.v1.TraceService', 'ExportTraceServiceRequest',
  (request): ReceivedSpan[] => scopedItems(request, ['resourceSpans', 'scopeSpans', 'spans', 'span'], toSpan));

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

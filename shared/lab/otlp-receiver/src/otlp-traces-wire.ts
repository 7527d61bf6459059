import type { Attributes, InstrumentationScope, ReceivedSpan, SpanKindName, StatusCodeName } from '@repo/trace-model';
import { readKeyValue, readKeyValues, readScope } from './otlp-common-wire';
import { id } from './otlp-common';
import { WireReader } from './protobuf-wire';

// trace.proto's enums, by number.
export const SPAN_KINDS: SpanKindName[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
export const STATUS_CODES: StatusCodeName[] = ['UNSET', 'OK', 'ERROR'];
// What most spans have, one frozen object for them all: 100,000 spans kept hold 10 MB less.
const UNSET: ReceivedSpan['status'] = Object.freeze({ code: 'UNSET' });
const NONE: never[] = Object.freeze([]) as never[];

/**
 * ExportTraceServiceRequest read straight from protobuf's wire format into spans, the same ones that
 * otlp-traces.ts' toSpan makes of the request decoded otherwise, without the objects in between: a
 * receiver fed 1,000-span exports flat out spends its time here.
 */
export function readTraceRequest(bytes: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  const reader = new WireReader(bytes);
  while (reader.next()) {
    if (reader.field !== 1) {
      reader.skip();
      continue;
    }
    // ResourceSpans. Its resource may come after its scopes, and a scope after its spans: where
    // each ScopeSpans and each Span lies is noted (start and end, in pairs), and read once known.
    const outer = reader.expect(2).enter();
    const resourceSpansEnd = reader.end;
    let resource: Attributes = {};
    const scopeSpans: number[] = [];
    while (reader.next()) {
      if (reader.field === 1) resource = readKeyValues(reader, 1);
      else if (reader.field === 2) scopeSpans.push(reader.expect(2).delimited(), reader.pos);
      else reader.skip();
    }
    for (let i = 0; i < scopeSpans.length; i += 2) {
      reader.pos = scopeSpans[i];
      reader.end = scopeSpans[i + 1];
      let scope: InstrumentationScope = { name: '' };
      const spanFields: number[] = [];
      while (reader.next()) {
        if (reader.field === 1) scope = readScope(reader);
        else if (reader.field === 2) spanFields.push(reader.expect(2).delimited(), reader.pos);
        else reader.skip();
      }
      for (let j = 0; j < spanFields.length; j += 2) {
        reader.pos = spanFields[j];
        reader.end = spanFields[j + 1];
        spans.push(readSpan(reader, resource, scope));
      }
    }
    reader.end = resourceSpansEnd;
    reader.leave(outer);
  }
  return spans;
}

/** The Span between the reader's `pos` and `end`. */
function readSpan(reader: WireReader, resource: Attributes, scope: InstrumentationScope): ReceivedSpan {
  let traceId = '', spanId = '', parentSpanId = '', traceState = '', name = '', kind = 0;
  let status: ReceivedSpan['status'] | undefined;
  let startTimeUnixNano = 0n, endTimeUnixNano = 0n;
  const attributes: Attributes = {};
  let events: ReceivedSpan['events'] | undefined;
  let links: ReceivedSpan['links'] | undefined;
  while (reader.next()) {
    switch (reader.field) {
      case 1: traceId = reader.expect(2).hex(); break;
      case 2: spanId = reader.expect(2).hex(); break;
      case 3: traceState = reader.expect(2).string(); break;
      case 4: parentSpanId = reader.expect(2).hex(); break;
      case 5: name = reader.expect(2).string(); break;
      case 6: kind = reader.expect(0).varint(); break;
      case 7: startTimeUnixNano = reader.expect(1).fixed64(); break;
      case 8: endTimeUnixNano = reader.expect(1).fixed64(); break;
      case 9: readKeyValue(reader, attributes); break;
      case 11: (events ??= []).push(readEvent(reader)); break;
      case 13: (links ??= []).push(readLink(reader)); break;
      case 15: status = readStatus(reader); break;
      default: reader.skip();
    }
  }
  // Built without spreads, which cost more than the rest of the span here; the same fields as toSpan's.
  const received: ReceivedSpan = {
    traceId: checkedId(traceId, 'traceId', 32), spanId: checkedId(spanId, 'spanId', 16), name, kind: SPAN_KINDS[kind] ?? 'UNSPECIFIED',
    startTimeUnixNano, endTimeUnixNano, attributes, status: status ?? UNSET, events: events ?? NONE, links: links ?? NONE, scope, resource,
  };
  if (parentSpanId) received.parentSpanId = checkedId(parentSpanId, 'parentSpanId', 16);
  if (traceState) received.traceState = traceState;
  return received;
}

function readStatus(reader: WireReader): ReceivedSpan['status'] {
  const outer = reader.expect(2).enter();
  let code = 0, message = '';
  while (reader.next()) {
    if (reader.field === 2) message = reader.expect(2).string();
    else if (reader.field === 3) code = reader.expect(0).varint();
    else reader.skip();
  }
  reader.leave(outer);
  const status: ReceivedSpan['status'] = { code: STATUS_CODES[code] ?? 'UNSET' };
  if (message) status.message = message;
  return status;
}

function readEvent(reader: WireReader): ReceivedSpan['events'][number] {
  const outer = reader.expect(2).enter();
  let timeUnixNano = 0n, name = '';
  const attributes: Attributes = {};
  while (reader.next()) {
    if (reader.field === 1) timeUnixNano = reader.expect(1).fixed64();
    else if (reader.field === 2) name = reader.expect(2).string();
    else if (reader.field === 3) readKeyValue(reader, attributes);
    else reader.skip();
  }
  reader.leave(outer);
  return { name, timeUnixNano, attributes };
}

function readLink(reader: WireReader): ReceivedSpan['links'][number] {
  const outer = reader.expect(2).enter();
  let traceId = '', spanId = '';
  const attributes: Attributes = {};
  while (reader.next()) {
    if (reader.field === 1) traceId = reader.expect(2).hex();
    else if (reader.field === 2) spanId = reader.expect(2).hex();
    else if (reader.field === 4) readKeyValue(reader, attributes);
    else reader.skip();
  }
  reader.leave(outer);
  return { traceId: checkedId(traceId, 'link traceId', 32), spanId: checkedId(spanId, 'link spanId', 16), attributes };
}

/** An id read as hex (so hex already): of its length, or the same error as otlp-common's id(). */
function checkedId(hex: string, field: string, hexLength: number): string {
  return hex.length === hexLength ? hex : id(hex, field, hexLength);
}

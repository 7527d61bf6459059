// The receiver's own reader of protobuf trace exports (otlp-traces-wire.ts) against proto-loader's
// decoding of the same bytes, read into spans by the receiver's object path (spansOf): the two
// must give the same spans for every field and value OTLP has, and the reader must refuse what
// is not protobuf in one line.
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../src/index.ts';
import { exportMethodOf } from '../src/otlp-codec.ts';
import { spansOf, TRACE_SERVICE, traceCodec } from '../src/otlp-traces.ts';
import { readTraceRequest } from '../src/otlp-traces-wire.ts';

const method = exportMethodOf(TRACE_SERVICE);
const encode = (request: object) => method.requestSerialize(request);
/** The reference: proto-loader's objects (longs as strings, bytes as Buffers), then the object path. */
const reference = (bytes: Buffer) => spansOf(method.requestDeserialize(bytes));

const id = (hex: string) => Buffer.from(hex, 'hex');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
// Every kind of AnyValue, and integers where a JS number is not exact.
const EVERY_VALUE = [
  { key: 'text', value: { stringValue: 'served' } }, { key: 'empty', value: { stringValue: '' } },
  { key: 'yes', value: { boolValue: true } }, { key: 'no', value: { boolValue: false } },
  { key: 'whole', value: { intValue: 42 } }, { key: 'negative', value: { intValue: -5 } },
  { key: 'huge', value: { intValue: '1152921504606846977' } }, { key: 'most negative', value: { intValue: '-9223372036854775808' } },
  { key: 'fraction', value: { doubleValue: 0.5 } }, { key: 'bytes', value: { bytesValue: Buffer.from([0, 1, 254, 255]) } },
  { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }, { arrayValue: { values: [] } }] } } },
  { key: 'map', value: { kvlistValue: { values: [{ key: 'inner', value: { kvlistValue: { values: [{ key: 'deep', value: { doubleValue: -1.25 } }] } } }] } } },
  { key: 'no value' }, { key: 'unset value', value: {} },
];
const REQUEST = {
  resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'wire-test' } }, ...EVERY_VALUE], droppedAttributesCount: 3 },
    schemaUrl: 'https://opentelemetry.io/schemas/1.40.0',
    scopeSpans: [{
      scope: { name: 'scope-a', version: '1.2.3', attributes: [{ key: 'not kept', value: { stringValue: 'x' } }] },
      spans: [
        {
          traceId: id(TRACE), spanId: id('00f067aa0ba902b7'), parentSpanId: id('b7ad6b7169203331'), traceState: 'congo=t61rcWkgMzE',
          name: 'GET /server_request', kind: 2, startTimeUnixNano: '1796286162007951470', endTimeUnixNano: '18446744073709551615', flags: 257,
          attributes: EVERY_VALUE, droppedAttributesCount: 1,
          events: [{ timeUnixNano: '1796286162007951999', name: 'exception', attributes: [{ key: 'exception.message', value: { stringValue: 'it broke' } }] }],
          links: [{ traceId: id('0af7651916cd43dd8448eb211c80319c'), spanId: id('b9c7c989f97918e1'), traceState: 'a=b', attributes: EVERY_VALUE.slice(0, 2) }],
          status: { code: 2, message: 'it broke' },
        },
        { traceId: id(TRACE), spanId: id('a1b2c3d4e5f60718'), name: '', kind: 9, status: { code: 1 } },
        { traceId: id(TRACE), spanId: id('a1b2c3d4e5f60719') },
      ],
    }, { spans: [{ traceId: id(TRACE), spanId: id('a1b2c3d4e5f6071a'), name: 'no scope' }] }],
  }, { scopeSpans: [{ scope: { name: 'no resource' }, spans: [{ traceId: id(TRACE), spanId: id('a1b2c3d4e5f6071b') }] }] }],
};

/** A length-delimited field (wire type 2) holding `bytes`. */
function field(number: number, bytes: Buffer): Buffer {
  const length: number[] = [];
  for (let n = bytes.length; ; n >>>= 7) {
    length.push(n < 0x80 ? n : (n & 0x7f) | 0x80);
    if (n < 0x80) break;
  }
  return Buffer.concat([Buffer.from([(number << 3) | 2, ...length]), bytes]);
}
/** What the first field of an encoded message holds (a message with one length-delimited field). */
function inner(message: Buffer): Buffer {
  let at = 1;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = message[at++];
    length |= (byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  return message.subarray(at, at + length);
}

describe('readTraceRequest, the receiver\'s reader of protobuf trace exports', () => {
  it('gives the same spans as proto-loader\'s decoding, for every field and every kind of value', () => {
    const bytes = encode(REQUEST);
    const spans = readTraceRequest(bytes);
    expect(spans).toEqual(reference(bytes));
    expect(spans).toHaveLength(5);
    expect(spans[0].attributes).toMatchObject({ huge: '1152921504606846977', 'most negative': '-9223372036854775808', negative: -5, bytes: 'AAH+/w==', 'no value': null });
    expect(spans[0].endTimeUnixNano).toBe(18446744073709551615n);
  });

  it('reads a resource that comes after its scopes, and a scope after its spans, as if in field order', () => {
    // The first ResourceSpans again, its fields written last to first: scope spans, then the resource.
    const { resource, scopeSpans } = REQUEST.resourceSpans[0];
    const scopesLast = scopeSpans.map((scopeSpan) => {
      const encodedScope = inner(inner(encode({ resourceSpans: [{ scopeSpans: [{ scope: scopeSpan.scope }] }] })));
      const encodedSpans = inner(inner(encode({ resourceSpans: [{ scopeSpans: [{ spans: scopeSpan.spans }] }] })));
      return field(2, Buffer.concat([encodedSpans, encodedScope]));
    });
    const encodedResource = inner(encode({ resourceSpans: [{ resource }] }));
    const reordered = field(1, Buffer.concat([...scopesLast, encodedResource]));
    expect(readTraceRequest(reordered)).toEqual(readTraceRequest(encode({ resourceSpans: [REQUEST.resourceSpans[0]] })));
  });

  it.each([
    ['bytes that are not protobuf', Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]), /^not a protobuf ExportTraceServiceRequest: at byte \d+: wire type 7/],
    ['an export cut short', encode(REQUEST).subarray(0, 100), /^not a protobuf ExportTraceServiceRequest: at byte \d+: \d+ bytes asked where \d+ are left$/],
    ['a span id of 3 bytes', encode({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: id(TRACE), spanId: id('abcdef') }] }] }] }), /^spanId must be 8 bytes \(16 hex digits\), got "abcdef"$/],
    ['a span without a trace id', encode({ resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: id('00f067aa0ba902b7') }] }] }] }), /^traceId must be 16 bytes/],
  ])('refuses %s in one line, as the codec reports it', (_what, bytes, message) => {
    expect(() => traceCodec.decodeProtobuf(bytes)).toThrow(OtlpDecodeError);
    expect(() => traceCodec.decodeProtobuf(bytes)).toThrow(message);
  });
});

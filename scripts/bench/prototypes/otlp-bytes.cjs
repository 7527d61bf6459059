// Part of the encode-on-end prototype (see encoding-processors.cjs): one finished span or log
// record encoded into OTLP protobuf on its own, by the SDK's own serializer, and a whole export
// request put together from such items with the resource and each scope written once.
// Spans and log records share the layout: ExportTraceServiceRequest and ExportLogsServiceRequest
// hold their resource entries in field 1; each of those its resource in 1, its scope entries in 2
// and a schema URL in 3; each scope entry its scope in 1, its items in 2 and a schema URL in 3.
const path = require('node:path');
const { ProtobufLogsSerializer, ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');

// The writers of a resource and a scope, which otlp-transformer keeps internal: read from its
// files, and a clear error if they moved (the prototype would otherwise encode something else).
const transformerDist = path.dirname(require.resolve('@opentelemetry/otlp-transformer'));
const { ProtobufWriter } = require(path.join(transformerDist, 'common/protobuf/protobuf-writer.cjs'));
const { writeResource, writeInstrumentationScope } = require(path.join(transformerDist, 'common/protobuf/common-serializer.cjs'));
if (typeof ProtobufWriter !== 'function' || typeof writeResource !== 'function' || typeof writeInstrumentationScope !== 'function') {
  throw new Error('encode-on-end: @opentelemetry/otlp-transformer no longer has ProtobufWriter, writeResource and writeInstrumentationScope where this prototype reads them');
}

/** The two signals: the serializer the SDK's OTLP protobuf exporters use for each. */
const SIGNALS = {
  spans: { serializer: ProtobufTraceSerializer },
  logs: { serializer: ProtobufLogsSerializer },
};

// An item is encoded with an empty resource and scope in their place, so that only its own
// bytes are written; its real resource and scope are written once per batch.
const BARE = { resource: { attributes: {} }, instrumentationScope: { name: '' } };

/**
 * The bytes of one item as its scope entry holds it (field 2: tag, length, message), encoded by
 * the signal's serializer exactly as a batch of one would be.
 */
function encodeItem(signal, item) {
  const bare = Object.create(item, { resource: { value: BARE.resource }, instrumentationScope: { value: BARE.instrumentationScope } });
  const request = SIGNALS[signal].serializer.serializeRequest([bare]);
  const resourceEntry = field(request, 0, request.length, 1);
  const scopeEntry = field(request, resourceEntry.start, resourceEntry.end, 2);
  const itemField = field(request, scopeEntry.start, scopeEntry.end, 2);
  return request.subarray(itemField.tagStart, itemField.end);
}

/** The first length-delimited field `number` between `start` and `end`: where its tag and its content start, and where it ends. */
function field(bytes, start, end, number) {
  let at = start;
  while (at < end) {
    const tagStart = at;
    let key;
    [key, at] = varintAt(bytes, at);
    const wireType = key & 7;
    if (wireType === 2) {
      let length;
      [length, at] = varintAt(bytes, at);
      if (key >>> 3 === number) return { tagStart, start: at, end: at + length };
      at += length;
    } else if (wireType === 0) at = varintAt(bytes, at)[1];
    else at += wireType === 1 ? 8 : 4;
  }
  throw new Error(`encode-on-end: no field ${number} where the serializer's output should have it`);
}

function varintAt(bytes, at) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
  }
}

/**
 * One export request: the resource once, then each scope once with its items' bytes, in the
 * same message the signal's serializer writes for those items.
 * @param {{ resource: object, scopes: Map<object, ItemBytes> }} batch
 */
function encodeRequest({ resource, scopes }) {
  const entries = [written((writer) => writeResource(writer, resource, 1))];
  for (const [scope, items] of scopes) {
    const scopeEntry = [written((writer) => writeInstrumentationScope(writer, scope, 1)), items.bytes(), ...stringField(3, scope.schemaUrl)];
    entries.push(...lengthDelimited(2, scopeEntry));
  }
  entries.push(...stringField(3, resource.schemaUrl));
  return Buffer.concat(lengthDelimited(1, entries));
}

/**
 * Items' bytes one after the other, outside the JavaScript heap (a Buffer this size is not from
 * Node's pool): what a batch holds of its items is nothing a scavenge copies.
 */
class ItemBytes {
  buffer = Buffer.allocUnsafeSlow(16 * 1024);
  length = 0;

  append(chunk) {
    if (this.length + chunk.length > this.buffer.length) {
      const larger = Buffer.allocUnsafeSlow(2 * Math.max(this.buffer.length, chunk.length));
      this.buffer.copy(larger, 0, 0, this.length);
      this.buffer = larger;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }

  bytes() {
    return this.buffer.subarray(0, this.length);
  }
}

function written(write) {
  const writer = new ProtobufWriter(256);
  write(writer);
  return writer.finish();
}

/** Field `number`, wire type 2, holding `parts` one after the other: its tag and length, then the parts. */
function lengthDelimited(number, parts) {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  return [Uint8Array.of(...varint((number << 3) | 2), ...varint(length)), ...parts];
}

function stringField(number, text) {
  return text ? lengthDelimited(number, [Buffer.from(text, 'utf8')]) : [];
}

function varint(value) {
  const bytes = [];
  for (; value > 0x7f; value = Math.floor(value / 128)) bytes.push((value & 0x7f) | 0x80);
  bytes.push(value);
  return bytes;
}

module.exports = { SIGNALS, ItemBytes, encodeItem, encodeRequest };

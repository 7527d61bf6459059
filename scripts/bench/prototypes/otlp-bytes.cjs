// Part of the encode-on-end prototype (see encoding-processors.cjs): each finished span or log
// record written into OTLP protobuf as it comes, by otlp-transformer's own serializers, into its
// batch's bytes for its scope; and a whole export request put together from those bytes with the
// resource and each scope written once.
// Spans and log records share the layout: ExportTraceServiceRequest and ExportLogsServiceRequest
// hold their resource entries in field 1; each of those its resource in 1, its scope entries in 2
// and a schema URL in 3; each scope entry its scope in 1, its items in 2 and a schema URL in 3.
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const transformerDist = path.dirname(require.resolve('@opentelemetry/otlp-transformer'));

/**
 * A file of otlp-transformer (0.300) compiled as it is, with `names` exported too: its item
 * serializers and its writer, which it keeps internal. That export is the upstream change this
 * prototype needs from it; the serializers themselves run unchanged. Throws if a name is gone.
 */
function withExports(file, names) {
  const filename = path.join(transformerDist, file);
  const source = `${readFileSync(filename, 'utf8')}\n${names.map((name) => `exports.${name} = ${name};`).join('\n')}`;
  const module = { exports: {} };
  try {
    vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename })(module.exports, createRequire(filename), module, filename, path.dirname(filename));
  } catch (error) {
    throw new Error(`encode-on-end: @opentelemetry/otlp-transformer's ${file} no longer defines ${names.join(', ')} (${error.message})`);
  }
  return module.exports;
}

const { serializeSpan } = withExports('trace/protobuf/trace-serializer.cjs', ['serializeSpan']);
const { serializeLogRecord } = withExports('logs/protobuf/logs-serializer.cjs', ['serializeLogRecord']);
// The writer and the resource and scope writers are exported by their own files already.
const { ProtobufWriter } = require(path.join(transformerDist, 'common/protobuf/protobuf-writer.cjs'));
const { writeResource, writeInstrumentationScope } = require(path.join(transformerDist, 'common/protobuf/common-serializer.cjs'));

/** Each signal's item serializer: a span or a log record as its scope entry holds it (field 2). */
const SERIALIZE_ITEM = { spans: serializeSpan, logs: serializeLogRecord };

/**
 * One scope's items in a batch, as bytes: a writer whose buffer (64 KiB, doubling) is outside the
 * JavaScript heap, so that what a batch holds of its items is nothing a scavenge copies.
 */
class ScopeItems {
  writer = new ProtobufWriter(64 * 1024);

  constructor(signal) {
    this.serializeItem = SERIALIZE_ITEM[signal];
  }

  add(item) {
    this.writer.writeTag(2, 2);
    this.serializeItem(this.writer, item);
  }
}

/**
 * One export request: the resource once, then each scope once with its items' bytes, the same
 * message otlp-transformer's serializer writes for those items.
 * @param {{ resource: object, scopes: Map<object, ScopeItems> }} batch
 */
function encodeRequest({ resource, scopes }) {
  const entries = [written((writer) => writeResource(writer, resource, 1))];
  for (const [scope, items] of scopes) {
    const scopeEntry = [written((writer) => writeInstrumentationScope(writer, scope, 1)), items.writer.finish(), ...stringField(3, scope.schemaUrl)];
    entries.push(...lengthDelimited(2, scopeEntry));
  }
  entries.push(...stringField(3, resource.schemaUrl));
  return Buffer.concat(lengthDelimited(1, entries));
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

module.exports = { ScopeItems, encodeRequest };

import type { AttributeValue, Attributes, InstrumentationScope } from '@repo/trace-model';
import type { WireReader } from './protobuf-wire';

// common.proto read from protobuf's wire format into what otlp-common.ts makes of the same messages
// decoded otherwise: the same values for the same input. Each reads the message in the field the
// reader is at.

/** A KeyValue's key and value, put into `into` (a later one of the same key wins). */
export function readKeyValue(reader: WireReader, into: Attributes): void {
  const outer = reader.expect(2).enter();
  let key = '';
  let value: AttributeValue = null;
  while (reader.next()) {
    if (reader.field === 1) key = reader.expect(2).string();
    else if (reader.field === 2) value = readAnyValue(reader);
    else reader.skip();
  }
  reader.leave(outer);
  into[key] = value;
}

/** AnyValue: the one value it holds (the last, if a sender set several), null if none. */
export function readAnyValue(reader: WireReader): AttributeValue {
  const outer = reader.expect(2).enter();
  let value: AttributeValue = null;
  while (reader.next()) {
    switch (reader.field) {
      case 1: value = reader.expect(2).string(); break;
      case 2: value = reader.expect(0).varint() !== 0; break;
      case 3: value = reader.expect(0).int64(); break;
      case 4: value = reader.expect(1).double(); break;
      case 5: value = readArrayValue(reader); break;
      case 6: value = readKeyValues(reader, 1); break;
      case 7: value = reader.expect(2).base64(); break;
      default: reader.skip();
    }
  }
  reader.leave(outer);
  return value;
}

/** The KeyValues in field `field` of the message (a Resource's or a KeyValueList's), as attributes. */
export function readKeyValues(reader: WireReader, field: number): Attributes {
  const outer = reader.expect(2).enter();
  const attributes: Attributes = {};
  while (reader.next()) {
    if (reader.field === field) readKeyValue(reader, attributes);
    else reader.skip();
  }
  reader.leave(outer);
  return attributes;
}

/** InstrumentationScope: its name ('' if none) and version (if any). */
export function readScope(reader: WireReader): InstrumentationScope {
  const outer = reader.expect(2).enter();
  let name = '';
  let version = '';
  while (reader.next()) {
    if (reader.field === 1) name = reader.expect(2).string();
    else if (reader.field === 2) version = reader.expect(2).string();
    else reader.skip();
  }
  reader.leave(outer);
  return version ? { name, version } : { name };
}

/** ArrayValue: its values. */
function readArrayValue(reader: WireReader): AttributeValue[] {
  const outer = reader.expect(2).enter();
  const values: AttributeValue[] = [];
  while (reader.next()) {
    if (reader.field === 1) values.push(readAnyValue(reader));
    else reader.skip();
  }
  reader.leave(outer);
  return values;
}

import { OtlpDecodeError } from './otlp-common';
import { TextCache } from './text-cache';

// Protobuf's wire format, read straight from the request's bytes: what the trace decoder
// (otlp-traces-wire.ts) walks. Field numbers and types are opentelemetry-proto's.

/** The bytes are not protobuf (the codec says of which request). */
export class MalformedProtobuf extends OtlpDecodeError {}

// Shared by every reader: what one export's spans repeat, the next export's spans mostly repeat too.
const UTF8_TEXTS = new TextCache((bytes, start, end) => bytes.toString('utf8', start, end));
const HEX_IDS = new TextCache((bytes, start, end) => bytes.toString('hex', start, end), 4096, 16);

/** A wire type: 0 varint, 1 fixed 64-bit, 2 length-delimited (bytes, strings, messages), 5 fixed 32-bit. */
type WireType = 0 | 1 | 2 | 5;

/**
 * Reads a message's fields in order: `next()` steps to a field, then one of the read calls takes
 * its value, or `skip()` passes over it. A nested message is read between `enter()` and
 * `leave()`, by the same reader: a span and its attributes make no reader objects of their own.
 */
export class WireReader {
  /** The field `next()` stepped to. */
  field = 0;
  wireType: WireType = 0;
  pos = 0;
  /** Where the message being read ends. */
  end: number;
  // fixed64 and double, read as one value each (Buffer's readBigUInt64LE builds its bigint from four).
  private readonly view: DataView;

  constructor(readonly bytes: Buffer) {
    this.end = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Steps to the next field; false at the message's end. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    const key = this.varint();
    this.field = Math.floor(key / 8);
    const wireType = key & 7;
    if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5) throw this.error(`wire type ${wireType} of field ${this.field}`);
    this.wireType = wireType;
    return true;
  }

  /** An unsigned varint up to 2^53 (lengths, enums, counts): a number. */
  varint(): number {
    // Most are one byte: field keys, short lengths, enums.
    if (this.pos < this.end && this.bytes[this.pos] < 0x80) return this.bytes[this.pos++];
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= this.end) throw this.error('a varint past the end');
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      if (shift > 63) throw this.error('a varint over 10 bytes');
    }
  }

  /** An int64 varint, two's complement: a number where it fits one exactly, else its digits. */
  int64(): number | string {
    const start = this.pos;
    const small = this.varint();
    if (Number.isSafeInteger(small)) return small;
    let n = 0n;
    for (let i = start, shift = 0n; i < this.pos; i++, shift += 7n) n |= BigInt(this.bytes[i] & 0x7f) << shift;
    const signed = BigInt.asIntN(64, n);
    return Number.isSafeInteger(Number(signed)) ? Number(signed) : String(signed);
  }

  fixed64(): bigint {
    return this.view.getBigUint64(this.take(8), true);
  }

  double(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  /** A length-delimited field's start; `pos` is then its end. */
  delimited(): number {
    return this.take(this.varint());
  }

  /** UTF-8 text: the same string object as for the same bytes lately (see TextCache). */
  string(): string {
    const start = this.delimited();
    return UTF8_TEXTS.text(this.bytes, start, this.pos);
  }

  /** Bytes as lowercase hex (ids): the same string object as for the same bytes lately. */
  hex(): string {
    const start = this.delimited();
    return HEX_IDS.text(this.bytes, start, this.pos);
  }

  base64(): string {
    const start = this.delimited();
    return this.bytes.toString('base64', start, this.pos);
  }

  /** Enters the nested message in this field; returns what `leave()` needs to go on after it. */
  enter(): number {
    const outerEnd = this.end;
    const start = this.delimited();
    this.end = this.pos;
    this.pos = start;
    return outerEnd;
  }

  /** Goes on after the nested message `enter()` entered. */
  leave(outerEnd: number): void {
    this.pos = this.end;
    this.end = outerEnd;
  }

  /** Passes over the field's value, whatever its type. */
  skip(): void {
    if (this.wireType === 0) this.varint();
    else if (this.wireType === 1) this.take(8);
    else if (this.wireType === 2) this.delimited();
    else this.take(4);
  }

  /** Checks the field is of `wireType` (a sender's field of another type is an error, not a guess). */
  expect(wireType: WireType): this {
    if (this.wireType !== wireType) throw this.error(`field ${this.field} of wire type ${this.wireType}, not ${wireType}`);
    return this;
  }

  private take(length: number): number {
    const start = this.pos;
    if (length > this.end - start) throw this.error(`${length} bytes asked where ${this.end - start} are left`);
    this.pos += length;
    return start;
  }

  error(what: string): MalformedProtobuf {
    return new MalformedProtobuf(`at byte ${this.pos}: ${what}`);
  }
}

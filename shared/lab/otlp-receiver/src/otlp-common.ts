import type { AttributeValue, Attributes, InstrumentationScope } from '@repo/trace-model';

/** The request could not be read as an OTLP export (of traces, metrics or logs). */
export class OtlpDecodeError extends Error {
  override name = 'OtlpDecodeError';
}

// Protobuf (decoded by proto-loader) and JSON share field names; they differ in ids (bytes
// or hex), 64-bit numbers (strings or numbers) and bytes values (Buffer or base64).
export type Message = Record<string, unknown>;

/**
 * Walks a request's resources, their scopes and each scope's items (`names`: e.g. resourceSpans,
 * scopeSpans, spans, span), and returns what `convert` makes of each item with its resource's
 * attributes and its scope (one item may make several: a metric has a point per series).
 */
export function scopedItems<T>(
  request: unknown,
  names: [resources: string, scopes: string, items: string, item: string],
  convert: (item: Message, resource: Attributes, scope: InstrumentationScope) => T | T[],
): T[] {
  const [resources, scopes, items, item] = names;
  const converted: T[] = [];
  for (const resourceEntry of list(object(request, 'request')[resources], resources)) {
    const resource = attributes(optionalObject(object(resourceEntry, resources).resource)?.attributes);
    for (const scopeEntry of list((resourceEntry as Message)[scopes], scopes)) {
      const scope = optionalObject(object(scopeEntry, scopes).scope);
      const named = { name: String(scope?.name ?? ''), ...(scope?.version ? { version: String(scope.version) } : {}) };
      for (const entry of list((scopeEntry as Message)[items], items)) converted.push(...[convert(object(entry, item), resource, named)].flat() as T[]);
    }
  }
  return converted;
}

export function attributes(keyValues: unknown): Attributes {
  const result: Attributes = {};
  for (const kv of list(keyValues, 'attributes')) {
    const { key, value } = object(kv, 'attribute');
    result[String(key)] = anyValue(value);
  }
  return result;
}

export function anyValue(value: unknown): AttributeValue {
  const v = optionalObject(value);
  if (!v) return null;
  if (v.stringValue !== undefined) return String(v.stringValue);
  if (v.boolValue !== undefined) return Boolean(v.boolValue);
  if (v.intValue !== undefined) return int64(v.intValue, 'intValue');
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return list(optionalObject(v.arrayValue)?.values, 'arrayValue').map(anyValue);
  if (v.kvlistValue !== undefined) return attributes(optionalObject(v.kvlistValue)?.values);
  if (v.bytesValue !== undefined) {
    return Buffer.isBuffer(v.bytesValue) ? v.bytesValue.toString('base64') : String(v.bytesValue);
  }
  return null;
}

/** A trace id (32 hex digits) or span id (16), as lowercase hex, from bytes or hex. */
export function id(value: unknown, field: string, hexLength: number): string {
  const hex = Buffer.isBuffer(value) ? value.toString('hex') : typeof value === 'string' ? value.toLowerCase() : '';
  if (hex.length !== hexLength || !/^[0-9a-f]+$/.test(hex)) {
    throw new OtlpDecodeError(`${field} must be ${hexLength / 2} bytes (${hexLength} hex digits), got ${JSON.stringify(String(value ?? ''))}`);
  }
  return hex;
}

/** An id that may be absent (empty bytes or string): undefined then. */
export function optionalId(value: unknown, field: string, hexLength: number): string | undefined {
  return isEmpty(value) ? undefined : id(value, field, hexLength);
}

export function nanos(value: unknown): bigint {
  try {
    return BigInt(value === undefined || value === null || value === '' ? 0 : (value as string | number));
  } catch {
    throw new OtlpDecodeError(`a time must be a whole number of nanoseconds, got ${JSON.stringify(value)}`);
  }
}

/** A 64-bit unsigned count (fixed64 or uint64), 0 when absent. */
export function count(value: unknown, field: string): bigint {
  let n: bigint | undefined;
  try {
    n = BigInt(value === undefined || value === null || value === '' ? 0 : (value as string | number));
  } catch {
    // not a whole number: refused below
  }
  if (n === undefined || n < 0n) throw new OtlpDecodeError(`${field} must be a whole number of at least 0, got ${JSON.stringify(value)}`);
  return n;
}

/** A signed 64-bit integer: a number, or a string where it does not fit one exactly. */
export function int64(value: unknown, field: string): number | string {
  let n: bigint;
  try {
    n = BigInt(value as string | number);
  } catch {
    throw new OtlpDecodeError(`${field} must be a whole number, got ${JSON.stringify(value)}`);
  }
  return Number.isSafeInteger(Number(n)) ? Number(n) : String(n);
}

/** A double: a number, or in JSON also "NaN", "Infinity" or "-Infinity" (or a numeric string); 0 when absent. */
export function double(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new OtlpDecodeError(`${field} must be a number, got ${JSON.stringify(value)}`);
}

/** An enum's number: given as a number, or in JSON also by its name in `names` (position = number); 0 when absent. */
export function enumNumber(value: unknown, field: string, names: string[]): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && names.includes(value)) return names.indexOf(value);
  throw new OtlpDecodeError(`${field} must be a whole number or one of its names, got ${JSON.stringify(value)}`);
}

export function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Buffer.isBuffer(value) && value.length === 0);
}

export function object(value: unknown, what: string): Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OtlpDecodeError(`${what} must be an object`);
  }
  return value as Message;
}

export function optionalObject(value: unknown): Message | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Message) : undefined;
}

export function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${what} must be a list`);
  return value;
}

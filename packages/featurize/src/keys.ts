// Values as JavaScript keys, for the TypeScript twin of categorify, target_encode
// and difference_lag: two values get the same key exactly when dpu-hash hashes the
// same bytes for them (docs/hash-spec.md): integers by value, floats with -0.0 as
// +0.0 and every NaN as one, strings by their bytes (a latin1 string holds one
// UTF-8 byte per character, so it orders like the bytes and round-trips exactly).
import { Data, DataType, Type, Vector, type Dictionary } from 'apache-arrow';
import { fixedWidth } from '@recdata/hash';
import { float16BitsToNumber, float32ToFloat16Bits } from './float.js';

export type Key = number | bigint | string | boolean;

/** True when bit i (from the data's offset) of its validity is set, or it has none. */
export function validAt(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return true;
  const b = data.offset + i;
  return ((bitmap[b >> 3] >> (b & 7)) & 1) === 1;
}

/** How many bytes an integer-like value takes (0: not integer-like): its fixed width as dpu-hash reads it. */
export function intWidth(type: DataType): number {
  switch (type.typeId) {
    case Type.Int:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
      return fixedWidth(type);
    default:
      return 0;
  }
}

export const isUnsigned = (type: DataType) => type.typeId === Type.Int && !(type as unknown as { isSigned: boolean }).isSigned;

/** A view of a fixed-width column's values as the integer array of its storage. */
export function intValues(data: Data): Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array {
  const width = intWidth(data.type);
  const unsigned = isUnsigned(data.type);
  const v = data.values as ArrayBufferView;
  const Ctor = {
    1: unsigned ? Uint8Array : Int8Array,
    2: unsigned ? Uint16Array : Int16Array,
    4: unsigned ? Uint32Array : Int32Array,
    8: unsigned ? BigUint64Array : BigInt64Array,
  }[width as 1 | 2 | 4 | 8];
  return new Ctor(v.buffer as ArrayBuffer, v.byteOffset, data.length) as never;
}

/** The values of a float column as numbers (float16 decoded exactly). */
export function floatValues(data: Data): Float32Array | Float64Array | ((i: number) => number) {
  const precision = (data.type as unknown as { precision: number }).precision;
  const v = data.values as ArrayBufferView;
  if (precision === 2) return new Float64Array(v.buffer, v.byteOffset, data.length);
  if (precision === 1) return new Float32Array(v.buffer, v.byteOffset, data.length);
  const h = new Uint16Array(v.buffer, v.byteOffset, data.length);
  return (i: number) => float16BitsToNumber(h[i]);
}

/** A 64-bit integer as a number when it is exact, else a bigint (one form per value). */
export function intKey(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** A float's key: -0.0 as +0.0 (NaN stays NaN: a Map holds all NaNs as one key). */
export function floatKey(v: number): number {
  return v === 0 ? 0 : v;
}

/** Reads row i's key of a leaf column (null for a null row). */
export type KeyReader = (i: number) => Key | null;

function leafReader(data: Data): (i: number) => Key {
  const type = data.type;
  switch (type.typeId) {
    case Type.Float: {
      const f = floatValues(data);
      return typeof f === 'function' ? (i) => floatKey(f(i)) : (i) => floatKey(f[i]);
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      const o = data.offset;
      return (i) => ((bits[(o + i) >> 3] >> ((o + i) & 7)) & 1) === 1;
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      const bytes = data.values as Uint8Array;
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (offsets instanceof Int32Array) return (i) => buf.toString('latin1', offsets[i], offsets[i + 1]);
      return (i) => buf.toString('latin1', Number(offsets[i]), Number(offsets[i + 1]));
    }
    default: {
      const v = intValues(data);
      if (v instanceof BigInt64Array || v instanceof BigUint64Array) return (i) => intKey(v[i]);
      return (i) => v[i] as number;
    }
  }
}

// A stream's batches share their dictionary: its keys are read once.
const dictionaryCache = new WeakMap<Vector, (Key | null)[]>();

function dictionaryKeys(dict: Vector): (Key | null)[] {
  let keys = dictionaryCache.get(dict);
  if (!keys) {
    keys = [];
    for (const chunk of dict.data) {
      const read = leafReader(chunk);
      for (let j = 0; j < chunk.length; j++) keys.push(validAt(chunk, j) ? read(j) : null);
    }
    dictionaryCache.set(dict, keys);
  }
  return keys;
}

/** Keys of a leaf or dictionary column, row by row. */
export function keyReader(data: Data): KeyReader {
  if (DataType.isDictionary(data.type)) {
    const keys = dictionaryKeys(data.dictionary as Vector);
    const indices = data.values as ArrayLike<number | bigint>;
    return (i) => {
      if (!validAt(data, i)) return null;
      const k = keys[Number(indices[i])];
      return k === undefined ? null : k;
    };
  }
  const read = leafReader(data);
  if (data.nullCount === 0) return read;
  return (i) => (validAt(data, i) ? read(i) : null);
}

/** The leaf type of a key column (a dictionary's value type). */
export function keyValueType(type: DataType): DataType {
  return DataType.isDictionary(type) ? (type as Dictionary).dictionary : type;
}

/** Orders keys as the vocabulary's ties are broken: numbers numerically (NaN last), strings by bytes, false before true. */
export function compareKeys(a: Key | null, b: Key | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'string' || typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  const an = typeof a === 'number' && Number.isNaN(a);
  const bn = typeof b === 'number' && Number.isNaN(b);
  if (an || bn) return an && bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A key as a JSON value (the fitted file): strings as text (or {hex} when not UTF-8), big integers as decimal strings. */
export function keyToJson(key: Key, type: DataType): unknown {
  if (typeof key === 'string') {
    const bytes = Buffer.from(key, 'latin1');
    const text = bytes.toString('utf8');
    return Buffer.from(text, 'utf8').equals(bytes) ? text : { hex: bytes.toString('hex') };
  }
  if (typeof key === 'bigint') return key.toString();
  if (typeof key === 'number' && !Number.isFinite(key)) return String(key);
  if (typeof key === 'number' && intWidth(type) === 8 && type.typeId !== Type.Float) return String(key);
  return key;
}

/** The key a JSON value stands for, for a column of the given value type; null when it cannot be one. */
export function keyFromJson(value: unknown, type: DataType): Key | null {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('latin1');
      if (value && typeof value === 'object' && typeof (value as { hex?: unknown }).hex === 'string') return Buffer.from((value as { hex: string }).hex, 'hex').toString('latin1');
      return null;
    case Type.Bool:
      return typeof value === 'boolean' ? value : null;
    case Type.Float:
      if (typeof value === 'number') return floatKey(value);
      if (value === 'NaN') return NaN;
      if (value === 'Infinity') return Infinity;
      if (value === '-Infinity') return -Infinity;
      return null;
    default: {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return intKey(BigInt(value));
      return null;
    }
  }
}

/**
 * The keys as an Arrow column of the value type: the native and CUDA kernels
 * build their lookup tables from its bytes, which are what dpu-hash hashes.
 */
export function keysToData(keys: readonly Key[], type: DataType): Data {
  const n = keys.length;
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8: {
      const parts = keys.map((k) => Buffer.from(k as string, 'latin1'));
      const total = parts.reduce((s, p) => s + p.length, 0);
      const bytes = new Uint8Array(total);
      const large = type.typeId === Type.LargeUtf8;
      const offsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
      let at = 0;
      parts.forEach((p, i) => {
        bytes.set(p, at);
        at += p.length;
        offsets[i + 1] = (large ? BigInt(at) : at) as never;
      });
      return makeLeaf(type, n, { valueOffsets: offsets, data: bytes });
    }
    case Type.Bool: {
      const bits = new Uint8Array((n + 7) >> 3);
      keys.forEach((k, i) => {
        if (k === true) bits[i >> 3] |= 1 << (i & 7);
      });
      return makeLeaf(type, n, { data: bits });
    }
    case Type.Float: {
      const precision = (type as unknown as { precision: number }).precision;
      if (precision === 2) return makeLeaf(type, n, { data: Float64Array.from(keys as number[]) });
      if (precision === 1) return makeLeaf(type, n, { data: Float32Array.from(keys as number[]) });
      return makeLeaf(type, n, { data: Uint16Array.from(keys as number[], (v) => float32ToFloat16Bits(v)) });
    }
    default: {
      const width = intWidth(type);
      const unsigned = isUnsigned(type);
      if (width === 8) {
        const arr = unsigned ? new BigUint64Array(n) : new BigInt64Array(n);
        keys.forEach((k, i) => (arr[i] = BigInt(k as number | bigint)));
        return makeLeaf(type, n, { data: arr });
      }
      const Ctor = { 1: unsigned ? Uint8Array : Int8Array, 2: unsigned ? Uint16Array : Int16Array, 4: unsigned ? Uint32Array : Int32Array }[width as 1 | 2 | 4];
      return makeLeaf(type, n, { data: Ctor.from(keys as number[]) });
    }
  }
}

function makeLeaf(type: DataType, length: number, buffers: { data: ArrayBufferView; valueOffsets?: Int32Array | BigInt64Array }): Data {
  // Data's constructor takes the buffers in Arrow's order: offsets, values, validity, type ids.
  return new Data(type, 0, length, 0, [buffers.valueOffsets, buffers.data, undefined, undefined] as never);
}

import { Data, DataType, Dictionary, TimeUnit, Type, Vector } from 'apache-arrow';
import { hashBytes, hashNumber } from '../sketch/hash64.js';

/**
 * How a column is profiled: numbers (integers, floats, timestamps, dates, times,
 * durations: moments, quantiles, distinct, top values), categories (strings,
 * dictionaries, booleans: distinct, top values as a category histogram), or other
 * (lists, structs, binary, decimals: counts and nulls only).
 */
export type ColumnKind = 'numeric' | 'categorical' | 'other';

export function columnKind(type: DataType): ColumnKind {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Timestamp:
    case Type.Date:
    case Type.Time:
    case Type.Duration:
      return 'numeric';
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Bool:
      return 'categorical';
    case Type.Dictionary: {
      const value = (type as Dictionary).dictionary;
      return value.typeId === Type.Utf8 || value.typeId === Type.LargeUtf8 || value.typeId === Type.Int ? 'categorical' : 'other';
    }
    default:
      return 'other';
  }
}

/** Whether row `i` of `data` (relative to its slice) is valid. */
export function isValid(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || data.nullCount === 0 || bitmap.length === 0) return true;
  const b = data.offset + i;
  return (bitmap[b >> 3] & (1 << (b & 7))) !== 0;
}

/** The validity bitmap of a Data when it has nulls, else null (bit index = data.offset + row). */
export function validityOf(data: Data): Uint8Array | null {
  return data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0 ? data.nullBitmap : null;
}

export interface GatherStats {
  nulls: number;
  nan: number;
}

const TWO_32 = 4294967296;

/**
 * The values of a numeric column's rows as float64, nulls and NaN left out: rows
 * from..to of the batch, or the rows idx[from..to) when idx is given. Returns how
 * many values went into `out`; counts nulls and NaN into `stats`. 64-bit integers
 * are read as two 32-bit words (exact below 2^53, rounded to the nearest double
 * above). Timestamps, dates, times and durations stay in their own unit.
 */
export function gatherNumbers(data: Data, idx: Int32Array | null, from: number, to: number, out: Float64Array, stats: GatherStats): number {
  const validity = validityOf(data);
  const offset = data.offset;
  const values = data.values as ArrayLike<number> & { BYTES_PER_ELEMENT: number; buffer: ArrayBuffer; byteOffset: number; length: number };
  let n = 0;
  let nulls = 0;
  let nan = 0;
  const t = data.type;
  const wide = values.BYTES_PER_ELEMENT === 8 && !(values instanceof Float64Array);
  if (t.typeId === Type.Float && (t as DataType & { precision: number }).precision === 0) {
    // float16: decode each value.
    const raw = values as unknown as Uint16Array;
    for (let k = from; k < to; k++) {
      const i = idx === null ? k : idx[k];
      if (validity !== null) {
        const b = offset + i;
        if ((validity[b >> 3] & (1 << (b & 7))) === 0) {
          nulls++;
          continue;
        }
      }
      const x = float16(raw[i]);
      if (x !== x) nan++;
      else out[n++] = x;
    }
  } else if (wide) {
    const words = values.length * 2;
    const lo32 = new Uint32Array(values.buffer, values.byteOffset, words);
    const signed = values instanceof BigInt64Array;
    const hi32 = signed ? new Int32Array(values.buffer, values.byteOffset, words) : lo32;
    for (let k = from; k < to; k++) {
      const i = idx === null ? k : idx[k];
      if (validity !== null) {
        const b = offset + i;
        if ((validity[b >> 3] & (1 << (b & 7))) === 0) {
          nulls++;
          continue;
        }
      }
      out[n++] = hi32[2 * i + 1] * TWO_32 + lo32[2 * i];
    }
  } else if (validity === null) {
    if (idx === null) {
      for (let i = from; i < to; i++) {
        const x = values[i];
        if (x !== x) nan++;
        else out[n++] = x;
      }
    } else {
      for (let k = from; k < to; k++) {
        const x = values[idx[k]];
        if (x !== x) nan++;
        else out[n++] = x;
      }
    }
  } else {
    for (let k = from; k < to; k++) {
      const i = idx === null ? k : idx[k];
      const b = offset + i;
      if ((validity[b >> 3] & (1 << (b & 7))) === 0) {
        nulls++;
        continue;
      }
      const x = values[i];
      if (x !== x) nan++;
      else out[n++] = x;
    }
  }
  stats.nulls += nulls;
  stats.nan += nan;
  return n;
}

/** Each row's number into out[0..n) (NaN for null rows and NaN values). */
export function rowNumbers(data: Data, out: Float64Array, packed: Float64Array): void {
  const n = data.length;
  const stats = { nulls: 0, nan: 0 };
  const m = gatherNumbers(data, null, 0, n, packed, stats);
  if (m === n) {
    out.set(packed.subarray(0, n));
    return;
  }
  const validity = validityOf(data);
  const isFloat = data.type.typeId === Type.Float;
  let p = 0;
  for (let i = 0; i < n; i++) {
    const b = data.offset + i;
    if (validity !== null && (validity[b >> 3] & (1 << (b & 7))) === 0) out[i] = NaN;
    else if (isFloat) {
      const x = numberAt(data, i)!;
      out[i] = x;
      if (x === x) p++;
    } else out[i] = packed[p++];
  }
}

/** One numeric value (null for a null row, NaN kept). */
export function numberAt(data: Data, i: number): number | null {
  if (!isValid(data, i)) return null;
  const values = data.values as ArrayLike<number> & { BYTES_PER_ELEMENT: number; buffer: ArrayBuffer; byteOffset: number };
  const t = data.type;
  if (t.typeId === Type.Float && (t as DataType & { precision: number }).precision === 0) return float16((values as unknown as Uint16Array)[i]);
  if (values.BYTES_PER_ELEMENT === 8 && !(values instanceof Float64Array)) {
    const lo = new Uint32Array(values.buffer, values.byteOffset + 8 * i, 2);
    const hi = values instanceof BigInt64Array ? new Int32Array(values.buffer, values.byteOffset + 8 * i, 2)[1] : lo[1];
    return hi * TWO_32 + lo[0];
  }
  if (t.typeId === Type.Bool) return boolAt(data, i) ? 1 : 0;
  return values[i];
}

function boolAt(data: Data, i: number): boolean {
  const b = data.offset + i;
  return ((data.values as Uint8Array)[b >> 3] & (1 << (b & 7))) !== 0;
}

function float16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const decoder = new TextDecoder();

/** A row's value as text or number for reports (null for null); strings decoded, dictionaries looked up. */
export function displayValue(data: Data, i: number): string | number | boolean | null {
  if (!isValid(data, i)) return null;
  const t = data.type;
  switch (t.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8: {
      const o = data.valueOffsets as Int32Array;
      return decoder.decode((data.values as Uint8Array).subarray(Number(o[i]), Number(o[i + 1])));
    }
    case Type.Dictionary: {
      const code = (data.values as Int32Array)[i];
      const v = data.dictionary?.get(code);
      return typeof v === 'bigint' ? Number(v) : (v as string | number | null);
    }
    case Type.Bool:
      return boolAt(data, i);
    default: {
      if (columnKind(t) === 'numeric') return numberAt(data, i);
      const v = new Vector([data]).get(i);
      return v === null || v === undefined ? null : String(v);
    }
  }
}

/**
 * A categorical or numeric row's 64-bit key into out (see hash64.ts): numbers by
 * value bits' hash, strings by their bytes' hash, booleans as the strings
 * "true"/"false", dictionary rows by their value. Returns false for a null row.
 */
export function rowKeyHash(data: Data, i: number, out: Uint32Array): boolean {
  if (!isValid(data, i)) return false;
  const t = data.type;
  switch (t.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8: {
      const o = data.valueOffsets as Int32Array;
      hashBytes(data.values as Uint8Array, Number(o[i]), Number(o[i + 1]), out);
      return true;
    }
    case Type.Dictionary: {
      const v = data.dictionary?.get((data.values as Int32Array)[i]);
      if (v === null || v === undefined) return false;
      if (typeof v === 'string') hashStringBytes(v, out);
      else hashNumber(Number(v), out);
      return true;
    }
    case Type.Bool:
      hashStringBytes(boolAt(data, i) ? 'true' : 'false', out);
      return true;
    default: {
      const x = numberAt(data, i);
      if (x === null) return false;
      hashNumber(x, out);
      return true;
    }
  }
}

const encoder = new TextEncoder();
function hashStringBytes(s: string, out: Uint32Array): void {
  const b = encoder.encode(s);
  hashBytes(b, 0, b.length, out);
}

/** Milliseconds per unit of a timestamp/duration type, or of an integer epoch column with --ts-unit. */
export const MS_PER_UNIT: Record<string, number> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };

export function timeUnitName(unit: TimeUnit): 's' | 'ms' | 'us' | 'ns' {
  return (['s', 'ms', 'us', 'ns'] as const)[unit];
}

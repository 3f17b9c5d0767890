// Numeric columns as float64, the type every float rule computes in: integers
// convert with one rounding to nearest (exact up to 2^53), float16 and float32
// exactly. Timestamps, dates and durations are their integer storage.
import { Data, Type } from 'apache-arrow';
import { floatValues, intValues } from './keys.js';

/** Row i of a numeric (or time-like) column as a float64; nulls read as whatever their slot holds. */
export function readFloat64(data: Data): Float64Array {
  const n = data.length;
  if (data.type.typeId === Type.Float) {
    const f = floatValues(data);
    if (f instanceof Float64Array) return f;
    const out = new Float64Array(n);
    if (typeof f === 'function') for (let i = 0; i < n; i++) out[i] = f(i);
    else out.set(f);
    return out;
  }
  if (data.type.typeId === Type.Bool) {
    const bits = data.values as Uint8Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const b = data.offset + i;
      out[i] = (bits[b >> 3] >> (b & 7)) & 1;
    }
    return out;
  }
  const v = intValues(data);
  const out = new Float64Array(n);
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) out[i] = Number(v[i]);
  } else out.set(v);
  return out;
}

/** The validity of a column as one bit per row from bit 0 (null when no row is null). */
export function validityBits(data: Data): Uint8Array | null {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return null;
  const n = data.length;
  const out = new Uint8Array((n + 7) >> 3);
  const o = data.offset;
  if ((o & 7) === 0) {
    out.set(bitmap.subarray(o >> 3, (o >> 3) + out.length));
    if (n & 7) out[out.length - 1] &= (1 << (n & 7)) - 1;
    return out;
  }
  for (let i = 0; i < n; i++) {
    const b = o + i;
    if ((bitmap[b >> 3] >> (b & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

export const bit = (bits: Uint8Array, i: number) => ((bits[i >> 3] >> (i & 7)) & 1) === 1;

// The TypeScript twins of seq_pad and quantize (docs/featurize-ops.md).
import { Type, type Data } from 'apache-arrow';
import { float16BitsToNumber, float32ToFloat16Bits, roundHalfEven } from '../float.js';
import { intValues } from '../keys.js';
import { bit, readFloat64, validityBits } from '../numbers.js';
import type { SeqPadParams } from '../spec.js';
import { clearBit, int32View, type FeatureOutput } from './output.js';

/** Writes an integer (|v| < 2^53) into slot `at` of an int64 output through its int32 view. */
function setInt(view: Int32Array, at: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  view[2 * at] = (v - hi * 4294967296) | 0;
  view[2 * at + 1] = hi | 0;
}

/**
 * seq_pad: each list to exactly `length` items. keep last: its last items
 * (the most recent), first: its first; the kept items stay in order and the pad
 * goes at the end or the start. A null list is all pad; a null item is the pad.
 */
export function seqPadJs(data: Data, out: FeatureOutput, p: SeqPadParams): void {
  const L = p.length;
  const offsets = data.valueOffsets as Int32Array;
  const valid = validityBits(data);
  const child = data.children[0];
  const childValid = validityBits(child);
  const integer = child.type.typeId === Type.Int;
  const ints = integer ? intValues(child) : null;
  const floats = integer ? null : readFloat64(child);
  const view = integer ? int32View(out.values as BigInt64Array) : null;
  const big = out.values instanceof BigInt64Array ? out.values : null;
  const f32 = integer ? null : (out.values as Float32Array);
  const pad = p.pad;
  const write = (at: number, idx: number) => {
    const isPad = idx < 0 || (childValid !== null && !bit(childValid, idx));
    if (integer) {
      if (isPad) setInt(view!, at, pad);
      else {
        const x = ints![idx];
        if (typeof x === 'bigint') big![at] = BigInt.asIntN(64, x);
        else setInt(view!, at, x);
      }
    } else f32![at] = isPad ? Math.fround(pad) : Math.fround(floats![idx]);
  };
  for (let i = 0; i < data.length; i++) {
    const base = out.offset + i * out.stride;
    const len = valid && !bit(valid, i) ? 0 : offsets[i + 1] - offsets[i];
    const c = Math.min(len, L);
    const from = p.keep === 'last' ? offsets[i + 1] - c : offsets[i];
    const first = p.pad_side === 'end' ? 0 : L - c;
    for (let j = 0; j < L; j++) {
      const k = j - first;
      write(base + j, k >= 0 && k < c ? from + k : -1);
    }
  }
}

/**
 * quantize: a fixed_size_list<float32> row to float16 (round to nearest even), or
 * to int8 with a per-row scale max|x| / 127 (rounded to float32): q = x / scale
 * rounded half to even, clamped to [-127, 127]. NaN and null items give 0 (int8) or
 * NaN (float16); infinities clamp (int8) or stay (float16). Per row, the error
 * |x - reconstruction| over finite items: sum, max, count.
 */
export function quantizeJs(data: Data, out: FeatureOutput, to: 'float16' | 'int8'): void {
  const D = (data.type as unknown as { listSize: number }).listSize;
  const child = data.children[0];
  const cv = child.values as Float32Array;
  const xs = new Float32Array(cv.buffer, cv.byteOffset, data.length * D);
  const valid = validityBits(data);
  const childValid = validityBits(child);
  const errors = out.errors!;
  for (let i = 0; i < data.length; i++) {
    const base = out.offset + i * out.stride;
    let sum = 0;
    let max = 0;
    let count = 0;
    if (valid && !bit(valid, i)) {
      for (let j = 0; j < D; j++) out.values[base + j] = 0;
      if (out.scale) out.scale[i] = 0;
      clearBit(out.validity, i);
    } else if (to === 'float16') {
      const h = out.values as Uint16Array;
      for (let j = 0; j < D; j++) {
        const e = i * D + j;
        const x = childValid && !bit(childValid, e) ? NaN : xs[e];
        h[base + j] = float32ToFloat16Bits(x);
        if (x - x === 0) {
          const err = Math.abs(x - float16BitsToNumber(h[base + j]));
          sum += err;
          if (err > max) max = err;
          count++;
        }
      }
    } else {
      const q8 = out.values as Int8Array;
      let maxAbs = 0;
      for (let j = 0; j < D; j++) {
        const e = i * D + j;
        const x = childValid && !bit(childValid, e) ? NaN : xs[e];
        if (x - x === 0 && Math.abs(x) > maxAbs) maxAbs = Math.abs(x);
      }
      const scale = Math.fround(maxAbs / 127);
      out.scale![i] = scale;
      for (let j = 0; j < D; j++) {
        const e = i * D + j;
        const x = childValid && !bit(childValid, e) ? NaN : xs[e];
        let q: number;
        if (x !== x) q = 0;
        else if (x === Infinity) q = 127;
        else if (x === -Infinity) q = -127;
        else if (scale > 0) q = Math.min(127, Math.max(-127, roundHalfEven(x / scale)));
        else q = 0;
        q8[base + j] = q;
        if (x - x === 0) {
          const err = Math.abs(x - q * scale);
          sum += err;
          if (err > max) max = err;
          count++;
        }
      }
    }
    errors[3 * i] = sum;
    errors[3 * i + 1] = max;
    errors[3 * i + 2] = count;
  }
}

/** Sums per-row error triples in row order (the one order every backend's report uses). */
export function sumErrors(errors: Float64Array, rows: number): { sum: number; max: number; elements: number } {
  let sum = 0;
  let max = 0;
  let elements = 0;
  for (let i = 0; i < rows; i++) {
    sum += errors[3 * i];
    if (errors[3 * i + 1] > max) max = errors[3 * i + 1];
    elements += errors[3 * i + 2];
  }
  return { sum, max, elements };
}

/** Quantizes a batch's column only for its error (fit's report). */
export function quantizeRowsJs(data: Data, to: 'float16' | 'int8'): { rows: number; elements: number; sum: number; max: number } {
  const D = (data.type as unknown as { listSize: number }).listSize;
  const n = data.length;
  const out: FeatureOutput = {
    values: to === 'float16' ? new Uint16Array(n * D) : new Int8Array(n * D),
    offset: 0,
    stride: D,
    validity: null,
    scale: to === 'int8' ? new Float32Array(n) : null,
    errors: new Float64Array(3 * n),
  };
  quantizeJs(data, out, to);
  const s = sumErrors(out.errors!, n);
  return { rows: n - data.nullCount, elements: s.elements, sum: s.sum, max: s.max };
}

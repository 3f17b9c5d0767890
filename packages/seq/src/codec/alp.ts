/**
 * ALP-style lossless float coding: when every value of a sequence is a decimal
 * with at most e digits after the point (e = 0..18), it is stored as the integer
 * n = round(v * 10^e) (round half up: floor(x), plus 1 when x - floor(x) >= 0.5)
 * and decoded as n / 10^e, both in float64 (then rounded once to float32 for
 * float32 columns). The encoder keeps the smallest e at which every value comes
 * back bit for bit (so -0.0, NaN, infinities and |n| > 2^53 keep the raw form).
 * The integers are then coded like any integer lane.
 */
import { fromNumber, toNumber, W } from './w64.js';

export const ALP_MAX_EXPONENT = 18;
const LIMIT = 9007199254740992;

/** 10^e as float64 (exact for e <= 22). */
export const POW10 = Array.from({ length: 23 }, (_, e) => Number(`1e${e}`));

const f32 = new Float32Array(1);
const f32bits = new Uint32Array(f32.buffer);

/** The float a lane value holds: float64 bits (words), or float32 bits in the low word. */
export function laneFloat(w: Int32Array, i: number, f64view: Float64Array, single: boolean): number {
  if (single) {
    f32bits[0] = w[2 * i];
    return f32[0];
  }
  return f64view[i];
}

function roundHalfUp(x: number): number {
  const r = Math.floor(x);
  return x - r >= 0.5 ? r + 1 : r;
}

/** Whether n / 10^e gives back exactly the lane value i. */
function exact(n: number, e: number, w: Int32Array, i: number, single: boolean, scratch: Float64Array, scratchWords: Int32Array): boolean {
  const x = n / POW10[e];
  if (single) {
    f32[0] = x;
    return f32bits[0] === w[2 * i] >>> 0;
  }
  scratch[0] = x;
  return scratchWords[0] === w[2 * i] && scratchWords[1] === w[2 * i + 1];
}

const scratch = new Float64Array(1);
const scratchWords = new Int32Array(scratch.buffer);

/**
 * The smallest exponent that codes values [start, start + count) exactly, with the
 * integers as a word-pair lane, or null when none does.
 */
export function alpEncode(w: Int32Array, start: number, count: number, single: boolean): { exponent: number; ints: BigInt64Array } | null {
  const f64view = new Float64Array(w.buffer, w.byteOffset, w.length >> 1);
  let e = 0;
  for (let i = start; i < start + count; i++) {
    const x = laneFloat(w, i, f64view, single);
    if (!Number.isFinite(x)) return null;
    for (;;) {
      const scaled = x * POW10[e];
      if (Math.abs(scaled) <= LIMIT && exact(roundHalfUp(scaled) + 0, e, w, i, single, scratch, scratchWords)) break;
      if (++e > ALP_MAX_EXPONENT) return null;
    }
  }
  // One exponent for all: a value that fit a smaller one may not fit this one.
  const ints = new BigInt64Array(count);
  const iw = new Int32Array(ints.buffer);
  for (let i = start; i < start + count; i++) {
    const scaled = laneFloat(w, i, f64view, single) * POW10[e];
    if (!(Math.abs(scaled) <= LIMIT)) return null;
    // + 0 turns -0 into 0: the integer has no sign of zero, so -0.0 stays raw.
    const n = roundHalfUp(scaled) + 0;
    if (!exact(n, e, w, i, single, scratch, scratchWords)) return null;
    fromNumber(n);
    iw[2 * (i - start)] = W.lo;
    iw[2 * (i - start) + 1] = W.hi;
  }
  return { exponent: e, ints };
}

/** Lane value of n / 10^e into `out` at i; false when |n| > 2^53 (corrupt). */
export function alpDecodeInto(hi: number, lo: number, e: number, single: boolean, out: Int32Array, i: number): boolean {
  if (hi > 0x200000 || (hi === 0x200000 && lo >>> 0 !== 0) || hi < -0x200000) return false;
  const n = toNumber(hi, lo);
  const x = n / POW10[e];
  if (single) {
    f32[0] = x;
    out[2 * i] = f32bits[0];
    out[2 * i + 1] = 0;
  } else {
    scratch[0] = x;
    out[2 * i] = scratchWords[0];
    out[2 * i + 1] = scratchWords[1];
  }
  return true;
}

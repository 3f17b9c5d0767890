// The TypeScript twins of the element-wise ops (docs/featurize-ops.md): each value
// is read as float64, computed in float64, rounded once to float32. native/src/
// featurize-ops.h holds the same formulas for the C++ and CUDA kernels.
import type { Data } from 'apache-arrow';
import { log1p64 } from '../float.js';
import { bit, readFloat64, validityBits } from '../numbers.js';
import { clearBit, int32View, NULL_CODE, NULL_DENSE, setCode, type FeatureOutput } from './output.js';

/** Applies fn to every valid value; a null row gets NaN and its validity bit cleared. */
export function mapDense(data: Data, out: FeatureOutput, fn: (x: number) => number): void {
  const xs = readFloat64(data);
  const valid = validityBits(data);
  const v = out.values as Float32Array;
  for (let i = 0; i < xs.length; i++) {
    const at = out.offset + i * out.stride;
    if (valid && !bit(valid, i)) {
      v[at] = NULL_DENSE;
      clearBit(out.validity, i);
    } else v[at] = fn(xs[i]);
  }
}

export function normalizeFn(mean: number, std: number): (x: number) => number {
  // std 0: every value is the mean, so 0 (NaN stays NaN).
  if (!(std > 0)) return (x) => (x !== x ? NaN : 0);
  return (x) => Math.fround((x - mean) / std);
}

export function minmaxFn(min: number, max: number): (x: number) => number {
  const range = max - min;
  if (!(range > 0)) return (x) => (x !== x ? NaN : 0);
  return (x) => Math.fround((x - min) / range);
}

export const log1pFn = (x: number) => Math.fround(log1p64(x));

export function clipFn(min: number | null, max: number | null): (x: number) => number {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  // NaN fails both comparisons and stays NaN.
  return (x) => Math.fround(x < lo ? lo : x > hi ? hi : x);
}

/** fill_missing: nulls and NaN become the fill; other values pass (rounded to float32). */
export function fillMissing(data: Data, out: FeatureOutput, fill: number): void {
  const xs = readFloat64(data);
  const valid = validityBits(data);
  const v = out.values as Float32Array;
  const f = Math.fround(fill);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    v[out.offset + i * out.stride] = (valid && !bit(valid, i)) || x !== x ? f : Math.fround(x);
  }
}

/** numpy.digitize(x, boundaries, right=False): how many boundaries are <= x; NaN sorts last. */
export function bucketOf(boundaries: Float64Array, x: number): number {
  if (x !== x) return boundaries.length;
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function bucketize(data: Data, out: FeatureOutput, boundaries: Float64Array): void {
  const xs = readFloat64(data);
  const valid = validityBits(data);
  const view = int32View(out.values as BigInt64Array);
  for (let i = 0; i < xs.length; i++) {
    const at = out.offset + i * out.stride;
    if (valid && !bit(valid, i)) {
      setCode(view, at, NULL_CODE);
      clearBit(out.validity, i);
    } else setCode(view, at, bucketOf(boundaries, xs[i]));
  }
}

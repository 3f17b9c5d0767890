// The TypeScript twins of the ops that look values up or hash them: categorify,
// hash_bucket, hashed_cross and target_encode. Hashes come from @recdata/hash's
// TypeScript kernels (dpu-hash's bits).
import type { Data } from 'apache-arrow';
import { bucketsOf, foldsOf, jsHashExecutor } from '../hashing.js';
import { keyReader, type Key } from '../keys.js';
import { bit } from '../numbers.js';
import type { SpecAlgorithm } from '../spec.js';
import { clearBit, int32View, NULL_CODE, setCode, type FeatureOutput } from './output.js';

/** Codes: 1 for null, the vocabulary's code, else 2 + the dpu-hash bucket of the value among the OOV buckets. */
export function categorifyJs(data: Data, out: FeatureOutput, codes: Map<Key, number>, oovBuckets: number, algorithm: SpecAlgorithm, seed: bigint): void {
  const key = keyReader(data);
  const oov = bucketsOf(data, algorithm, seed, BigInt(oovBuckets), null, jsHashExecutor()).values as BigInt64Array;
  const view = int32View(out.values as BigInt64Array);
  for (let i = 0; i < data.length; i++) {
    const k = key(i);
    const code = k === null ? 1 : codes.get(k) ?? 2 + Number(oov[i]);
    setCode(view, out.offset + i * out.stride, code);
  }
}

/** hash_bucket and hashed_cross: the dpu-hash bucket; a null row is null (or null_hash's bucket). */
export function hashBucketJs(columns: Data[], out: FeatureOutput, algorithm: SpecAlgorithm, seed: bigint, buckets: bigint, nullHash: bigint | null): void {
  const hashed = bucketsOf(columns.length === 1 ? columns[0] : columns, algorithm, seed, buckets, nullHash, jsHashExecutor());
  const values = hashed.values as BigInt64Array;
  const v = out.values as BigInt64Array;
  for (let i = 0; i < values.length; i++) {
    const at = out.offset + i * out.stride;
    if (hashed.validity && !bit(hashed.validity, i)) {
      v[at] = BigInt(NULL_CODE);
      clearBit(out.validity, i);
    } else v[at] = values[i];
  }
}

/** What target_encode's kernels need, computed once from the fitted state (so every backend uses the same float64 values). */
export interface TargetTables {
  folds: number;
  smoothing: number;
  seed: bigint;
  /** Per category: count and target sum over all folds, and per fold. */
  totalCounts: Float64Array;
  totalSums: Float64Array;
  counts: Float64Array;
  sums: Float64Array;
  /** The prior (mean target) over every row, and without each fold. */
  prior: number;
  priorWithout: Float64Array;
  /** Index of a key's category; the null category under the key null. */
  lookup: Map<Key | null, number>;
}

/** (sum + m * prior) / (count + m), in float64, rounded once (the prior when there is nothing to smooth). */
export function smoothed(sum: number, count: number, m: number, prior: number): number {
  const d = count + m;
  return Math.fround(d > 0 ? (sum + m * prior) / d : prior);
}

/**
 * target_encode: the smoothed mean target of the row's category. With `training`,
 * rows are the fit rows in order and each gets the statistics of the other folds.
 */
export function targetEncodeJs(data: Data, out: FeatureOutput, t: TargetTables, rowStart: number, training: boolean): void {
  const key = keyReader(data);
  const v = out.values as Float32Array;
  const folds = training ? foldsOf(rowStart, data.length, t.folds, t.seed, jsHashExecutor()) : null;
  const k = t.folds;
  for (let i = 0; i < data.length; i++) {
    const c = t.lookup.get(key(i)) ?? -1;
    let sum = 0;
    let count = 0;
    let prior = t.prior;
    if (folds) {
      const f = Number(folds[i]);
      prior = t.priorWithout[f];
      if (c >= 0) {
        sum = t.totalSums[c] - t.sums[c * k + f];
        count = t.totalCounts[c] - t.counts[c * k + f];
      }
    } else if (c >= 0) {
      sum = t.totalSums[c];
      count = t.totalCounts[c];
    }
    v[out.offset + i * out.stride] = smoothed(sum, count, t.smoothing, prior);
  }
}

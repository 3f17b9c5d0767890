// Lookup tables derived once from the fitted state, shared by every backend so
// that all of them start from the same float64 values.
import type { Key } from './keys.js';
import type { TargetTables } from './kernels/js-categorical.js';
import type { CategorifyState, TargetState } from './state.js';
import type { TargetEncodeParams } from './spec.js';

/** categorify: value -> code (2 + oov_buckets + rank). */
export function vocabularyCodes(state: CategorifyState, oovBuckets: number): Map<Key, number> {
  const codes = new Map<Key, number>();
  state.vocabulary.keys.forEach((k, r) => codes.set(k, 2 + oovBuckets + r));
  return codes;
}

/** target_encode: totals over the folds (summed fold 0 first) and the priors. */
export function targetTables(state: TargetState, params: TargetEncodeParams): TargetTables {
  const k = state.folds;
  const n = state.categories.length;
  const totalCounts = new Float64Array(n);
  const totalSums = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let count = 0;
    let sum = 0;
    for (let f = 0; f < k; f++) {
      count += state.counts[c * k + f];
      sum += state.sums[c * k + f];
    }
    totalCounts[c] = count;
    totalSums[c] = sum;
  }
  let N = 0;
  let S = 0;
  for (let f = 0; f < k; f++) {
    N += state.fold_counts[f];
    S += state.fold_sums[f];
  }
  const prior = N > 0 ? S / N : 0;
  const priorWithout = new Float64Array(k);
  for (let f = 0; f < k; f++) {
    const n2 = N - state.fold_counts[f];
    priorWithout[f] = n2 > 0 ? (S - state.fold_sums[f]) / n2 : 0;
  }
  const lookup = new Map<Key | null, number>();
  state.categories.forEach((key, c) => lookup.set(key, c));
  return { folds: k, smoothing: params.smoothing, seed: params.seed, totalCounts, totalSums, counts: state.counts, sums: state.sums, prior, priorWithout, lookup };
}

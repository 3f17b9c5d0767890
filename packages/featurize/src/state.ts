// What fit learns for each op (the `fitted` entry of each feature in the fitted
// file), as the transform kernels use it.
import type { Key } from './keys.js';

export interface NormalizeState {
  /** Finite values seen. */
  count: number;
  mean: number;
  /** The population standard deviation (divides by count, as StandardScaler). */
  std: number;
}

export interface MinmaxState {
  count: number;
  min: number;
  max: number;
}

export interface QuantileState {
  count: number;
  /** The boundaries found (duplicates removed: strictly increasing). */
  boundaries: number[];
  /** True when the sketch compacted nothing: the boundaries are exact quantiles. */
  exact: boolean;
  /** The documented bound on each boundary's normalised rank error. */
  rank_error: number;
}

export interface FillState {
  /** Finite values seen. */
  count: number;
  /** The value that replaces nulls and NaN. */
  fill: number;
  exact: boolean;
}

/** Keys in code order (code = 2 + oov_buckets + rank) with their fitted counts. */
export interface Vocabulary {
  keys: Key[];
  counts: number[];
}

export interface CategorifyState {
  /** Non-null values counted. */
  values: number;
  /** Distinct values held when fit ended. */
  distinct: number;
  /** False when distinct values outgrew the counter (Space-Saving took over). */
  exact: boolean;
  /** The largest over-estimate of any count (0 when exact). */
  count_error: number;
  vocabulary: Vocabulary;
  /** Codes run from 0 to cardinality - 1: padding, null, OOV buckets, the vocabulary. */
  cardinality: number;
}

export interface TargetState {
  folds: number;
  /** Rows with a target, per fold, and their target sums (the prior's parts). */
  fold_counts: number[];
  fold_sums: number[];
  /** Category keys (null: the null category), in the order of counts and sums. */
  categories: (Key | null)[];
  /** categories.length x folds, row-major. */
  counts: Float64Array;
  sums: Float64Array;
  exact: boolean;
}

export interface QuantizeState {
  /** Non-null rows quantized during fit, and the reconstruction error over their finite elements. */
  rows: number;
  elements: number;
  mean_error: number;
  max_error: number;
}

export interface RowsState {
  /** Rows fit saw (the op learns nothing). */
  rows: number;
}

export interface StateOf {
  normalize: NormalizeState;
  minmax: MinmaxState;
  log1p: RowsState;
  clip: RowsState;
  bucketize: RowsState;
  quantile_bucketize: QuantileState;
  categorify: CategorifyState;
  hash_bucket: RowsState;
  hashed_cross: RowsState;
  fill_missing: FillState;
  seq_pad: RowsState;
  quantize: QuantizeState;
  target_encode: TargetState;
  difference_lag: RowsState;
}

/** The KLL sketch's documented rank error for its k (docs/featurize-ops.md). */
export function kllRankError(k: number): number {
  return 2.296 / k ** 0.9723;
}

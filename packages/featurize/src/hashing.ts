// The featurize ops that hash go through @recdata/hash, so that their values are
// dpu-hash's (docs/hash-spec.md) bit for bit: hash_bucket, hashed_cross,
// categorify's out-of-vocabulary buckets, and target_encode's fold of each row.
import { Data, Uint64 } from 'apache-arrow';
import { createExecutor, hashAddon, hashValuesSync, type HashExecutor, type HashedValues } from '@recdata/hash';
import type { SpecAlgorithm } from './spec.js';

let jsExecutor: HashExecutor | null = null;
let fastExecutor: HashExecutor | null = null;

/** The TypeScript reference kernels (the js backend's twin). */
export function jsHashExecutor(): HashExecutor {
  return (jsExecutor ??= createExecutor('js'));
}

/** Native kernels when the addon has them, else the TypeScript ones: the same bits either way (fit uses it). */
export function fastHashExecutor(): HashExecutor {
  return (fastExecutor ??= hashAddon() ? createExecutor('native') : jsHashExecutor());
}

export function bucketsOf(columns: Data | Data[], algorithm: SpecAlgorithm, seed: bigint, buckets: bigint, nullHash: bigint | null, executor: HashExecutor): HashedValues {
  return hashValuesSync(columns, { algorithm, seed, buckets, nullHash }, executor);
}

/**
 * target_encode's fold of rows rowStart .. rowStart + n - 1: the dpu-hash bucket
 * of the row number (a uint64) under XXH64 with the op's seed, mod the folds.
 */
export function foldsOf(rowStart: number, n: number, folds: number, seed: bigint, executor: HashExecutor): BigInt64Array {
  const rows = new BigUint64Array(n);
  for (let i = 0; i < n; i++) rows[i] = BigInt(rowStart + i);
  const data = new Data(new Uint64(), 0, n, 0, [undefined, rows, undefined, undefined] as never);
  return hashValuesSync(data, { algorithm: 'xxh64', seed, buckets: BigInt(folds) }, executor).values as BigInt64Array;
}

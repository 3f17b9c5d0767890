// The feature spec: a list of features, each an op applied to input columns with
// its parameters, every one checked and filled with its defaults (docs/featurize-ops.md).
import type { Algorithm } from '@recdata/hash';

export const OPS = [
  'normalize',
  'minmax',
  'log1p',
  'clip',
  'bucketize',
  'quantile_bucketize',
  'categorify',
  'hash_bucket',
  'hashed_cross',
  'fill_missing',
  'seq_pad',
  'quantize',
  'target_encode',
  'difference_lag',
] as const;
export type OpName = (typeof OPS)[number];

/** Hash algorithms a spec may name (siphash needs a secret key: not in a spec file). */
export const SPEC_ALGORITHMS = ['xxh64', 'xxh3', 'murmur3'] as const;
export type SpecAlgorithm = Extract<Algorithm, (typeof SPEC_ALGORITHMS)[number]>;

export interface NoParams {}
export interface ClipParams {
  min: number | null;
  max: number | null;
}
export interface BucketizeParams {
  boundaries: number[];
}
export interface QuantileBucketizeParams {
  /** How many boundaries fit finds (n + 1 buckets). */
  boundaries: number;
  /** The KLL sketch's k: rank error about 2.3 / k^0.97 (docs/featurize-ops.md). */
  sketch_k: number;
}
export interface HashParams {
  algorithm: SpecAlgorithm;
  seed: bigint;
}
export interface CategorifyParams extends HashParams {
  min_freq: number;
  max_size: number | null;
  oov_buckets: number;
}
export interface HashBucketParams extends HashParams {
  buckets: bigint;
  null_hash: bigint | null;
}
export interface FillMissingParams {
  strategy: 'constant' | 'mean' | 'median';
  value: number | null;
  sketch_k: number;
}
export interface SeqPadParams {
  length: number;
  keep: 'last' | 'first';
  pad: number;
  pad_side: 'end' | 'start';
}
export interface QuantizeParams {
  to: 'float16' | 'int8';
  /** int8 only: the per-row scale column (default <name>_scale). */
  scale_name: string;
}
export interface TargetEncodeParams {
  target: string;
  folds: number;
  smoothing: number;
  seed: bigint;
}
export interface DifferenceLagParams {
  by: string;
}

export interface ParamsOf {
  normalize: NoParams;
  minmax: NoParams;
  log1p: NoParams;
  clip: ClipParams;
  bucketize: BucketizeParams;
  quantile_bucketize: QuantileBucketizeParams;
  categorify: CategorifyParams;
  hash_bucket: HashBucketParams;
  hashed_cross: HashBucketParams;
  fill_missing: FillMissingParams;
  seq_pad: SeqPadParams;
  quantize: QuantizeParams;
  target_encode: TargetEncodeParams;
  difference_lag: DifferenceLagParams;
}

export interface FeatureOf<O extends OpName> {
  name: string;
  op: O;
  /** The input column (or columns, for hashed_cross). */
  input: string[];
  params: ParamsOf[O];
  /** Line of the feature's entry in the spec file (1-based). */
  line: number;
}

export type Feature = { [O in OpName]: FeatureOf<O> }[OpName];

export interface FeatureSpec {
  /** The spec file as given (for messages: file:line). */
  file: string;
  features: Feature[];
}

/** The columns a feature reads from each row (inputs, then target or group column). */
export function columnsRead(f: Feature): string[] {
  if (f.op === 'difference_lag') return [...f.input, f.params.by];
  return [...f.input];
}

/** Columns fit reads but transform does not (the target of target_encode). */
export function columnsFitReads(f: Feature): string[] {
  if (f.op === 'target_encode') return [...f.input, f.params.target];
  return columnsRead(f);
}

/** The features' parameters as JSON values (bigints as decimal strings), keys in a fixed order. */
export function paramsToJson(f: Feature): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(f.params).sort()) {
    const v = (f.params as unknown as Record<string, unknown>)[key];
    out[key] = typeof v === 'bigint' ? v.toString() : v;
  }
  return out;
}

/** A feature as canonical JSON: what the spec fingerprint is taken over. */
export function featureToJson(f: Feature): Record<string, unknown> {
  return { name: f.name, op: f.op, input: f.op === 'hashed_cross' ? f.input : f.input[0], params: paramsToJson(f) };
}

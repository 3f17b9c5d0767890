// The native and CUDA backends: the plan goes to the addon once (native/src/
// featurize-plan.cc builds its lookup tables there), then each batch is one call
// that runs every op on a thread of the addon's pool (native) or on the GPU (cuda),
// while the JavaScript thread reads and writes Arrow. Described field by field in
// native/src/featurize-job.h.
import { Data, DataType, Type } from 'apache-arrow';
import { chooseBackend, errors, loadNative, requestedBackend, type KernelSupport } from '@recdata/core';
import { ALGORITHMS, describeStep } from '@recdata/hash';
import { JsExecutor, type FeaturizeBackend, type FeaturizeExecutor } from './backend-js.js';
import type { BatchWork } from './batch-io.js';
import { keyTypeOf } from './bind.js';
import { keysToData, type Key } from './keys.js';
import type { PlannedFeature, TransformPlan } from './plan.js';
import type { CategorifyState, FillState, MinmaxState, NormalizeState, QuantileState, TargetState } from './state.js';
import { targetTables } from './tables.js';

interface NativePlan {
  run(batch: object): Promise<void>;
  runCuda?: (batch: object) => Promise<void>;
  close(): void;
}

export interface FeaturizeAddon {
  FeaturizePlan: new (features: object[], threads: number) => NativePlan;
}

/** What the featurize kernels offer, for @recdata/core's backend selection. */
export const FEATURIZE_KERNELS: KernelSupport = { family: 'featurize', cuda: true, offload: false };

/** The addon's featurize kernels, or null when the addon did not load or lacks them. */
export function featurizeAddon(): FeaturizeAddon | null {
  const { addon } = loadNative();
  if (!addon || !addon.families().includes('featurize')) return null;
  return addon as unknown as FeaturizeAddon;
}

const OP = {
  normalize: 0,
  minmax: 1,
  log1p: 2,
  clip: 3,
  bucketize: 4,
  quantile_bucketize: 4,
  fill_missing: 5,
  categorify: 6,
  hash_bucket: 7,
  hashed_cross: 7,
  target_encode: 8,
  seq_pad: 9,
  quantize: 10,
  difference_lag: 11,
} as const;

/** recdata_fz_num of a numeric type. */
function numType(type: DataType): number {
  if (type.typeId === Type.Float) return 8 + (type as unknown as { precision: number }).precision;
  const t = type as unknown as { bitWidth: number; isSigned: boolean };
  return { 8: 0, 16: 2, 32: 4, 64: 6 }[t.bitWidth as 8 | 16 | 32 | 64] + (t.isSigned ? 0 : 1);
}

function widthOf(type: DataType): number {
  if (type.typeId === Type.Float) return [2, 4, 8][(type as unknown as { precision: number }).precision];
  return (type as unknown as { bitWidth: number }).bitWidth / 8;
}

function bitmapOf(data: Data): { validity: Uint8Array | null; validityOffset: number } {
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  return data.nullCount > 0 && bitmap && bitmap.length > 0 ? { validity: bitmap, validityOffset: data.offset } : { validity: null, validityOffset: 0 };
}

/** A numeric column as recdata_fz_numeric. */
function numeric(data: Data): object {
  const v = data.values as ArrayBufferView;
  const width = widthOf(data.type);
  const { validity, validityOffset } = bitmapOf(data);
  return { type: numType(data.type), data: new Uint8Array(v.buffer, v.byteOffset, data.length * width), length: data.length, validity, validityOffset };
}

/** A vocabulary (its values in index order) as the addon builds its table from: describeStep of an Arrow column of them. */
function vocabulary(keys: Key[], type: DataType, index?: Int32Array): object {
  return { rows: keys.length, step: describeStep(keysToData(keys, type)), index };
}

function algorithmIndex(name: string): number {
  return ALGORITHMS.indexOf(name as (typeof ALGORITHMS)[number]);
}

/** One feature of the plan as featurize-plan.cc parses it. */
function planFeature(p: PlannedFeature): object {
  const f = p.bound.feature;
  const op = OP[f.op];
  switch (f.op) {
    case 'normalize': {
      const s = p.state as NormalizeState;
      return { op, a: s.mean, b: s.std };
    }
    case 'minmax': {
      const s = p.state as MinmaxState;
      return { op, a: s.min, b: s.max };
    }
    case 'clip':
      return { op, a: f.params.min ?? -Infinity, b: f.params.max ?? Infinity };
    case 'fill_missing':
      return { op, a: (p.state as FillState).fill, b: 0 };
    case 'bucketize':
      return { op, boundaries: Float64Array.from(f.params.boundaries) };
    case 'quantile_bucketize':
      return { op, boundaries: Float64Array.from((p.state as QuantileState).boundaries) };
    case 'categorify': {
      const s = p.state as CategorifyState;
      const oov = f.params.oov_buckets;
      return { op, algorithm: algorithmIndex(f.params.algorithm), seed: f.params.seed, buckets: BigInt(oov), codeBase: 2 + oov, vocabulary: vocabulary(s.vocabulary.keys, keyTypeOf(p.bound)) };
    }
    case 'hash_bucket':
    case 'hashed_cross':
      return { op, algorithm: algorithmIndex(f.params.algorithm), seed: f.params.seed, buckets: f.params.buckets, nullHash: f.params.null_hash };
    case 'target_encode': {
      const s = p.state as TargetState;
      const t = targetTables(s, f.params);
      const keys: Key[] = [];
      const index: number[] = [];
      s.categories.forEach((c, i) => {
        if (c !== null) {
          keys.push(c);
          index.push(i);
        }
      });
      return {
        op,
        algorithm: 0,
        seed: 0n,
        folds: t.folds,
        foldSeed: t.seed,
        smoothing: t.smoothing,
        prior: t.prior,
        priorWithout: t.priorWithout,
        categories: s.categories.length,
        nullCategory: s.categories.indexOf(null),
        totalCounts: t.totalCounts,
        totalSums: t.totalSums,
        counts: t.counts,
        sums: t.sums,
        vocabulary: vocabulary(keys, keyTypeOf(p.bound), Int32Array.from(index)),
      };
    }
    case 'seq_pad':
      return { op, length: f.params.length, keepLast: f.params.keep === 'last', padStart: f.params.pad_side === 'start', pad: f.params.pad, intOut: p.bound.family === 'categorical' };
    case 'quantize':
      return { op, toInt8: f.params.to === 'int8', dim: p.bound.width };
    default:
      return { op };
  }
}

/** One feature's part of a batch as featurize-plan.cc parses it. */
function batchFeature(p: PlannedFeature, work: BatchWork): object | null {
  const f = p.bound.feature;
  if (f.op === 'difference_lag') return null;
  const { columns, rows } = work.inputs[p.index];
  const out = work.outputs[p.index];
  const base = { rows, out: out.values, outOffset: out.offset, outStride: out.stride, outValidity: out.validity, outScale: out.scale, outErrors: out.errors };
  const data = columns[0];
  switch (f.op) {
    case 'categorify':
    case 'target_encode':
    case 'hash_bucket':
    case 'hashed_cross':
      return { ...base, steps: columns.map(describeStep) };
    case 'seq_pad': {
      const { validity, validityOffset } = bitmapOf(data);
      return { ...base, listOffsets: data.valueOffsets, listValidity: validity, listValidityOffset: validityOffset, num: numeric(data.children[0]) };
    }
    case 'quantize': {
      const child = data.children[0];
      const D = p.bound.width;
      const v = child.values as Float32Array;
      const row = bitmapOf(data);
      const item = bitmapOf(child);
      return {
        ...base,
        items: new Float32Array(v.buffer, v.byteOffset, data.length * D),
        rowValidity: row.validity,
        rowValidityOffset: row.validityOffset,
        itemValidity: item.validity,
        itemValidityOffset: item.validityOffset,
      };
    }
    default:
      return { ...base, num: numeric(data) };
  }
}

class NativeExecutor implements FeaturizeExecutor {
  readonly backend: FeaturizeBackend;
  readonly description: string;
  private readonly native: NativePlan;

  constructor(
    private readonly plan: TransformPlan,
    addon: FeaturizeAddon,
    threads: number,
    cuda: boolean,
  ) {
    this.backend = cuda ? 'cuda' : 'native';
    this.native = new addon.FeaturizePlan(plan.features.map(planFeature), threads);
    if (cuda && !this.native.runCuda) throw errors.backendUnavailable('cuda', 'the addon was built without CUDA');
    this.description = cuda ? 'the CUDA kernels (one copy in and one out per batch)' : `the native kernels on ${threads} thread${threads === 1 ? '' : 's'}, one call per batch`;
  }

  async run(work: BatchWork): Promise<void> {
    const batch = { rows: work.rows, rowStart: work.rowStart, training: this.plan.training, features: this.plan.features.map((p) => batchFeature(p, work)) };
    try {
      await (this.backend === 'cuda' ? this.native.runCuda!(batch) : this.native.run(batch));
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.code === 'RECDATA_FEATURIZE_CORRUPT') {
        throw errors.badInput(`corrupt column data: ${err.message.replace(/^feature (\d+)/, (_m, k) => `feature "${this.plan.features[Number(k)].bound.feature.name}"`)}`);
      }
      if (err.code === 'RECDATA_CUDA') throw errors.backendUnavailable('cuda', err.message);
      throw e;
    }
  }

  async close(): Promise<void> {
    this.native.close();
  }
}

export interface ExecutorOptions {
  /** native: threads in the addon's pool (default 2). */
  threads?: number;
}

/** An executor for a backend the caller picked. */
export function createFeaturizeExecutor(backend: FeaturizeBackend, plan: TransformPlan, options: ExecutorOptions = {}): FeaturizeExecutor {
  if (backend === 'js') return new JsExecutor(plan);
  const addon = featurizeAddon();
  if (!addon) throw errors.backendUnavailable(backend, 'the native addon has no featurize kernels');
  return new NativeExecutor(plan, addon, backend === 'cuda' ? 1 : options.threads ?? 2, backend === 'cuda');
}

/**
 * Picks the backend as --backend says (auto: CUDA when a device is present, else
 * native, else js; exit 69 when an explicit request cannot be met) and opens it.
 */
export function openFeaturizeExecutor(request: string | undefined, plan: TransformPlan, options: ExecutorOptions = {}): { executor: FeaturizeExecutor; notes: string[] } {
  const choice = chooseBackend(requestedBackend(request), FEATURIZE_KERNELS);
  return { executor: createFeaturizeExecutor(choice.backend as FeaturizeBackend, plan, options), notes: choice.notes };
}

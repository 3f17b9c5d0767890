// The js backend: every op through its TypeScript twin, on the main thread. It is
// the reference the native and CUDA backends are held to, bit for bit.
import { errors } from '@recdata/core';
import { CorruptColumnError } from '@recdata/hash';
import type { BatchWork } from './batch-io.js';
import type { Key } from './keys.js';
import { bucketize, clipFn, fillMissing, log1pFn, mapDense, minmaxFn, normalizeFn } from './kernels/js-dense.js';
import { categorifyJs, hashBucketJs, targetEncodeJs, type TargetTables } from './kernels/js-categorical.js';
import { quantizeJs, seqPadJs } from './kernels/js-sequence.js';
import type { TransformPlan } from './plan.js';
import type { CategorifyState, FillState, MinmaxState, NormalizeState, QuantileState, TargetState } from './state.js';
import { targetTables, vocabularyCodes } from './tables.js';

export type FeaturizeBackend = 'js' | 'native' | 'cuda';

/** Runs the ops of one batch (all but difference_lag, which the operator runs in order). */
export interface FeaturizeExecutor {
  readonly backend: FeaturizeBackend;
  readonly description: string;
  run(work: BatchWork): Promise<void>;
  close(): Promise<void>;
}

export class JsExecutor implements FeaturizeExecutor {
  readonly backend = 'js' as const;
  readonly description = 'the TypeScript reference kernels, on the main thread';
  private readonly codes = new Map<number, Map<Key, number>>();
  private readonly targets = new Map<number, TargetTables>();
  private readonly boundaries = new Map<number, Float64Array>();

  constructor(private readonly plan: TransformPlan) {
    for (const p of plan.features) {
      const f = p.bound.feature;
      if (f.op === 'categorify') this.codes.set(p.index, vocabularyCodes(p.state as CategorifyState, f.params.oov_buckets));
      if (f.op === 'target_encode') this.targets.set(p.index, targetTables(p.state as TargetState, f.params));
      if (f.op === 'bucketize') this.boundaries.set(p.index, Float64Array.from(f.params.boundaries));
      if (f.op === 'quantile_bucketize') this.boundaries.set(p.index, Float64Array.from((p.state as QuantileState).boundaries));
    }
  }

  async run(work: BatchWork): Promise<void> {
    try {
      runJs(this.plan, work, this.codes, this.targets, this.boundaries);
    } catch (e) {
      // The hash kernels' word for bytes that cannot be a valid column.
      if (e instanceof CorruptColumnError) throw errors.badInput(`corrupt column data: ${e.message}`);
      throw e;
    }
  }

  async close(): Promise<void> {}
}

function runJs(plan: TransformPlan, work: BatchWork, codes: Map<number, Map<Key, number>>, targets: Map<number, TargetTables>, boundaries: Map<number, Float64Array>): void {
  for (const p of plan.features) {
    const f = p.bound.feature;
    const { columns } = work.inputs[p.index];
    const out = work.outputs[p.index];
    const data = columns[0];
    switch (f.op) {
      case 'normalize': {
        const s = p.state as NormalizeState;
        mapDense(data, out, normalizeFn(s.mean, s.std));
        break;
      }
      case 'minmax': {
        const s = p.state as MinmaxState;
        mapDense(data, out, minmaxFn(s.min, s.max));
        break;
      }
      case 'log1p':
        mapDense(data, out, log1pFn);
        break;
      case 'clip':
        mapDense(data, out, clipFn(f.params.min, f.params.max));
        break;
      case 'fill_missing':
        fillMissing(data, out, (p.state as FillState).fill);
        break;
      case 'bucketize':
      case 'quantile_bucketize':
        bucketize(data, out, boundaries.get(p.index)!);
        break;
      case 'categorify':
        categorifyJs(data, out, codes.get(p.index)!, f.params.oov_buckets, f.params.algorithm, f.params.seed);
        break;
      case 'hash_bucket':
      case 'hashed_cross':
        hashBucketJs(columns, out, f.params.algorithm, f.params.seed, f.params.buckets, f.params.null_hash);
        break;
      case 'target_encode':
        targetEncodeJs(data, out, targets.get(p.index)!, work.rowStart, plan.training);
        break;
      case 'seq_pad':
        seqPadJs(data, out, f.params);
        break;
      case 'quantize':
        quantizeJs(data, out, f.params.to);
        break;
      case 'difference_lag':
        break;
    }
  }
}

// fit: one streaming pass that learns what the ops need (moments, extremes,
// quantile sketches, value counts, target sums), in memory bounded by the sketches
// and the counters' capacity, whatever the number of rows. Rows are taken one by
// one in stream order, so the result does not depend on how the stream is cut
// into batches.
import { Data, RecordBatch, Type } from 'apache-arrow';
import type { BatchStream } from '@recdata/core';
import { bindSpec, type BoundFeature, type BoundSpec } from './bind.js';
import { fastHashExecutor, foldsOf } from './hashing.js';
import { quantizeRowsJs } from './kernels/js-sequence.js';
import { keyReader, type Key } from './keys.js';
import { readFloat64, validityBits, bit } from './numbers.js';
import { FrequencyTable } from './sketch/frequency.js';
import { KllSketch } from './sketch/kll.js';
import type { Feature, FeatureSpec } from './spec.js';
import { kllRankError, type StateOf } from './state.js';

export interface FitOptions {
  /** Bytes the value counters (categorify, target_encode) may use in all (default 1 GiB). */
  memoryLimit?: number;
}

export type FittedState = StateOf[keyof StateOf];

export interface FitResult {
  bound: BoundSpec;
  states: FittedState[];
  rows: number;
}

interface Accumulator {
  add(batch: RecordBatch, rowStart: number): void;
  finish(): FittedState;
}

/** Bytes a counted value costs at least (map entry, a short key, counters): the capacity in values. */
const BYTES_PER_VALUE = 160;
const MIN_CAPACITY = 1024;

interface Budget {
  /** Values a counter may hold. */
  capacity: number;
  /** Bytes its values may take (long keys fill it before the capacity). */
  bytes: number;
}

class Moments {
  n = 0;
  mean = 0;
  m2 = 0;
  add(x: number): void {
    // Welford's update: stable, and sequential (the same rows in the same order give the same bits).
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
}

/** Calls fn(x) for every valid, finite value of a numeric column. */
function eachFinite(data: Data, fn: (x: number) => void): void {
  const xs = readFloat64(data);
  const valid = validityBits(data);
  for (let i = 0; i < xs.length; i++) {
    if (valid && !bit(valid, i)) continue;
    const x = xs[i];
    if (x - x === 0) fn(x); // finite: NaN and infinities give NaN
  }
}

function column(batch: RecordBatch, index: number): Data {
  return batch.data.children[index];
}

function accumulatorFor(b: BoundFeature, budget: Budget): Accumulator {
  const f = b.feature;
  const input = b.inputs[0];
  switch (f.op) {
    case 'normalize': {
      const m = new Moments();
      return {
        add: (batch) => eachFinite(column(batch, input), (x) => m.add(x)),
        finish: () => ({ count: m.n, mean: m.n > 0 ? m.mean : 0, std: m.n > 0 ? Math.sqrt(m.m2 / m.n) : 0 }),
      };
    }
    case 'minmax': {
      let n = 0;
      let lo = Infinity;
      let hi = -Infinity;
      return {
        add: (batch) =>
          eachFinite(column(batch, input), (x) => {
            n++;
            if (x < lo) lo = x;
            if (x > hi) hi = x;
          }),
        finish: () => ({ count: n, min: n > 0 ? lo : 0, max: n > 0 ? hi : 0 }),
      };
    }
    case 'quantile_bucketize': {
      const sketch = new KllSketch(f.params.sketch_k);
      return {
        add: (batch) => eachFinite(column(batch, input), (x) => sketch.add(x)),
        finish: () => {
          const n = f.params.boundaries;
          const qs = Array.from({ length: n }, (_, i) => (i + 1) / (n + 1));
          const found = sketch.count > 0 ? sketch.quantiles(qs) : [];
          const boundaries = found.filter((v, i) => i === 0 || v > found[i - 1]).map((v) => (v === 0 ? 0 : v));
          return { count: sketch.count, boundaries, exact: sketch.exact, rank_error: sketch.exact ? 0 : kllRankError(f.params.sketch_k) };
        },
      };
    }
    case 'fill_missing': {
      const m = new Moments();
      const sketch = f.params.strategy === 'median' ? new KllSketch(f.params.sketch_k) : null;
      return {
        add: (batch) =>
          eachFinite(column(batch, input), (x) => {
            m.add(x);
            sketch?.add(x);
          }),
        finish: () => {
          let fill = 0;
          if (f.params.strategy === 'constant') fill = f.params.value!;
          else if (f.params.strategy === 'mean') fill = m.n > 0 ? m.mean : 0;
          else fill = m.n > 0 ? sketch!.quantiles([0.5])[0] : 0;
          return { count: m.n, fill: fill === 0 ? 0 : fill, exact: sketch ? sketch.exact : true };
        },
      };
    }
    case 'categorify':
      return categorifyAccumulator(b, budget);
    case 'target_encode':
      return targetAccumulator(b, budget);
    case 'quantize': {
      let rows = 0;
      let elements = 0;
      let sum = 0;
      let max = 0;
      return {
        add: (batch) => {
          const r = quantizeRowsJs(column(batch, input), f.params.to);
          rows += r.rows;
          elements += r.elements;
          sum += r.sum;
          if (r.max > max) max = r.max;
        },
        finish: () => ({ rows, elements, mean_error: elements > 0 ? sum / elements : 0, max_error: max }),
      };
    }
    default: {
      let rows = 0;
      return { add: (batch) => void (rows += batch.numRows), finish: () => ({ rows }) };
    }
  }
}

/** Counts every non-null value (every non-null element of a list). */
function categorifyAccumulator(b: BoundFeature, budget: Budget): Accumulator {
  const f = b.feature as Extract<Feature, { op: 'categorify' }>;
  const table = new FrequencyTable(budget.capacity, 0, budget.bytes);
  const count = (data: Data, from: number, to: number) => {
    const key = keyReader(data);
    for (let i = from; i < to; i++) {
      const k = key(i);
      if (k !== null) table.add(k);
    }
  };
  return {
    add(batch) {
      const data = column(batch, b.inputs[0]);
      if (data.type.typeId !== Type.List) return count(data, 0, data.length);
      const offsets = data.valueOffsets as Int32Array;
      const valid = validityBits(data);
      const child = data.children[0];
      for (let i = 0; i < data.length; i++) if (!valid || bit(valid, i)) count(child, offsets[i], offsets[i + 1]);
    },
    finish() {
      const slots = table.ranked().filter((s) => table.counts[s] >= f.params.min_freq);
      const kept = f.params.max_size !== null ? slots.slice(0, f.params.max_size) : slots;
      const keys = kept.map((s) => table.keys[s]);
      const counts = kept.map((s) => table.counts[s]);
      return {
        values: table.total,
        distinct: table.size,
        exact: table.exact,
        count_error: table.maxError,
        vocabulary: { keys, counts },
        cardinality: 2 + f.params.oov_buckets + keys.length,
      };
    },
  };
}

/** A null category is a category of its own (the key null); rows without a finite target are left out. */
const NULL_CATEGORY = null as unknown as Key;

function targetAccumulator(b: BoundFeature, budget: Budget): Accumulator {
  const f = b.feature as Extract<Feature, { op: 'target_encode' }>;
  const k = f.params.folds;
  const table = new FrequencyTable(budget.capacity, 2 * k, budget.bytes);
  const foldCounts = new Float64Array(k);
  const foldSums = new Float64Array(k);
  return {
    add(batch, rowStart) {
      const data = column(batch, b.inputs[0]);
      const target = column(batch, b.extra);
      const key = keyReader(data);
      const ys = readFloat64(target);
      const yValid = validityBits(target);
      const folds = foldsOf(rowStart, batch.numRows, k, f.params.seed, fastHashExecutor());
      for (let i = 0; i < batch.numRows; i++) {
        if (yValid && !bit(yValid, i)) continue;
        const y = ys[i];
        if (!(y - y === 0)) continue;
        const fold = Number(folds[i]);
        const c = key(i);
        const slot = table.add(c === null ? NULL_CATEGORY : c);
        table.payload[slot * 2 * k + fold] += 1;
        table.payload[slot * 2 * k + k + fold] += y;
        foldCounts[fold] += 1;
        foldSums[fold] += y;
      }
    },
    finish() {
      const slots = table.ranked();
      const categories = slots.map((s) => table.keys[s]);
      const counts = new Float64Array(slots.length * k);
      const sums = new Float64Array(slots.length * k);
      slots.forEach((s, r) => {
        counts.set(table.payload.subarray(s * 2 * k, s * 2 * k + k), r * k);
        sums.set(table.payload.subarray(s * 2 * k + k, s * 2 * k + 2 * k), r * k);
      });
      return { folds: k, fold_counts: [...foldCounts], fold_sums: [...foldSums], categories, counts, sums, exact: table.exact };
    },
  };
}

/**
 * Fits a spec on a stream: binds it to the stream's schema (exit 2 for an unknown
 * column, 65 for a type an op cannot take), then learns every feature's state.
 */
export async function fit(input: BatchStream, spec: FeatureSpec, options: FitOptions = {}): Promise<FitResult> {
  const bound = bindSpec(spec, input.schema, true);
  const counters = bound.features.filter((b) => b.feature.op === 'categorify' || b.feature.op === 'target_encode');
  const share = (options.memoryLimit ?? 2 ** 30) / Math.max(1, counters.length);
  const budget: Budget = { capacity: Math.max(MIN_CAPACITY, Math.floor(share / BYTES_PER_VALUE)), bytes: Math.max(share, MIN_CAPACITY * BYTES_PER_VALUE) };
  const accumulators = bound.features.map((b) => accumulatorFor(b, budget));
  let rows = 0;
  for await (const batch of input) {
    for (const a of accumulators) a.add(batch, rows);
    rows += batch.numRows;
  }
  return { bound, states: accumulators.map((a) => a.finish()), rows };
}


import { Data, Dictionary, Type, Vector, type DataType } from 'apache-arrow';
import { typeName } from '@recdata/core';
import { columnKind, gatherNumbers, validityOf, type ColumnKind, type GatherStats } from '../columns/values.js';
import { hashBytes, hashNumber, numberBits } from '../sketch/hash64.js';
import { HyperLogLog, HLL_DEFAULT_P } from '../sketch/hll.js';
import { KllSketch, KLL_DEFAULT_K } from '../sketch/kll.js';
import { Moments, type MinMax } from '../sketch/moments.js';
import { addNumericValues, type NumericState } from './numeric-worker.js';
import { SpaceSaving, TOP_DEFAULT_CAPACITY, type TopValue } from '../sketch/space-saving.js';

export interface SketchOptions {
  /** KLL accuracy parameter (quantiles; error about 1.65% at 200, falling as 1/k). */
  kllK: number;
  /** HyperLogLog precision (2^p registers; error 1.04 / sqrt(2^p)). */
  hllP: number;
  /** Space-saving counters (top values; exact category counts up to this many categories). */
  topCapacity: number;
}

export const DEFAULT_SKETCH_OPTIONS: Readonly<SketchOptions> = { kllK: KLL_DEFAULT_K, hllP: HLL_DEFAULT_P, topCapacity: TOP_DEFAULT_CAPACITY };

/** Reused buffers for one batch (one per profiler). */
export class Scratch {
  values = new Float64Array(1 << 16);
  hash = new Uint32Array(2);
  codeCounts = new Float64Array(256);
  stats: GatherStats = { nulls: 0, nan: 0 };

  ensure(n: number): void {
    if (this.values.length < n) this.values = new Float64Array(Math.max(n, this.values.length * 2));
  }
}

/** Per dictionary (by identity): each code's 64-bit key and label, made once. */
interface DictionaryKeys {
  hi: Uint32Array;
  lo: Uint32Array;
  labels: (string | number)[];
  valid: Uint8Array;
}
const dictionaryKeyCache = new WeakMap<object, DictionaryKeys>();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function dictionaryKeys(dictionary: Vector): DictionaryKeys {
  const cached = dictionaryKeyCache.get(dictionary);
  if (cached) return cached;
  const n = dictionary.length;
  const keys: DictionaryKeys = { hi: new Uint32Array(n), lo: new Uint32Array(n), labels: new Array(n), valid: new Uint8Array(n) };
  const out = new Uint32Array(2);
  for (let c = 0; c < n; c++) {
    const v = dictionary.get(c);
    if (v === null || v === undefined) continue;
    keys.valid[c] = 1;
    if (typeof v === 'string') {
      const b = encoder.encode(v);
      hashBytes(b, 0, b.length, out);
      keys.labels[c] = v;
    } else {
      const x = Number(v);
      numberBits(x, out);
      keys.labels[c] = x;
    }
    keys.hi[c] = out[0];
    keys.lo[c] = out[1];
  }
  dictionaryKeyCache.set(dictionary, keys);
  return keys;
}

function topKind(type: DataType): 'number' | 'string' {
  if (columnKind(type) === 'numeric') return 'number';
  if (type.typeId === Type.Dictionary && (type as Dictionary).dictionary.typeId === Type.Int) return 'number';
  return 'string';
}

export interface ColumnSummary {
  column: string;
  type: string;
  kind: ColumnKind;
  count: number;
  nulls: number;
  nan: number;
  nullRate: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  quantiles: Record<string, number> | null;
  distinct: number | null;
  top: TopValue[];
  topExact: boolean;
}

export const SUMMARY_QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

/**
 * Everything a profile knows about one column (of one partition): counts, nulls,
 * NaN, min/max, moments, KLL quantiles, HyperLogLog distinct count and
 * space-saving top values, updated batch by batch and mergeable.
 */
export class ColumnProfile {
  readonly name: string;
  readonly type: string;
  readonly kind: ColumnKind;
  count = 0;
  nulls = 0;
  nan = 0;
  readonly moments = new Moments();
  readonly range: MinMax = { min: Infinity, max: -Infinity };
  kll: KllSketch | null;
  hll: HyperLogLog | null;
  top: SpaceSaving | null;

  constructor(name: string, type: DataType | string, kind: ColumnKind | null, options: SketchOptions, topKeyKind?: 'number' | 'string') {
    this.name = name;
    this.type = typeof type === 'string' ? type : typeName(type);
    this.kind = kind ?? columnKind(type as DataType);
    const numeric = this.kind === 'numeric';
    this.kll = numeric ? new KllSketch(options.kllK) : null;
    this.hll = this.kind === 'other' ? null : new HyperLogLog(options.hllP);
    this.top = this.kind === 'other' ? null : new SpaceSaving(options.topCapacity, topKeyKind ?? (typeof type === 'string' ? (numeric ? 'number' : 'string') : topKind(type)));
  }

  /** Adds rows from..to of `data` (or rows idx[from..to)). */
  add(data: Data, idx: Int32Array | null, from: number, to: number, scratch: Scratch): void {
    const rows = to - from;
    this.count += rows;
    if (this.kind === 'numeric') this.addNumeric(data, idx, from, to, scratch);
    else if (this.kind === 'categorical') this.addCategorical(data, idx, from, to, scratch);
    else this.nulls += countNullRows(data, idx, from, to);
  }

  private addNumeric(data: Data, idx: Int32Array | null, from: number, to: number, scratch: Scratch): void {
    scratch.ensure(to - from);
    const stats = scratch.stats;
    stats.nulls = 0;
    stats.nan = 0;
    const values = scratch.values;
    const n = gatherNumbers(data, idx, from, to, values, stats);
    this.nulls += stats.nulls;
    this.nan += stats.nan;
    addNumericValues(this as unknown as NumericState, values, n);
  }

  /** Counts of a numeric column's rows whose values another thread sketches (see Profiler's offload). */
  countOnly(nulls: number, nan: number, rows: number): void {
    this.count += rows;
    this.nulls += nulls;
    this.nan += nan;
  }

  /** Installs sketches made by a worker thread for this column's values. */
  installNumeric(r: { n: number; mean: number; m2: number; min: number; max: number; kll: Uint8Array; hll: Uint8Array; top: Uint8Array }): void {
    this.moments.n = r.n;
    this.moments.mean = r.mean;
    this.moments.m2 = r.m2;
    this.range.min = r.min;
    this.range.max = r.max;
    this.kll = KllSketch.fromBytes(r.kll);
    this.hll = HyperLogLog.fromBytes(r.hll);
    this.top = SpaceSaving.fromBytes(r.top);
  }

  private addCategorical(data: Data, idx: Int32Array | null, from: number, to: number, scratch: Scratch): void {
    const hll = this.hll!;
    const top = this.top!;
    const validity = validityOf(data);
    const offset = data.offset;
    const t = data.type;
    if (t.typeId === Type.Dictionary) {
      const dictionary = data.dictionary;
      if (!dictionary) return;
      const keys = dictionaryKeys(dictionary);
      if (scratch.codeCounts.length < keys.hi.length) scratch.codeCounts = new Float64Array(keys.hi.length);
      const counts = scratch.codeCounts;
      const codes = data.values as Int32Array;
      let nulls = 0;
      for (let k = from; k < to; k++) {
        const i = idx === null ? k : idx[k];
        if (validity !== null) {
          const b = offset + i;
          if ((validity[b >> 3] & (1 << (b & 7))) === 0) {
            nulls++;
            continue;
          }
        }
        counts[codes[i]]++;
      }
      const h = scratch.hash;
      for (let c = 0; c < keys.hi.length; c++) {
        const w = counts[c];
        if (w === 0) continue;
        counts[c] = 0;
        if (!keys.valid[c]) {
          nulls += w; // a null dictionary entry is a null value
          continue;
        }
        const label = keys.labels[c];
        if (typeof label === 'number') hashNumber(label, h);
        else {
          h[0] = keys.hi[c];
          h[1] = keys.lo[c];
        }
        hll.addHash(h[0], h[1]);
        const slot = top.update(keys.hi[c], keys.lo[c], w);
        if (slot < 0 && top.kind === 'string') top.labels[~slot] = label as string;
      }
      this.nulls += nulls;
      return;
    }
    if (t.typeId === Type.Bool) {
      const bits = data.values as Uint8Array;
      let trues = 0;
      let falses = 0;
      let nulls = 0;
      for (let k = from; k < to; k++) {
        const i = idx === null ? k : idx[k];
        const b = offset + i;
        if (validity !== null && (validity[b >> 3] & (1 << (b & 7))) === 0) {
          nulls++;
          continue;
        }
        if (bits[b >> 3] & (1 << (b & 7))) trues++;
        else falses++;
      }
      this.nulls += nulls;
      for (const [label, w] of [
        ['false', falses],
        ['true', trues],
      ] as const) {
        if (w === 0) continue;
        const h = scratch.hash;
        const b = encoder.encode(label);
        hashBytes(b, 0, b.length, h);
        hll.addHash(h[0], h[1]);
        const slot = top.update(h[0], h[1], w);
        if (slot < 0) top.labels[~slot] = label;
      }
      return;
    }
    // utf8 / large_utf8: one hash per row, the text decoded only for a new counter.
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const h = scratch.hash;
    let nulls = 0;
    for (let k = from; k < to; k++) {
      const i = idx === null ? k : idx[k];
      if (validity !== null) {
        const b = offset + i;
        if ((validity[b >> 3] & (1 << (b & 7))) === 0) {
          nulls++;
          continue;
        }
      }
      const start = Number(offsets[i]);
      const end = Number(offsets[i + 1]);
      hashBytes(bytes, start, end, h);
      hll.addHash(h[0], h[1]);
      const slot = top.update(h[0], h[1], 1);
      if (slot < 0) top.labels[~slot] = decoder.decode(bytes.subarray(start, end));
    }
    this.nulls += nulls;
  }

  merge(other: ColumnProfile): void {
    this.count += other.count;
    this.nulls += other.nulls;
    this.nan += other.nan;
    this.moments.merge(other.moments);
    if (other.range.min < this.range.min) this.range.min = other.range.min;
    if (other.range.max > this.range.max) this.range.max = other.range.max;
    if (this.kll && other.kll) this.kll.merge(other.kll);
    if (this.hll && other.hll) this.hll.merge(other.hll);
    if (this.top && other.top) this.top.merge(other.top);
  }

  /** An empty profile of the same column with the same sketch settings. */
  emptyLike(): ColumnProfile {
    return new ColumnProfile(this.name, this.type, this.kind, {
      kllK: this.kll?.k ?? KLL_DEFAULT_K,
      hllP: this.hll?.p ?? HLL_DEFAULT_P,
      topCapacity: this.top?.capacity ?? TOP_DEFAULT_CAPACITY,
    }, this.top?.kind);
  }

  /** Non-null, non-NaN values. */
  get valid(): number {
    return this.count - this.nulls - this.nan;
  }

  summary(topLimit = 10): ColumnSummary {
    const numeric = this.kind === 'numeric' && this.moments.n > 0;
    const sd = this.moments.sampleVariance;
    let quantiles: Record<string, number> | null = null;
    if (numeric && this.kll) {
      const qs = this.kll.quantiles(SUMMARY_QUANTILES);
      quantiles = Object.fromEntries(SUMMARY_QUANTILES.map((q, i) => [`p${Math.round(q * 100).toString().padStart(2, '0')}`, qs[i]]));
    }
    return {
      column: this.name,
      type: this.type,
      kind: this.kind,
      count: this.count,
      nulls: this.nulls,
      nan: this.nan,
      nullRate: this.count > 0 ? this.nulls / this.count : null,
      min: numeric ? this.range.min : null,
      max: numeric ? this.range.max : null,
      mean: numeric ? this.moments.mean : null,
      std: sd === null ? null : Math.sqrt(sd),
      quantiles,
      distinct: this.hll ? Math.round(this.hll.estimate()) : null,
      top: this.top ? this.top.top(topLimit) : [],
      topExact: this.top ? this.top.exact : false,
    };
  }
}

/** Null rows among from..to (or idx[from..to)). */
export function countNullRows(data: Data, idx: Int32Array | null, from: number, to: number): number {
  const validity = validityOf(data);
  if (validity === null) return 0;
  const offset = data.offset;
  let nulls = 0;
  for (let k = from; k < to; k++) {
    const b = offset + (idx === null ? k : idx[k]);
    if ((validity[b >> 3] & (1 << (b & 7))) === 0) nulls++;
  }
  return nulls;
}

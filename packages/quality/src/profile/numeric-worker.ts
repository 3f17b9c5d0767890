/**
 * The worker side of parallel profiling: a worker thread keeps the sketches of
 * the numeric columns it was given (moments, min/max, KLL, HyperLogLog++,
 * space-saving) per time partition, fed with compact float64 values that the main
 * thread gathered (nulls and NaN already counted and left out). Each session's
 * columns live in one worker, fed in input order, so the sketches are the same,
 * byte for byte, as a single thread's.
 */
import { HyperLogLog } from '../sketch/hll.js';
import { KllSketch } from '../sketch/kll.js';
import { addValues, Moments, type MinMax } from '../sketch/moments.js';
import { SpaceSaving } from '../sketch/space-saving.js';
import { hashNumber } from '../sketch/hash64.js';
import { coarsenKey, type PartitionUnit } from './partition.js';
import type { SketchOptions } from './column-profile.js';

export interface NumericState {
  moments: Moments;
  range: MinMax;
  kll: KllSketch;
  hll: HyperLogLog;
  top: SpaceSaving;
}

export function newNumericState(o: SketchOptions): NumericState {
  return { moments: new Moments(), range: { min: Infinity, max: -Infinity }, kll: new KllSketch(o.kllK), hll: new HyperLogLog(o.hllP), top: new SpaceSaving(o.topCapacity, 'number') };
}

const hash = new Uint32Array(2);

/** Adds compact values (no nulls, no NaN) to a numeric column's sketches. */
export function addNumericValues(s: NumericState, values: Float64Array, n: number): void {
  addValues(s.moments, s.range, values, n);
  s.kll.updateMany(values, n);
  const hll = s.hll;
  const top = s.top;
  const bits = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    let hi = bits[2 * i + 1];
    const lo = bits[2 * i];
    if (hi === 0x80000000 && lo === 0) hi = 0; // -0 is 0
    hashNumber(values[i], hash);
    hll.addHash(hash[0], hash[1]);
    top.update(hi, lo, 1);
  }
}

export function mergeNumericState(a: NumericState, b: NumericState): void {
  a.moments.merge(b.moments);
  if (b.range.min < a.range.min) a.range.min = b.range.min;
  if (b.range.max > a.range.max) a.range.max = b.range.max;
  a.kll.merge(b.kll);
  a.hll.merge(b.hll);
  a.top.merge(b.top);
}

interface Session {
  options: SketchOptions;
  unit: PartitionUnit;
  /** column → partition key → state */
  columns: Map<number, Map<number, NumericState>>;
}

const sessions = new Map<string, Session>();

export function numericInit(session: string, columns: number[], options: SketchOptions, unit: PartitionUnit): void {
  sessions.set(session, { options, unit, columns: new Map(columns.map((c) => [c, new Map()])) });
}

export interface NumericChunk {
  column: number;
  key: number;
  values: Float64Array;
}

export function numericAdd(session: string, chunks: NumericChunk[]): void {
  const s = sessions.get(session)!;
  for (const c of chunks) {
    const parts = s.columns.get(c.column)!;
    let state = parts.get(c.key);
    if (!state) parts.set(c.key, (state = newNumericState(s.options)));
    addNumericValues(state, c.values, c.values.length);
  }
}

export function numericCoarsen(session: string, unit: PartitionUnit): void {
  const s = sessions.get(session)!;
  for (const [column, parts] of s.columns) {
    const merged = new Map<number, NumericState>();
    for (const key of [...parts.keys()].sort((a, b) => a - b)) {
      const nk = coarsenKey(key, s.unit);
      const t = merged.get(nk);
      if (!t) merged.set(nk, parts.get(key)!);
      else mergeNumericState(t, parts.get(key)!);
    }
    s.columns.set(column, merged);
  }
  s.unit = unit;
}

export interface NumericResult {
  column: number;
  key: number;
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  kll: Uint8Array;
  hll: Uint8Array;
  top: Uint8Array;
}

export function numericFinish(session: string): NumericResult[] {
  const s = sessions.get(session)!;
  sessions.delete(session);
  const out: NumericResult[] = [];
  for (const [column, parts] of s.columns) {
    for (const [key, st] of parts) {
      out.push({ column, key, n: st.moments.n, mean: st.moments.mean, m2: st.moments.m2, min: st.range.min, max: st.range.max, kll: st.kll.toBytes(), hll: st.hll.toBytes(), top: st.top.toBytes() });
    }
  }
  return out; // a few tens of KiB per column and partition: copying is cheaper than arranging transfers
}

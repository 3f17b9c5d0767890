/**
 * The order of a run of rows: stably by (user, ts), so ties keep input order, and
 * where each sequence starts (a new user, or a new partition of ts). TypeScript
 * twin of the native seqGroup kernel; both give the same permutation, which is
 * unique (a stable sort by a key has one answer).
 */
import { cmp, floorDivSmall, W, wordsOf } from '../codec/w64.js';
import type { Lane } from '../lanes/lane.js';
import { compareBytes } from './keys.js';

export interface Grouping {
  /** Row indices in output order. */
  perm: Int32Array;
  /** Sequence s is perm[starts[s], starts[s + 1]). */
  starts: Int32Array;
}

/** Partitions of ts: floor(floor(ts / unitsPerSecond) / seconds). */
export interface PartitionSpec {
  unitsPerSecond: number;
  seconds: number;
}

/** The partition index of a ts (words) into W. */
export function partitionOf(hi: number, lo: number, p: PartitionSpec): void {
  floorDivSmall(hi, lo, p.unitsPerSecond);
  floorDivSmall(W.hi, W.lo, p.seconds);
}

/**
 * Sort keys of a user lane as a signed 64-bit lane: int lanes as they are
 * (uint64 with the top bit flipped, so that signed order is unsigned order);
 * string lanes as ranks of the distinct strings in byte order.
 */
export function userSortKeys(lane: Lane, unsigned64: boolean): BigInt64Array {
  if (lane.kind === 'int') {
    if (!unsigned64) return lane.values;
    const out = new BigInt64Array(lane.values.length);
    const src = wordsOf(lane.values);
    const dst = wordsOf(out);
    for (let i = 0; i < out.length; i++) {
      dst[2 * i] = src[2 * i];
      dst[2 * i + 1] = src[2 * i + 1] ^ 0x80000000;
    }
    return out;
  }
  const n = lane.offsets.length - 1;
  const o = lane.offsets;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => compareBytes(lane.bytes, o[a], o[a + 1], lane.bytes, o[b], o[b + 1]) || a - b);
  const keys = new BigInt64Array(n);
  const kw = wordsOf(keys);
  let rank = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && compareBytes(lane.bytes, o[idx[k - 1]], o[idx[k - 1] + 1], lane.bytes, o[idx[k]], o[idx[k] + 1]) !== 0) rank++;
    kw[2 * idx[k]] = rank;
  }
  return keys;
}

/** What the grouping kernel sorts users by: the lane itself for integers (uint64 as unsigned), ranks for strings. */
export function groupKeys(lane: Lane, unsigned64: boolean): { keys: BigInt64Array; unsigned: boolean } {
  if (lane.kind === 'int') return { keys: lane.values, unsigned: unsigned64 };
  return { keys: userSortKeys(lane, false), unsigned: false };
}

/**
 * Groups rows by user key (signed 64-bit, or unsigned when `unsigned`), then ts
 * (signed); no partitions when `partition` is null.
 */
export function groupRows(userKeys: BigInt64Array, ts: BigInt64Array, partition: PartitionSpec | null, unsigned = false): Grouping {
  const n = userKeys.length;
  const u = wordsOf(userKeys);
  const t = wordsOf(ts);
  const f = unsigned ? 0x80000000 | 0 : 0;
  const order = (a: number, b: number): number => cmp(u[2 * a + 1] ^ f, u[2 * a], u[2 * b + 1] ^ f, u[2 * b]) || cmp(t[2 * a + 1], t[2 * a], t[2 * b + 1], t[2 * b]);
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (order(i - 1, i) > 0) sorted = false;
  let perm: Int32Array;
  if (sorted) {
    perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
  } else {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => order(a, b) || a - b);
    perm = Int32Array.from(idx);
  }
  return { perm, starts: sequenceStarts(u, t, perm, partition) };
}

/** Where sequences start along a permutation of rows (user or partition changes). */
export function sequenceStarts(u: Int32Array, t: Int32Array, perm: Int32Array, partition: PartitionSpec | null): Int32Array {
  const n = perm.length;
  const starts: number[] = [];
  let pHi = 0;
  let pLo = 0;
  for (let k = 0; k < n; k++) {
    const i = perm[k];
    let pHiNow = 0;
    let pLoNow = 0;
    if (partition) {
      partitionOf(t[2 * i + 1], t[2 * i], partition);
      pHiNow = W.hi;
      pLoNow = W.lo;
    }
    if (k === 0) starts.push(0);
    else {
      const j = perm[k - 1];
      if (u[2 * i] !== u[2 * j] || u[2 * i + 1] !== u[2 * j + 1] || pHiNow !== pHi || pLoNow !== pLo) starts.push(k);
    }
    pHi = pHiNow;
    pLo = pLoNow;
  }
  starts.push(n);
  return Int32Array.from(starts);
}

/**
 * The per-stream tables, measured on the sample (the first SAMPLE_ROWS input
 * rows, grouped and ordered like the output): for each column an entropy model
 * (VALUE or DELTA, whichever costs fewer bits on the sample, tables included) and
 * for utf8/binary columns the table of frequent strings. Everything here depends
 * only on the sample's values, so the same input gives the same header.
 */
import { ulebSize } from '../codec/bytes.js';
import { makeModel, MODEL_DELTA, MODEL_VALUE, symbolCount, T, tokenOf, BUCKET_TOKENS, type EntropyModel, type ModelKind } from '../codec/entropy.js';
import { huffmanLengths } from '../codec/huffman.js';
import { bytesKey, type StringTable } from '../codec/values.js';
import { cmp, sub, toBigInt, ulebSizeW, W, wordsOf, zigzag } from '../codec/w64.js';
import type { StringLane } from '../lanes/lane.js';

/** Rows of input the tables are measured on. */
export const SAMPLE_ROWS = 1 << 19;
/** At most this many literals per model, and strings per table. */
export const MAX_LITERALS = 1 << 16;
/** A value becomes a literal when it occurs at least this often in the sample. */
export const LITERAL_MIN_COUNT = 2;

/** Distinct values of a lane with their counts, ascending by value (the lane is sorted in place). */
export function countValues(values: BigInt64Array): { values: BigInt64Array; counts: Uint32Array } {
  values.sort();
  const w = wordsOf(values);
  let distinct = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || w[2 * i] !== w[2 * i - 2] || w[2 * i + 1] !== w[2 * i - 1]) distinct++;
  const out = new BigInt64Array(distinct);
  const ow = wordsOf(out);
  const counts = new Uint32Array(distinct);
  let j = -1;
  for (let i = 0; i < values.length; i++) {
    if (i === 0 || w[2 * i] !== w[2 * i - 2] || w[2 * i + 1] !== w[2 * i - 1]) {
      j++;
      ow[2 * j] = w[2 * i];
      ow[2 * j + 1] = w[2 * i + 1];
    }
    counts[j]++;
  }
  return { values: out, counts };
}

interface Candidate {
  model: EntropyModel;
  bits: number;
}

/**
 * A model from the coded values' counts. `counted` are the values that get a
 * literal or bucket code (all values, less repeats for VALUE models).
 */
function buildFrom(kind: ModelKind, baseHi: number, baseLo: number, counted: { values: BigInt64Array; counts: Uint32Array }, repeats: number, headerBits: number): Candidate {
  const { values, counts } = counted;
  const vw = wordsOf(values);
  // A value earns a literal when its count times the bits it saves (bucket code
  // and extra bits, against -log2 of its frequency) beats what the literal costs
  // in the table (its Rice-coded gap and its code length, about log2 of the mean
  // gap plus 5 bits). Bucket costs come from a first pass with no literals.
  const total = counts.reduce((a, b) => a + b, 0) + repeats;
  const tokenFreq = new Float64Array(BUCKET_TOKENS);
  const tokenOfValue = new Uint16Array(values.length);
  const extraOfValue = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (kind === MODEL_VALUE) sub(vw[2 * i + 1], vw[2 * i], baseHi, baseLo);
    else zigzag(vw[2 * i + 1], vw[2 * i]);
    tokenOf(W.hi, W.lo);
    tokenOfValue[i] = T.token;
    extraOfValue[i] = T.extraBits;
    tokenFreq[T.token] += counts[i];
  }
  const candidates: number[] = [];
  for (let i = 0; i < values.length; i++) if (counts[i] >= LITERAL_MIN_COUNT) candidates.push(i);
  let spread = 0;
  if (candidates.length > 1) {
    const a = candidates[0];
    const b = candidates[candidates.length - 1];
    sub(vw[2 * b + 1], vw[2 * b], vw[2 * a + 1], vw[2 * a]);
    spread = Math.log2(W.hi * 4294967296 + W.lo + 1) - Math.log2(candidates.length);
  }
  const tableBits = Math.max(1, spread) + 7;
  const eligible: number[] = [];
  for (const i of candidates) {
    const bucket = -Math.log2(tokenFreq[tokenOfValue[i]] / total) + extraOfValue[i];
    const literal = -Math.log2(counts[i] / total);
    if (counts[i] * (bucket - literal) > tableBits) eligible.push(i);
  }
  if (eligible.length > MAX_LITERALS) {
    eligible.sort((a, b) => counts[b] - counts[a] || cmp(vw[2 * a + 1], vw[2 * a], vw[2 * b + 1], vw[2 * b]));
    eligible.length = MAX_LITERALS;
    eligible.sort((a, b) => a - b);
  }
  const k = eligible.length;
  const literals = new BigInt64Array(k);
  const lw = wordsOf(literals);
  const isLiteral = new Uint8Array(values.length);
  eligible.forEach((i, s) => {
    lw[2 * s] = vw[2 * i];
    lw[2 * s + 1] = vw[2 * i + 1];
    isLiteral[i] = 1;
  });
  const freqs = new Float64Array(symbolCount(kind, k));
  eligible.forEach((i, s) => (freqs[s] = counts[i]));
  const tokens = k + (kind === MODEL_VALUE ? 1 : 0);
  if (kind === MODEL_VALUE) freqs[k] = repeats + 1;
  let extraBits = 0;
  for (let i = 0; i < values.length; i++) {
    if (isLiteral[i]) continue;
    if (kind === MODEL_VALUE) sub(vw[2 * i + 1], vw[2 * i], baseHi, baseLo);
    else zigzag(vw[2 * i + 1], vw[2 * i]);
    tokenOf(W.hi, W.lo);
    freqs[tokens + T.token] += counts[i];
    extraBits += T.extraBits * counts[i];
  }
  for (let t = 0; t < BUCKET_TOKENS; t++) freqs[tokens + t] += 1;
  const lengths = huffmanLengths(freqs);
  let bits = headerBits + extraBits;
  for (let s = 0; s < freqs.length; s++) bits += lengths[s] * freqs[s];
  let tableBytes = 1 + ulebSize(k) + Math.ceil((freqs.length * 5) / 8);
  if (kind === MODEL_VALUE) {
    zigzag(baseHi, baseLo);
    tableBytes += ulebSizeW(W.hi, W.lo);
  }
  for (let i = 0; i < k; i++) {
    if (i === 0) zigzag(lw[1], lw[0]);
    else {
      sub(lw[2 * i + 1], lw[2 * i], lw[2 * i - 1], lw[2 * i - 2]);
      sub(W.hi, W.lo, 0, 1);
    }
    tableBytes += ulebSizeW(W.hi, W.lo);
  }
  return { model: makeModel(kind, toBigInt(baseHi, baseLo), literals, lengths), bits: bits + tableBytes * 8 };
}

/** What a model is measured from: a column's valid sample values, sequence by sequence. */
export interface ColumnStats {
  /** Distinct values that are not a repeat of the previous one, ascending, with counts. */
  fresh: { values: BigInt64Array; counts: Uint32Array };
  repeats: number;
  /** Distinct deltas between neighbours in a sequence, ascending, with counts. */
  deltas: { values: BigInt64Array; counts: Uint32Array };
  /** Bits of the zigzag ULEB128 first values (what DELTA payloads start with). */
  firstBits: number;
  /** The smallest value (words), the VALUE model's base. */
  minHi: number;
  minLo: number;
  /** Valid values seen. */
  count: number;
}

/**
 * Statistics of lane rows perm[starts[s]..starts[s + 1]) for each sequence s,
 * valid rows only (TypeScript twin of the native seqColumnStats).
 */
export function columnStats(values: BigInt64Array, valid: Uint8Array | null, perm: Int32Array, starts: Int32Array): ColumnStats {
  const w = wordsOf(values);
  const n = perm.length;
  const fresh = new BigInt64Array(n);
  const fw = wordsOf(fresh);
  const deltas = new BigInt64Array(n);
  const dw = wordsOf(deltas);
  let nFresh = 0;
  let nDeltas = 0;
  let repeats = 0;
  let firstBits = 0;
  let count = 0;
  let minHi = 0;
  let minLo = 0;
  for (let s = 0; s + 1 < starts.length; s++) {
    let prev = -1;
    for (let k = starts[s]; k < starts[s + 1]; k++) {
      const i = perm[k];
      if (valid && !valid[i]) continue;
      const hi = w[2 * i + 1];
      const lo = w[2 * i] >>> 0;
      if (count === 0 || cmp(hi, lo, minHi, minLo) < 0) {
        minHi = hi;
        minLo = lo;
      }
      count++;
      if (prev < 0) {
        zigzag(hi, lo);
        firstBits += ulebSizeW(W.hi, W.lo) * 8;
      }
      if (prev >= 0 && w[2 * i] === w[2 * prev] && hi === w[2 * prev + 1]) repeats++;
      else {
        fw[2 * nFresh] = lo;
        fw[2 * nFresh + 1] = hi;
        nFresh++;
      }
      if (prev >= 0) {
        sub(hi, lo, w[2 * prev + 1], w[2 * prev]);
        dw[2 * nDeltas] = W.lo;
        dw[2 * nDeltas + 1] = W.hi;
        nDeltas++;
      }
      prev = i;
    }
  }
  return { fresh: countValues(fresh.subarray(0, nFresh)), repeats, deltas: countValues(deltas.subarray(0, nDeltas)), firstBits, minHi, minLo, count };
}

/** The cheaper of a VALUE and a DELTA model for a column's statistics; null when it has no values. */
export function buildModel(stats: ColumnStats): EntropyModel | null {
  if (stats.count === 0) return null;
  const value = buildFrom(MODEL_VALUE, stats.minHi, stats.minLo, stats.fresh, stats.repeats, 0);
  if (stats.deltas.values.length === 0) return value.model;
  const delta = buildFrom(MODEL_DELTA, 0, 0, stats.deltas, 0, stats.firstBits);
  return delta.bits < value.bits ? delta.model : value.model;
}

/**
 * The frequent strings of a utf8/binary column's sample: those seen at least
 * LITERAL_MIN_COUNT times, most frequent first (ties by bytes), at most MAX_LITERALS.
 */
export function buildStringTable(lane: StringLane): StringTable {
  const counts = new Map<string, number>();
  const n = lane.offsets.length - 1;
  for (let i = 0; i < n; i++) {
    if (lane.valid && !lane.valid[i]) continue;
    const key = bytesKey(lane.bytes, lane.offsets[i], lane.offsets[i + 1]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const chosen = [...counts].filter(([, c]) => c >= LITERAL_MIN_COUNT);
  chosen.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (chosen.length > MAX_LITERALS) chosen.length = MAX_LITERALS;
  const offsets = new Int32Array(chosen.length + 1);
  let total = 0;
  chosen.forEach(([k], i) => {
    total += k.length;
    offsets[i + 1] = total;
  });
  const bytes = new Uint8Array(total);
  chosen.forEach(([k], i) => bytes.set(Buffer.from(k, 'latin1'), offsets[i]));
  return { offsets, bytes };
}

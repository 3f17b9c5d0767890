/**
 * Canonical Huffman codes: lengths from frequencies (deterministic, limited to
 * MAX_CODE_LENGTH bits), DEFLATE's canonical code assignment (shorter codes first,
 * then by symbol), and a single-level decoding table. Codes go into the LSB-first
 * bit stream with their first bit lowest, so they are stored bit-reversed.
 */
import { CorruptPayload } from './bytes.js';

export const MAX_CODE_LENGTH = 20;

/**
 * Code lengths (0 = no code) for the given frequencies. Ties are broken by symbol
 * number, so the result depends only on the frequencies. Over-long codes are
 * avoided by halving the frequencies (rounding up) and building again.
 */
export function huffmanLengths(freqs: ArrayLike<number>, maxLength = MAX_CODE_LENGTH): Uint8Array {
  const n = freqs.length;
  const lengths = new Uint8Array(n);
  let weights = Array.from(freqs, (f) => (f > 0 ? f : 0));
  const used = weights.reduce((k, f) => k + (f > 0 ? 1 : 0), 0);
  if (used === 0) return lengths;
  if (used === 1) {
    lengths[weights.findIndex((f) => f > 0)] = 1;
    return lengths;
  }
  if (used > 2 ** maxLength) throw new RangeError(`${used} symbols cannot have codes of at most ${maxLength} bits`);
  for (;;) {
    const depth = treeDepths(weights);
    let max = 0;
    for (let s = 0; s < n; s++) max = Math.max(max, depth[s]);
    if (max <= maxLength) {
      lengths.set(depth);
      return lengths;
    }
    weights = weights.map((f) => (f > 0 ? Math.ceil(f / 2) : 0));
  }
}

/** Leaf depths of a Huffman tree built with two queues (leaves sorted by weight, then symbol). */
function treeDepths(weights: number[]): Uint8Array {
  const n = weights.length;
  const leaves: number[] = [];
  for (let s = 0; s < n; s++) if (weights[s] > 0) leaves.push(s);
  leaves.sort((a, b) => weights[a] - weights[b] || a - b);
  const m = leaves.length;
  // Nodes 0..m-1 are the leaves in sorted order, m.. the internal nodes.
  const weight = new Float64Array(2 * m);
  const parent = new Int32Array(2 * m).fill(-1);
  for (let i = 0; i < m; i++) weight[i] = weights[leaves[i]];
  let leaf = 0;
  let internal = m;
  let next = m;
  const pick = (): number => {
    if (leaf < m && (internal >= next || weight[leaf] <= weight[internal])) return leaf++;
    return internal++;
  };
  while (next < 2 * m - 1) {
    const a = pick();
    const b = pick();
    weight[next] = weight[a] + weight[b];
    parent[a] = next;
    parent[b] = next;
    next++;
  }
  const depthOf = new Uint8Array(2 * m);
  for (let i = 2 * m - 3; i >= 0; i--) depthOf[i] = depthOf[parent[i]] + 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < m; i++) out[leaves[i]] = depthOf[i];
  return out;
}

/** Bits the first-level decoding table looks at; longer codes take the canonical slow path. */
export const TABLE_BITS = 11;

export interface HuffmanCode {
  lengths: Uint8Array;
  /** Bit-reversed canonical codes, ready for an LSB-first stream. */
  codes: Uint32Array;
  /** The longest code (0 when there is none). */
  maxLength: number;
  /** Bits the table is indexed by: min(maxLength, TABLE_BITS). */
  tableBits: number;
  /**
   * Indexed by the next tableBits bits: (symbol << 5) | length for codes that
   * fit, LONG for a prefix of longer codes, -1 for no code.
   */
  table: Int32Array;
  /** Canonical decoding of long codes: per length, the first code, its index in `sorted`, and the count. */
  firstCode: Int32Array;
  firstIndex: Int32Array;
  count: Int32Array;
  /** Symbols by (length, symbol). */
  sorted: Int32Array;
}

export const LONG = -2;

function reverse(code: number, length: number): number {
  let r = 0;
  for (let i = 0; i < length; i++) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r >>> 0;
}

/**
 * Canonical codes and the decoding tables for code lengths. Lengths that
 * over-subscribe the code space (Kraft sum above 1) are corrupt; an incomplete
 * code is allowed, and its unused bit patterns decode as errors.
 */
export function canonicalCode(lengths: Uint8Array, at = 0): HuffmanCode {
  const count = new Int32Array(MAX_CODE_LENGTH + 1);
  let maxLength = 0;
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s];
    if (l > MAX_CODE_LENGTH) throw new CorruptPayload(`code length ${l} exceeds ${MAX_CODE_LENGTH}`, at);
    if (l > 0) {
      count[l]++;
      if (l > maxLength) maxLength = l;
    }
  }
  let kraft = 0;
  for (let l = 1; l <= MAX_CODE_LENGTH; l++) kraft += count[l] * 2 ** (MAX_CODE_LENGTH - l);
  if (kraft > 2 ** MAX_CODE_LENGTH) throw new CorruptPayload('code lengths over-subscribe the code space', at);
  const firstCode = new Int32Array(MAX_CODE_LENGTH + 2);
  const firstIndex = new Int32Array(MAX_CODE_LENGTH + 2);
  let code = 0;
  let index = 0;
  for (let l = 1; l <= MAX_CODE_LENGTH; l++) {
    code = (code + count[l - 1]) << 1;
    firstCode[l] = code;
    firstIndex[l] = index;
    index += count[l];
  }
  const sorted = new Int32Array(index);
  const fill = firstIndex.slice();
  const next = firstCode.slice();
  const codes = new Uint32Array(lengths.length);
  const tableBits = Math.min(maxLength, TABLE_BITS);
  const table = new Int32Array(maxLength > 0 ? 1 << tableBits : 0).fill(-1);
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s];
    if (l === 0) continue;
    sorted[fill[l]++] = s;
    const r = reverse(next[l]++, l);
    codes[s] = r;
    if (l <= tableBits) {
      const entry = (s << 5) | l;
      for (let k = r; k < table.length; k += 1 << l) table[k] = entry;
    } else table[r & ((1 << tableBits) - 1)] = LONG;
  }
  return { lengths, codes, maxLength, tableBits, table, firstCode, firstIndex, count, sorted };
}

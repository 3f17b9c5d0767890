/**
 * The entropy-coded form: canonical Huffman codes over a per-column alphabet whose
 * frequencies are measured once per stream and stored in the stream header, never
 * per sequence. The alphabet is
 *   - K literals: the column's frequent values (VALUE models) or frequent deltas
 *     between neighbours (DELTA models), sorted ascending;
 *   - REPEAT (VALUE models only): the value equals the previous one;
 *   - 256 bucket tokens for everything else, each followed by extra raw bits: the
 *     residual u (value - base, or zigzag(delta), as unsigned 64-bit) is token u
 *     when below 16, else token 16 + 4 * (floor(log2 u) - 4) + the two bits below
 *     the leading one, followed by the floor(log2 u) - 2 bits under those.
 * Every bucket token has a code, so any value can be written.
 */
import { BitReader, BitWriter, ByteReader, ByteWriter, CorruptPayload, ulebSize } from './bytes.js';
import { canonicalCode, huffmanLengths, LONG, type HuffmanCode } from './huffman.js';
import { add, bitLength, cmp, keyOf, lowBits, shl, shr32, sub, toBigInt, ulebSizeW, unzigzag, W, wordsOf, zigzag } from './w64.js';

export const MODEL_NONE = 0;
export const MODEL_VALUE = 1;
export const MODEL_DELTA = 2;
export type ModelKind = typeof MODEL_VALUE | typeof MODEL_DELTA;

export const BUCKET_TOKENS = 256;
const DIRECT = 16;

/** Token of an unsigned residual (words) into T, with its extra bits (into T.extraHi/Lo). */
export const T = { token: 0, extraBits: 0, extraHi: 0, extraLo: 0 };

export function tokenOf(hi: number, lo: number): void {
  if (hi === 0 && lo >>> 0 < DIRECT) {
    T.token = lo >>> 0;
    T.extraBits = 0;
    T.extraHi = 0;
    T.extraLo = 0;
    return;
  }
  const n = bitLength(hi, lo) - 1;
  const m = shr32(hi, lo, n - 2) & 3;
  T.token = DIRECT + (n - 4) * 4 + m;
  T.extraBits = n - 2;
  lowBits(hi, lo, n - 2);
  T.extraHi = W.hi;
  T.extraLo = W.lo;
}

/** Extra bits of a token, and the residual's leading part into W (inverse of tokenOf). */
export function tokenLead(token: number): number {
  if (token < DIRECT) {
    W.hi = 0;
    W.lo = token;
    return 0;
  }
  const n = 4 + ((token - DIRECT) >> 2);
  const m = (token - DIRECT) & 3;
  shl(0, 4 | m, n - 2);
  return n - 2;
}

export interface EntropyModel {
  kind: ModelKind;
  /** Subtracted from values before bucketing (VALUE models), as words. */
  baseHi: number;
  baseLo: number;
  /** Sorted ascending, distinct. */
  literals: BigInt64Array;
  literalWords: Int32Array;
  code: HuffmanCode;
  /** Symbol of REPEAT (VALUE models), else -1. */
  repeat: number;
  /** Symbol of bucket token 0. */
  tokens: number;
  /** literal value key → symbol (built lazily by the encoder). */
  index?: Map<number | string, number>;
}

export function symbolCount(kind: ModelKind, literals: number): number {
  return literals + (kind === MODEL_VALUE ? 1 : 0) + BUCKET_TOKENS;
}

export function makeModel(kind: ModelKind, base: bigint, literals: BigInt64Array, lengths: Uint8Array, at = 0): EntropyModel {
  if (lengths.length !== symbolCount(kind, literals.length)) throw new CorruptPayload('code length count does not match the alphabet', at);
  const code = canonicalCode(lengths, at);
  const repeat = kind === MODEL_VALUE ? literals.length : -1;
  const b = wordsOf(BigInt64Array.of(base));
  return { kind, baseHi: b[1], baseLo: b[0] >>> 0, literals, literalWords: wordsOf(literals), code, repeat, tokens: literals.length + (kind === MODEL_VALUE ? 1 : 0) };
}

function literalIndex(model: EntropyModel): Map<number | string, number> {
  if (!model.index) {
    const m = new Map<number | string, number>();
    const w = model.literalWords;
    for (let i = 0; i < model.literals.length; i++) m.set(keyOf(w[2 * i + 1], w[2 * i]), i);
    model.index = m;
  }
  return model.index;
}

// ---- header form -----------------------------------------------------------
//
//   u8 kind (0 none, 1 VALUE, 2 DELTA)
//   [VALUE] zigzag ULEB128 base
//   ULEB128 K literals; when K > 0: zigzag ULEB128 of the first, u8 Rice
//     parameter k, then a bit stream: the K - 1 gaps (each literal minus the one
//     before, minus 1) Rice-coded (quotient q = gap >> k as q one bits and a zero,
//     then the k low bits; a quotient of 16 or more is 16 one bits, 7 bits of the
//     gap's bit length L, and its L bits), then the code lengths: 21 lengths of a
//     code for lengths (5 bits each), then each symbol's length (0..20) in that code.

const RICE_ESCAPE = 16;

function riceBits(hi: number, lo: number, k: number): number {
  const L = bitLength(hi, lo);
  if (L <= k + 4) return shr32(hi, lo, k) + 1 + k;
  return RICE_ESCAPE + 7 + L;
}

function writeRice(w: BitWriter, hi: number, lo: number, k: number): void {
  const L = bitLength(hi, lo);
  if (L <= k + 4) {
    const q = shr32(hi, lo, k);
    w.put((1 << q) - 1, q + 1);
    lowBits(hi, lo, k);
    w.putW(W.hi, W.lo, k);
    return;
  }
  w.put((1 << RICE_ESCAPE) - 1, RICE_ESCAPE);
  w.put(L, 7);
  w.putW(hi, lo, L);
}

function readRice(br: BitReader, k: number): void {
  let q = 0;
  while (q < RICE_ESCAPE && br.get(1) === 1) q++;
  if (q < RICE_ESCAPE) {
    br.getW(k);
    const rHi = W.hi;
    const rLo = W.lo;
    shl(0, q, k);
    W.hi |= rHi;
    W.lo = (W.lo | rLo) >>> 0;
    return;
  }
  const L = br.get(7);
  if (L > 64) throw new CorruptPayload(`a gap of ${L} bits`, br.offset);
  br.getW(L);
}

export function writeModel(out: ByteWriter, model: EntropyModel | null): void {
  if (!model) {
    out.u8(MODEL_NONE);
    return;
  }
  out.u8(model.kind);
  if (model.kind === MODEL_VALUE) out.slebW(model.baseHi, model.baseLo);
  const w = model.literalWords;
  const k = model.literals.length;
  out.uleb(k);
  const bw = new BitWriter(out);
  if (k > 0) {
    out.slebW(w[1], w[0]);
    const gaps = new Int32Array(2 * k);
    for (let i = 1; i < k; i++) {
      sub(w[2 * i + 1], w[2 * i], w[2 * i - 1], w[2 * i - 2]);
      sub(W.hi, W.lo, 0, 1);
      gaps[2 * i] = W.lo;
      gaps[2 * i + 1] = W.hi;
    }
    // Rice parameters up to a little past log2 of the mean gap (the mean overstates skewed gaps, so all the smaller ones are tried).
    sub(w[2 * k - 1], w[2 * k - 2], w[1], w[0]);
    const mean = Math.max(1, (W.hi * 4294967296 + W.lo) / Math.max(1, k - 1));
    const centre = Math.floor(Math.log2(mean));
    let best = 0;
    let bestBits = Infinity;
    for (let r = 0; r <= Math.min(63, centre + 4); r++) {
      let bits = 0;
      for (let i = 1; i < k; i++) bits += riceBits(gaps[2 * i + 1], gaps[2 * i], r);
      if (bits < bestBits) {
        bestBits = bits;
        best = r;
      }
    }
    out.u8(best);
    for (let i = 1; i < k; i++) writeRice(bw, gaps[2 * i + 1], gaps[2 * i], best);
  }
  writeLengths(bw, model.code.lengths);
  bw.flush();
}

/** Code lengths through a small canonical code of their own. */
function writeLengths(bw: BitWriter, lengths: Uint8Array): void {
  const freq = new Float64Array(MAX_LENGTH_SYMBOL + 1);
  for (const l of lengths) freq[l]++;
  const meta = huffmanLengths(freq, 15);
  for (let l = 0; l <= MAX_LENGTH_SYMBOL; l++) bw.put(meta[l], 5);
  const code = canonicalCode(meta);
  for (const l of lengths) bw.put(code.codes[l], meta[l]);
}

const MAX_LENGTH_SYMBOL = 20;

export function readModel(r: ByteReader): EntropyModel | null {
  const at = r.pos;
  const kind = r.u8('the model kind');
  if (kind === 0) return null;
  if (kind !== MODEL_VALUE && kind !== MODEL_DELTA) r.fail(`unknown model kind ${kind}`, at);
  let base = 0n;
  if (kind === MODEL_VALUE) {
    r.slebW('the model base');
    base = toBigInt(W.hi, W.lo);
  }
  const count = r.uleb('the literal count', 1 << 20);
  // Each literal takes at least one bit: a count the rest cannot hold is corrupt.
  if (count > r.remaining * 8) r.fail(`${count} literals cannot fit in ${r.remaining} bytes`);
  const literals = new BigInt64Array(count);
  const lw = wordsOf(literals);
  let br: BitReader;
  if (count > 0) {
    r.slebW('the first literal');
    lw[0] = W.lo;
    lw[1] = W.hi;
    const kAt = r.pos;
    const k = r.u8('the Rice parameter');
    if (k > 63) r.fail(`Rice parameter ${k} exceeds 63`, kAt);
    br = new BitReader(r.bytes, r.pos, r.end);
    for (let i = 1; i < count; i++) {
      const gapAt = br.offset;
      readRice(br, k);
      add(W.hi, W.lo, 0, 1);
      const gHi = W.hi;
      const gLo = W.lo;
      add(gHi, gLo, lw[2 * i - 1], lw[2 * i - 2]);
      // Strictly ascending as signed values: a gap that wraps past 2^63 is corrupt.
      if ((gHi === 0 && gLo === 0) || cmp(W.hi, W.lo, lw[2 * i - 1], lw[2 * i - 2]) <= 0) r.fail('literals are not ascending 64-bit values', gapAt);
      lw[2 * i] = W.lo;
      lw[2 * i + 1] = W.hi;
    }
  } else br = new BitReader(r.bytes, r.pos, r.end);
  const symbols = symbolCount(kind as ModelKind, count);
  const lengthsAt = br.offset;
  const meta = new Uint8Array(MAX_LENGTH_SYMBOL + 1);
  for (let l = 0; l <= MAX_LENGTH_SYMBOL; l++) meta[l] = br.get(5);
  const metaCode = canonicalCode(meta, lengthsAt);
  const lengths = new Uint8Array(symbols);
  for (let s = 0; s < symbols; s++) {
    const l = readSymbol(metaCode, br, lengthsAt);
    if (l > MAX_LENGTH_SYMBOL) r.fail(`code length ${l} exceeds ${MAX_LENGTH_SYMBOL}`, lengthsAt);
    lengths[s] = l;
  }
  r.pos = br.byteEnd;
  for (let t = 0; t < BUCKET_TOKENS; t++) {
    if (lengths[symbols - BUCKET_TOKENS + t] === 0) r.fail(`bucket token ${t} has no code`, lengthsAt);
  }
  return makeModel(kind as ModelKind, base, literals, lengths, lengthsAt);
}

// ---- per-sequence codec ----------------------------------------------------

/** The symbol chosen for one value and its cost (code plus extra bits). */
const C = { symbol: 0, bits: 0, extraBits: 0, extraHi: 0, extraLo: 0 };

/**
 * Picks the cheapest code for the value (hi, lo) (a value, or a delta for DELTA
 * models): its literal, REPEAT when `repeat` (VALUE models), or its bucket token;
 * ties go to REPEAT, then the literal.
 */
function choose(model: EntropyModel, hi: number, lo: number, repeat: boolean): void {
  const lengths = model.code.lengths;
  if (model.kind === MODEL_VALUE) sub(hi, lo, model.baseHi, model.baseLo);
  else zigzag(hi, lo);
  tokenOf(W.hi, W.lo);
  C.symbol = model.tokens + T.token;
  C.bits = lengths[C.symbol] + T.extraBits;
  C.extraBits = T.extraBits;
  C.extraHi = T.extraHi;
  C.extraLo = T.extraLo;
  const lit = literalIndex(model).get(keyOf(hi, lo));
  if (lit !== undefined && lengths[lit] > 0 && lengths[lit] <= C.bits) {
    C.symbol = lit;
    C.bits = lengths[lit];
    C.extraBits = 0;
  }
  if (repeat) {
    const l = lengths[model.repeat];
    if (l > 0 && l <= C.bits) {
      C.symbol = model.repeat;
      C.bits = l;
      C.extraBits = 0;
    }
  }
}

function chooseAt(model: EntropyModel, w: Int32Array, start: number, i: number): void {
  if (model.kind === MODEL_VALUE) {
    const repeat = i > start && w[2 * i] === w[2 * i - 2] && w[2 * i + 1] === w[2 * i - 1];
    choose(model, w[2 * i + 1], w[2 * i] >>> 0, repeat);
  } else {
    sub(w[2 * i + 1], w[2 * i], w[2 * i - 1], w[2 * i - 2]);
    choose(model, W.hi, W.lo, false);
  }
}

export function sizeEntropy(model: EntropyModel, w: Int32Array, start: number, count: number): number {
  let bits = 0;
  let header = 0;
  const delta = model.kind === MODEL_DELTA;
  if (delta) {
    zigzag(w[2 * start + 1], w[2 * start]);
    header = ulebSizeW(W.hi, W.lo);
  }
  for (let i = delta ? start + 1 : start; i < start + count; i++) {
    chooseAt(model, w, start, i);
    bits += C.bits;
  }
  return header + Math.ceil(bits / 8);
}

export function encodeEntropy(out: ByteWriter, model: EntropyModel, w: Int32Array, start: number, count: number): void {
  const delta = model.kind === MODEL_DELTA;
  if (delta) out.slebW(w[2 * start + 1], w[2 * start]);
  const bw = new BitWriter(out);
  const { codes, lengths } = model.code;
  for (let i = delta ? start + 1 : start; i < start + count; i++) {
    chooseAt(model, w, start, i);
    bw.put(codes[C.symbol], lengths[C.symbol]);
    if (C.extraBits > 0) bw.putW(C.extraHi, C.extraLo, C.extraBits);
  }
  bw.flush();
}

/** The next symbol of a code. */
function readSymbol(code: HuffmanCode, br: BitReader, at: number): number {
  const entry = code.tableBits > 0 ? code.table[br.peek(code.tableBits)] : -1;
  if (entry >= 0) {
    br.skip(entry & 31);
    return entry >>> 5;
  }
  if (entry === LONG) return decodeLong(code, br, at);
  throw new CorruptPayload('a bit pattern that is no code of the column model', at);
}

/** Canonical decoding, one bit at a time, of a code longer than the table. */
function decodeLong(code: HuffmanCode, br: BitReader, at: number): number {
  let c = 0;
  for (let l = 1; l <= code.maxLength; l++) {
    c = (c << 1) | br.get(1);
    const k = c - code.firstCode[l];
    if (k >= 0 && k < code.count[l]) return code.sorted[code.firstIndex[l] + k];
  }
  throw new CorruptPayload('a bit pattern that is no code of the column model', at);
}

export function decodeEntropy(r: ByteReader, model: EntropyModel, count: number, out: Int32Array, outStart: number): void {
  let from = 0;
  let prevHi = 0;
  let prevLo = 0;
  if (model.kind === MODEL_DELTA) {
    r.slebW('the first value');
    prevHi = W.hi;
    prevLo = W.lo;
    out[2 * outStart] = prevLo;
    out[2 * outStart + 1] = prevHi;
    from = 1;
  }
  const code = model.code;
  const br = new BitReader(r.bytes, r.pos, r.end);
  const lw = model.literalWords;
  const k = model.literals.length;
  for (let i = from; i < count; i++) {
    const at = br.offset;
    const sym = readSymbol(code, br, at);
    let hi: number;
    let lo: number;
    if (sym < k) {
      hi = lw[2 * sym + 1];
      lo = lw[2 * sym];
    } else if (sym === model.repeat) {
      if (i === 0) throw new CorruptPayload('REPEAT before the first value', at);
      hi = prevHi;
      lo = prevLo;
    } else {
      const extraBits = tokenLead(sym - model.tokens);
      const leadHi = W.hi;
      const leadLo = W.lo;
      br.getW(extraBits);
      const uHi = leadHi | W.hi;
      const uLo = (leadLo | W.lo) >>> 0;
      if (model.kind === MODEL_VALUE) add(uHi, uLo, model.baseHi, model.baseLo);
      else unzigzag(uHi, uLo);
      hi = W.hi;
      lo = W.lo;
    }
    if (model.kind === MODEL_DELTA) {
      add(prevHi, prevLo, hi, lo);
      hi = W.hi;
      lo = W.lo;
    }
    out[2 * (outStart + i)] = lo;
    out[2 * (outStart + i) + 1] = hi;
    prevHi = hi;
    prevLo = lo;
  }
  if (br.bitsLeft >= 8) throw new CorruptPayload(`${br.bitsLeft >> 3} bytes left over after ${count} values`, br.offset);
  r.pos = r.end;
}

export { ulebSize };

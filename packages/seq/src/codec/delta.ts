/**
 * Parquet's DELTA_BINARY_PACKED encoding, exactly as its specification
 * (parquet-format Encodings.md): a header of ULEB128 <block size in values>
 * <miniblocks per block> <total value count> and the zigzag ULEB128 <first value>;
 * then blocks of deltas, each with its zigzag ULEB128 <min delta>, one bit-width
 * byte per miniblock and the miniblocks, (delta - min delta) packed LSB first.
 * Arithmetic wraps (32-bit for INT32, 64-bit for INT64), so every value round-trips.
 *
 * The encoder writes block size 128 with 4 miniblocks of 32 (as parquet-mr does),
 * the smallest width for each miniblock, width 0 for the miniblocks of the last
 * block that hold no values (which are not written), and pads the last miniblock
 * with zeros. The decoder takes any valid block layout, any width byte for unused
 * miniblocks and any padding bits, and rejects a header or width that would read
 * past its buffer.
 */
import { ByteReader, ByteWriter, CorruptPayload, packBits, ulebSize, unpackBits, zigzag32 } from './bytes.js';
import { add, bitLength, cmp, sub, ulebSizeW, W, wordsOf, zigzag } from './w64.js';

export const DBP_BLOCK_SIZE = 128;
export const DBP_MINIBLOCKS = 4;
const PER_MINIBLOCK = DBP_BLOCK_SIZE / DBP_MINIBLOCKS;

export type DeltaType = 'int32' | 'int64';

/** Encodes INT32 (Int32Array) or INT64 (BigInt64Array) values. */
export function deltaBinaryPackedEncode(values: Int32Array | BigInt64Array): Uint8Array {
  const out = new ByteWriter(16 + values.length);
  if (values instanceof BigInt64Array) encodeInt64(out, wordsOf(values), 0, values.length);
  else if (values instanceof Int32Array) encodeInt32(out, values);
  else throw new TypeError('deltaBinaryPackedEncode takes an Int32Array or a BigInt64Array');
  return out.finish();
}

/**
 * Decodes one DELTA_BINARY_PACKED run starting at `offset`. Returns the values and
 * the offset just past the last miniblock that holds values. A corrupt run throws
 * a CorruptPayload naming the byte offset.
 */
export function deltaBinaryPackedDecode(bytes: Uint8Array, offset: number, type: 'int32'): { values: Int32Array; end: number };
export function deltaBinaryPackedDecode(bytes: Uint8Array, offset: number, type: 'int64'): { values: BigInt64Array; end: number };
export function deltaBinaryPackedDecode(bytes: Uint8Array, offset: number, type: DeltaType): { values: Int32Array | BigInt64Array; end: number };
export function deltaBinaryPackedDecode(bytes: Uint8Array, offset: number, type: DeltaType): { values: Int32Array | BigInt64Array; end: number } {
  if (type !== 'int32' && type !== 'int64') throw new TypeError(`type must be 'int32' or 'int64', got ${String(type)}`);
  if (!(Number.isInteger(offset) && offset >= 0 && offset <= bytes.length)) throw new CorruptPayload(`offset ${offset} is outside the ${bytes.length} bytes`, offset);
  const r = new ByteReader(bytes, offset, bytes.length);
  const wide = decodeWide(r, type === 'int32' ? 32 : 64, -1);
  if (type === 'int64') return { values: wide, end: r.pos };
  const w = wordsOf(wide);
  const values = new Int32Array(wide.length);
  for (let i = 0; i < wide.length; i++) values[i] = w[2 * i];
  return { values, end: r.pos };
}

/** The width bytes and the miniblocks that hold values (n of the block's deltas, as words in `adj`). */
function writeMiniblocks(out: ByteWriter, adj: Int32Array, n: number): void {
  const used = Math.ceil(n / PER_MINIBLOCK);
  const widths = [0, 0, 0, 0];
  for (let m = 0; m < used; m++) {
    let orHi = 0;
    let orLo = 0;
    for (let i = m * PER_MINIBLOCK; i < Math.min(n, (m + 1) * PER_MINIBLOCK); i++) {
      orLo |= adj[2 * i];
      orHi |= adj[2 * i + 1];
    }
    widths[m] = bitLength(orHi, orLo);
  }
  for (let m = 0; m < DBP_MINIBLOCKS; m++) out.u8(widths[m]);
  for (let m = 0; m < used; m++) packBits(out, adj, m * PER_MINIBLOCK, PER_MINIBLOCK, widths[m]);
}

/** The minimum delta of the last blockDeltas call (word pair). */
const MIN = { hi: 0, lo: 0 };

/**
 * The deltas of values from..from+n-1 (each minus the value before it; word
 * pairs, lo first) into `deltas`, and their minimum into MIN: one block's work,
 * shared by encodeInt64 and sizeInt64 so the size is exact by construction.
 */
function blockDeltas(w: Int32Array, from: number, n: number, deltas: Int32Array): void {
  let minHi = 0;
  let minLo = 0;
  for (let i = 0; i < n; i++) {
    const j = from + i;
    sub(w[2 * j + 1], w[2 * j], w[2 * j - 1], w[2 * j - 2]);
    deltas[2 * i] = W.lo;
    deltas[2 * i + 1] = W.hi;
    if (i === 0 || cmp(W.hi, W.lo, minHi, minLo) < 0) {
      minHi = W.hi;
      minLo = W.lo;
    }
  }
  MIN.hi = minHi;
  MIN.lo = minLo;
}

/** Encodes `count` int64 values (word pairs, from value `start`): the seq payload's form. */
export function encodeInt64(out: ByteWriter, w: Int32Array, start: number, count: number): void {
  out.uleb(DBP_BLOCK_SIZE);
  out.uleb(DBP_MINIBLOCKS);
  out.uleb(count);
  if (count > 0) out.slebW(w[2 * start + 1], w[2 * start]);
  else out.uleb(0);
  const adj = new Int32Array(2 * DBP_BLOCK_SIZE);
  const deltas = new Int32Array(2 * DBP_BLOCK_SIZE);
  for (let b = 1; b < count; b += DBP_BLOCK_SIZE) {
    const n = Math.min(DBP_BLOCK_SIZE, count - b);
    blockDeltas(w, start + b, n, deltas);
    const minHi = MIN.hi;
    const minLo = MIN.lo;
    out.slebW(minHi, minLo);
    adj.fill(0);
    for (let i = 0; i < n; i++) {
      sub(deltas[2 * i + 1], deltas[2 * i], minHi, minLo);
      adj[2 * i] = W.lo;
      adj[2 * i + 1] = W.hi;
    }
    writeMiniblocks(out, adj, n);
  }
}

function encodeInt32(out: ByteWriter, values: Int32Array): void {
  const count = values.length;
  out.uleb(DBP_BLOCK_SIZE);
  out.uleb(DBP_MINIBLOCKS);
  out.uleb(count);
  out.uleb(count > 0 ? zigzag32(values[0]) : 0);
  const adj = new Int32Array(2 * DBP_BLOCK_SIZE);
  const deltas = new Int32Array(DBP_BLOCK_SIZE);
  for (let b = 1; b < count; b += DBP_BLOCK_SIZE) {
    const n = Math.min(DBP_BLOCK_SIZE, count - b);
    let min = 0;
    for (let i = 0; i < n; i++) {
      const d = (values[b + i] - values[b + i - 1]) | 0;
      deltas[i] = d;
      if (i === 0 || d < min) min = d;
    }
    out.uleb(zigzag32(min));
    adj.fill(0);
    for (let i = 0; i < n; i++) adj[2 * i] = (deltas[i] - min) | 0;
    writeMiniblocks(out, adj, n);
  }
}

/** Exact encoded size of encodeInt64 for these values, without writing them. */
export function sizeInt64(w: Int32Array, start: number, count: number): number {
  let size = ulebSize(DBP_BLOCK_SIZE) + ulebSize(DBP_MINIBLOCKS) + ulebSize(count);
  if (count > 0) {
    zigzag(w[2 * start + 1], w[2 * start]);
    size += ulebSizeW(W.hi, W.lo);
  } else size += 1;
  const deltas = new Int32Array(2 * DBP_BLOCK_SIZE);
  for (let b = 1; b < count; b += DBP_BLOCK_SIZE) {
    const n = Math.min(DBP_BLOCK_SIZE, count - b);
    blockDeltas(w, start + b, n, deltas);
    const minHi = MIN.hi;
    const minLo = MIN.lo;
    zigzag(minHi, minLo);
    size += ulebSizeW(W.hi, W.lo) + DBP_MINIBLOCKS;
    for (let m = 0; m * PER_MINIBLOCK < n; m++) {
      let orHi = 0;
      let orLo = 0;
      for (let i = m * PER_MINIBLOCK; i < Math.min(n, (m + 1) * PER_MINIBLOCK); i++) {
        sub(deltas[2 * i + 1], deltas[2 * i], minHi, minLo);
        orHi |= W.hi;
        orLo |= W.lo;
      }
      size += bitLength(orHi, orLo) * (PER_MINIBLOCK / 8);
    }
  }
  return size;
}

/**
 * Decodes into a 64-bit lane with `bits`-bit wrapping arithmetic (values of an
 * INT32 run are sign-extended). `expected` >= 0 insists on that many values.
 */
export function decodeWide(r: ByteReader, bits: 32 | 64, expected: number): BigInt64Array {
  const headerAt = r.pos;
  const blockSize = r.uleb('the block size', 1 << 30);
  if (blockSize === 0 || blockSize % 128 !== 0) r.fail(`block size ${blockSize} is not a positive multiple of 128`, headerAt);
  const miniblocks = r.uleb('the miniblock count', blockSize);
  if (miniblocks === 0 || blockSize % miniblocks !== 0 || (blockSize / miniblocks) % 32 !== 0) {
    r.fail(`${miniblocks} miniblocks do not divide a block of ${blockSize} into multiples of 32 values`, headerAt);
  }
  const countAt = r.pos;
  const count = r.uleb('the value count', 0x7fffffff);
  if (expected >= 0 && count !== expected) r.fail(`the value count is ${count}, expected ${expected}`, countAt);
  const firstAt = r.pos;
  r.slebW('the first value');
  let prevHi = W.hi;
  let prevLo = W.lo;
  if (bits === 32 && prevHi !== (prevLo | 0) >> 31) r.fail('the first value does not fit 32 bits', firstAt);
  // Each block costs at least its min delta and width bytes: a count the
  // remaining bytes cannot hold is corrupt, and must not size an allocation.
  const blocks = count > 1 ? Math.ceil((count - 1) / blockSize) : 0;
  if (blocks > r.remaining / (1 + miniblocks)) r.fail(`${count} values need ${blocks} blocks, more than the ${r.remaining} bytes left can hold`, countAt);
  const values = new BigInt64Array(count);
  if (count === 0) return values;
  const out = wordsOf(values);
  out[0] = prevLo;
  out[1] = prevHi;
  const perMini = blockSize / miniblocks;
  const adj = new Int32Array(2 * perMini);
  let filled = 1;
  while (filled < count) {
    const minAt = r.pos;
    r.slebW('a block min delta');
    const minHi = W.hi;
    const minLo = W.lo;
    if (bits === 32 && minHi !== (minLo | 0) >> 31) r.fail('a block min delta does not fit 32 bits', minAt);
    const widthsAt = r.pos;
    const widths = r.take(miniblocks, 'the miniblock bit widths');
    const inBlock = Math.min(blockSize, count - filled);
    const used = Math.ceil(inBlock / perMini);
    for (let m = 0; m < used; m++) {
      const width = widths[m];
      if (width > bits) r.fail(`miniblock bit width ${width} exceeds ${bits}`, widthsAt + m);
      const bytes = (perMini * width) / 8;
      r.need(bytes, `a miniblock of width ${width}`);
      unpackBits(r.bytes, r.pos, perMini, width, adj, 0);
      r.pos += bytes;
      const take = Math.min(perMini, count - filled);
      for (let i = 0; i < take; i++) {
        add(prevHi, prevLo, minHi, minLo);
        add(W.hi, W.lo, adj[2 * i + 1], adj[2 * i]);
        prevLo = W.lo;
        prevHi = bits === 32 ? (W.lo | 0) >> 31 : W.hi;
        out[2 * filled] = prevLo;
        out[2 * filled + 1] = prevHi;
        filled++;
      }
    }
  }
  return values;
}

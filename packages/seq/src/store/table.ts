/**
 * The sequence table of a run file and its sparse index. The table lists every
 * sequence (one user's events in the file's partition) in user order, in blocks
 * of BLOCK_SEQUENCES; the sparse index holds each block's first user and place,
 * so a lookup reads one block. Block body:
 *
 *   ULEB count, ULEB first sequence number, ULEB first payload offset
 *   per sequence:
 *     user        int users: ULEB128 (64-bit) of order key - previous order key
 *                 (the first of a block: the order key); bytes users: ULEB shared
 *                 prefix with the previous user (0 for the first), ULEB suffix
 *                 length, suffix bytes
 *     ULEB n_events, zigzag ts_first - partition start, ULEB ts_last - ts_first,
 *     ULEB payload length
 *   u32 CRC-32C of the body
 *
 * Index body: ULEB blocks; per block ULEB offset (from the table's start), ULEB
 * length, and its first user (int: ULEB order key; bytes: ULEB length, bytes);
 * then u32 CRC-32C.
 */
import { ByteReader, ByteWriter } from '../codec/bytes.js';
import { sub, W, wordsOf } from '../codec/w64.js';
import type { IntLane, Lane } from '../lanes/lane.js';
import { BloomFilter } from './bloom.js';
import { BLOCK_SEQUENCES, sealSection } from './run-format.js';
import { hashBytes, hashIntWords, userKeyBytes, type UserKind } from './user-key.js';

const SIGN = 0x80000000 | 0;

/** Sequences of a block (or any range of sequences), column-wise. */
export interface SeqEntries {
  count: number;
  firstSeq: number;
  /** Users as a lane: int lane values, or strings. */
  users: Lane;
  counts: Uint32Array;
  tsFirst: BigInt64Array;
  tsLast: BigInt64Array;
  /** Absolute payload offsets: sequence i is [payload[i], payload[i + 1]). */
  payload: Float64Array;
}

export interface SparseIndex {
  blocks: number;
  offsets: Float64Array;
  lengths: Float64Array;
  /** First user of each block: order keys (ints) or bytes. */
  firstKeys: BigUint64Array | null;
  firstBytes: Uint8Array[] | null;
}

/** Builds the table, the index and the Bloom filter while sequences arrive in user order. */
export class TableBuilder {
  private readonly kind: UserKind;
  private readonly partitionStart: bigint;
  private readonly table = new ByteWriter(1 << 16);
  private readonly index = new ByteWriter(1 << 12);
  private block = new ByteWriter(4096);
  private blockCount = 0;
  private blockFirstSeq = 0;
  private blockFirstPayload = 0;
  private blocks = 0;
  private hashes: Uint32Array = new Uint32Array(2048);
  private prevHi = 0;
  private prevLo = 0;
  private prevBytes: Uint8Array = new Uint8Array(0);
  sequences = 0;
  events = 0;
  userMin: Uint8Array | null = null;
  userMax: Uint8Array | null = null;
  private readonly h = new Uint32Array(2);

  constructor(kind: UserKind, partitionStart: bigint) {
    this.kind = kind;
    this.partitionStart = partitionStart;
  }

  /**
   * Adds sequences: users (one row per sequence), their event counts, first and
   * last ts (words of 64-bit lanes), and payload offsets relative to `payloadBase`.
   */
  add(users: Lane, counts: ArrayLike<number>, tsFirst: Int32Array, tsLast: Int32Array, payloadOffsets: Int32Array, payloadBase: number): void {
    const n = counts.length;
    const uw = users.kind === 'int' ? wordsOf(users.values) : null;
    const ps = this.partitionStart;
    const psHi = Number(BigInt.asIntN(32, ps >> 32n));
    const psLo = Number(BigInt.asUintN(32, ps));
    for (let s = 0; s < n; s++) {
      if (this.blockCount === 0) {
        this.blockFirstSeq = this.sequences;
        this.blockFirstPayload = payloadBase + payloadOffsets[s];
        this.block.pos = 0;
      }
      const b = this.block;
      const first = this.blockCount === 0;
      if (uw) {
        const hi = uw[2 * s + 1];
        const lo = uw[2 * s];
        const oh = this.kind === 'uint64' ? hi : hi ^ SIGN;
        if (first) b.ulebW(oh, lo);
        else {
          sub(oh, lo, this.prevHi, this.prevLo);
          b.ulebW(W.hi, W.lo);
        }
        if (first) this.indexEntryInt(oh, lo);
        this.prevHi = oh;
        this.prevLo = lo;
        hashIntWords(hi, lo, this.h);
        if (this.sequences === 0) this.userMin = userKeyBytes(this.kind, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
        if (s === n - 1) this.userMax = userKeyBytes(this.kind, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
      } else {
        const sl = users as Extract<Lane, { kind: 'string' }>;
        const from = sl.offsets[s];
        const to = sl.offsets[s + 1];
        const cur = sl.bytes.subarray(from, to);
        let shared = 0;
        if (!first) {
          const max = Math.min(cur.length, this.prevBytes.length);
          while (shared < max && cur[shared] === this.prevBytes[shared]) shared++;
        }
        b.uleb(shared);
        b.uleb(cur.length - shared);
        b.bytes(cur.subarray(shared));
        if (first) this.indexEntryBytes(cur);
        this.prevBytes = cur.slice();
        hashBytes(sl.bytes, from, to, this.h);
        if (this.sequences === 0) this.userMin = cur.slice();
        if (s === n - 1) this.userMax = cur.slice();
      }
      this.addHash(this.h[0], this.h[1]);
      b.uleb(counts[s]);
      sub(tsFirst[2 * s + 1], tsFirst[2 * s], psHi, psLo);
      b.slebW(W.hi, W.lo);
      sub(tsLast[2 * s + 1], tsLast[2 * s], tsFirst[2 * s + 1], tsFirst[2 * s]);
      b.ulebW(W.hi, W.lo);
      b.uleb(payloadOffsets[s + 1] - payloadOffsets[s]);
      this.events += counts[s];
      this.sequences++;
      this.blockCount++;
      if (this.blockCount === BLOCK_SEQUENCES) this.closeBlock();
    }
  }

  private indexEntryInt(hi: number, lo: number): void {
    this.index.uleb(this.table.pos);
    this.pendingIndexKey = { hi, lo, bytes: null };
  }

  private indexEntryBytes(bytes: Uint8Array): void {
    this.index.uleb(this.table.pos);
    this.pendingIndexKey = { hi: 0, lo: 0, bytes: bytes.slice() };
  }

  private pendingIndexKey: { hi: number; lo: number; bytes: Uint8Array | null } | null = null;

  private closeBlock(): void {
    if (this.blockCount === 0) return;
    const body = new ByteWriter(this.block.pos + 32);
    body.uleb(this.blockCount);
    body.uleb(this.blockFirstSeq);
    body.uleb(this.blockFirstPayload);
    body.bytes(this.block.buf.subarray(0, this.block.pos));
    const sealed = sealSection(body);
    this.table.bytes(sealed);
    this.index.uleb(sealed.length);
    const key = this.pendingIndexKey!;
    if (key.bytes) {
      this.index.uleb(key.bytes.length);
      this.index.bytes(key.bytes);
    } else this.index.ulebW(key.hi, key.lo);
    this.blocks++;
    this.blockCount = 0;
  }

  private hashCount = 0;
  private addHash(a: number, b: number): void {
    if (2 * this.hashCount + 2 > this.hashes.length) {
      const next = new Uint32Array(this.hashes.length * 2);
      next.set(this.hashes);
      this.hashes = next;
    }
    this.hashes[2 * this.hashCount] = a;
    this.hashes[2 * this.hashCount + 1] = b;
    this.hashCount++;
  }

  /** The sealed table, index and Bloom sections. */
  finish(): { table: Uint8Array; index: Uint8Array; bloom: Uint8Array; blocks: number } {
    this.closeBlock();
    const index = new ByteWriter(this.index.pos + 16);
    index.uleb(this.blocks);
    index.bytes(this.index.buf.subarray(0, this.index.pos));
    const bloom = BloomFilter.forKeys(this.hashCount);
    for (let i = 0; i < this.hashCount; i++) bloom.addHashes(this.hashes[2 * i], this.hashes[2 * i + 1]);
    const bw = new ByteWriter(bloom.bits.length + 16);
    bw.u8(bloom.k);
    bw.uleb(bloom.bits.length);
    bw.bytes(bloom.bits);
    return { table: this.table.finish(), index: sealSection(index), bloom: sealSection(bw), blocks: this.blocks };
  }
}

/** Decodes a block body (after its CRC was checked). */
export function decodeBlock(r: ByteReader, kind: UserKind, partitionStart: bigint): SeqEntries {
  const count = r.uleb('the block size', 1 << 20);
  if (count === 0) r.fail('an empty table block');
  const firstSeq = r.uleb('the first sequence number', 2 ** 40);
  let payload = r.uleb('the first payload offset', 2 ** 52);
  const counts = new Uint32Array(count);
  const tsFirst = new BigInt64Array(count);
  const tsLast = new BigInt64Array(count);
  const fw = wordsOf(tsFirst);
  const lw = wordsOf(tsLast);
  const offsets = new Float64Array(count + 1);
  const psHi = Number(BigInt.asIntN(32, partitionStart >> 32n));
  const psLo = Number(BigInt.asUintN(32, partitionStart));
  let users: Lane;
  let uw: Int32Array | null = null;
  let strOffsets: Int32Array | null = null;
  let prev: Uint8Array = new Uint8Array(0);
  let total = 0;
  const chunks: Uint8Array[] = [];
  if (kind !== 'bytes') {
    const values = new BigInt64Array(count);
    uw = wordsOf(values);
    users = { kind: 'int', values, valid: null };
  } else {
    strOffsets = new Int32Array(count + 1);
    users = { kind: 'string', offsets: strOffsets, bytes: new Uint8Array(0), valid: null };
  }
  let oh = 0;
  let ol = 0;
  offsets[0] = payload;
  for (let s = 0; s < count; s++) {
    if (uw) {
      r.ulebW('a user');
      if (s === 0) {
        oh = W.hi;
        ol = W.lo;
      } else {
        const dh = W.hi;
        const dl = W.lo;
        if (dh === 0 && dl === 0) r.fail('two sequences of one user in a block');
        const lo = (ol >>> 0) + (dl >>> 0);
        const carry = lo > 0xffffffff ? 1 : 0;
        const nh = (oh + dh + carry) | 0;
        if ((nh >>> 0) < (oh >>> 0)) r.fail('users out of order in a block');
        oh = nh;
        ol = lo >>> 0;
      }
      uw[2 * s] = ol;
      uw[2 * s + 1] = kind === 'uint64' ? oh : oh ^ SIGN;
    } else {
      const shared = r.uleb('a shared prefix length', prev.length);
      const suffix = r.take(r.uleb('a user length', r.remaining), 'a user');
      const cur = new Uint8Array(shared + suffix.length);
      cur.set(prev.subarray(0, shared));
      cur.set(suffix, shared);
      chunks.push(cur);
      total += cur.length;
      strOffsets![s + 1] = total;
      prev = cur;
    }
    counts[s] = r.uleb('an event count', 0x7fffffff);
    if (counts[s] === 0) r.fail('a sequence of 0 events');
    r.slebW('ts_first');
    const lo = (W.lo >>> 0) + (psLo >>> 0);
    fw[2 * s] = lo >>> 0;
    fw[2 * s + 1] = (W.hi + psHi + (lo > 0xffffffff ? 1 : 0)) | 0;
    r.ulebW('the ts span');
    const lo2 = (W.lo >>> 0) + (fw[2 * s] >>> 0);
    lw[2 * s] = lo2 >>> 0;
    lw[2 * s + 1] = (W.hi + fw[2 * s + 1] + (lo2 > 0xffffffff ? 1 : 0)) | 0;
    payload += r.uleb('a payload length', 0x7fffffff);
    offsets[s + 1] = payload;
  }
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes left over in a table block`);
  if (kind === 'bytes') {
    const bytes = new Uint8Array(total);
    let p = 0;
    for (const c of chunks) {
      bytes.set(c, p);
      p += c.length;
    }
    (users as Extract<Lane, { kind: 'string' }>).bytes = bytes;
  }
  return { count, firstSeq, users, counts, tsFirst, tsLast, payload: offsets };
}

export function decodeIndex(r: ByteReader, kind: UserKind, tableLength: number): SparseIndex {
  const blocks = r.uleb('the index size', 2 ** 40);
  const offsets = new Float64Array(blocks);
  const lengths = new Float64Array(blocks);
  const firstKeys = kind === 'bytes' ? null : new BigUint64Array(blocks);
  const firstBytes = kind === 'bytes' ? ([] as Uint8Array[]) : null;
  let expect = 0;
  for (let i = 0; i < blocks; i++) {
    offsets[i] = r.uleb('a block offset', tableLength);
    lengths[i] = r.uleb('a block length', tableLength);
    if (offsets[i] !== expect) r.fail('the index does not tile the table');
    expect += lengths[i];
    if (firstKeys) {
      r.ulebW('a block user');
      firstKeys[i] = (BigInt(W.hi >>> 0) << 32n) | BigInt(W.lo >>> 0);
      if (i > 0 && firstKeys[i] <= firstKeys[i - 1]) r.fail('index users out of order');
    } else {
      const b = r.take(r.uleb('a block user length', r.remaining), 'a block user').slice();
      firstBytes!.push(b);
    }
  }
  if (expect !== tableLength) r.fail('the index does not cover the table');
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes left over in the index`);
  return { blocks, offsets, lengths, firstKeys, firstBytes };
}

export function decodeBloom(r: ByteReader): BloomFilter {
  const k = r.u8('the probe count');
  if (k < 1 || k > 30) r.fail(`a Bloom filter with ${k} probes`);
  const n = r.uleb('the Bloom filter size', r.remaining);
  if (n === 0 || n % 8 !== 0) r.fail(`a Bloom filter of ${n} bytes`);
  const bits = r.take(n, 'the Bloom filter').slice();
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes left over in the Bloom filter`);
  return new BloomFilter(bits, k);
}

/** Lane words of an int lane (ts first/last arrays from chunks). */
export function intWords(lane: IntLane): Int32Array {
  return wordsOf(lane.values);
}

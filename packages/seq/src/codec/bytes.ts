/**
 * Byte-level building blocks of every seq codec: a growable byte writer, a
 * bounds-checked reader, ULEB128 and zigzag (both as in Parquet / protobuf), and
 * an LSB-first bit writer and reader. Readers never read past their end: every
 * failure is a CorruptPayload carrying the byte offset where it was noticed.
 * 64-bit values travel as word pairs (see w64.ts); results land in W.
 */
import { bitLength, W, zigzag, unzigzag } from './w64.js';

/** Thrown by decoders; the caller adds the row. `offset` is absolute in the buffer decoded. */
export class CorruptPayload extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'CorruptPayload';
    this.offset = offset;
  }
}

export function zigzag32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

export function unzigzag32(u: number): number {
  return (u >>> 1) ^ -(u & 1);
}

/** Bytes taken by ULEB128 of a non-negative number below 2^53. */
export function ulebSize(u: number): number {
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x200000) return 3;
  if (u < 0x10000000) return 4;
  let n = 4;
  u = Math.floor(u / 0x10000000);
  while (u > 0) {
    n++;
    u = Math.floor(u / 128);
  }
  return n;
}

/** A growable little-endian byte buffer. */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32le(v: number): void {
    this.ensure(4);
    const b = this.buf;
    b[this.pos++] = v & 0xff;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = (v >>> 16) & 0xff;
    b[this.pos++] = (v >>> 24) & 0xff;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** ULEB128 of a non-negative number below 2^53. */
  uleb(v: number): void {
    this.ensure(8);
    if (v < 0x80000000) {
      while (v >= 0x80) {
        this.buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.pos++] = v;
      return;
    }
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** ULEB128 of an unsigned 64-bit value given as words. */
  ulebW(hi: number, lo: number): void {
    this.ensure(10);
    let h = hi >>> 0;
    let l = lo >>> 0;
    while (h !== 0 || l >= 0x80) {
      this.buf[this.pos++] = (l & 0x7f) | 0x80;
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    this.buf[this.pos++] = l;
  }

  /** Zigzag then ULEB128 of a signed 64-bit value given as words. */
  slebW(hi: number, lo: number): void {
    zigzag(hi, lo);
    this.ulebW(W.hi, W.lo);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** A bounds-checked reader over `bytes[start, end)`; offsets it reports are absolute in `bytes`. */
export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string, at = this.pos): never {
    throw new CorruptPayload(message, at);
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) this.fail(`${what} needs ${n} bytes, ${this.end - this.pos} left`);
  }

  u8(what = 'a byte'): number {
    if (this.pos >= this.end) this.fail(`${what} lies past the end`);
    return this.bytes[this.pos++];
  }

  u32le(what = 'a 32-bit value'): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** ULEB128 of an unsigned 64-bit value into W; more than 10 bytes or bits past 64 are corrupt. */
  ulebW(what = 'a ULEB128 value'): void {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail(`${what} runs past the end`, start);
      const b = this.bytes[this.pos++];
      const v = b & 0x7f;
      const shift = 7 * i;
      if (shift < 32) {
        lo |= v << shift;
        if (shift > 25) hi |= v >>> (32 - shift);
      } else hi |= v << (shift - 32);
      if (i === 9 && v > 1) this.fail(`${what} exceeds 64 bits`, start);
      if ((b & 0x80) === 0) {
        W.hi = hi | 0;
        W.lo = lo >>> 0;
        return;
      }
    }
    this.fail(`${what} is longer than 10 bytes`, start);
  }

  /** A zigzag ULEB128 signed 64-bit value into W. */
  slebW(what = 'a zigzag value'): void {
    this.ulebW(what);
    unzigzag(W.hi, W.lo);
  }

  /** ULEB128 as a number, at most `max` (a corrupt length cannot ask for more). */
  uleb(what: string, max = 0xffffffff): number {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) this.fail(`${what} runs past the end`, start);
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (result > max) this.fail(`${what} is ${result}, more than ${max}`, start);
        return result;
      }
      mul *= 128;
    }
    this.fail(`${what} is too large`, start);
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** LSB-first bit writer over a ByteWriter: up to 32 bits per put. */
export class BitWriter {
  private readonly out: ByteWriter;
  private acc = 0;
  private nbits = 0;

  constructor(out: ByteWriter) {
    this.out = out;
  }

  /** Appends the low `n` bits (0..32) of `v`; `v` must have no bits at or above n. */
  put(v: number, n: number): void {
    if (n === 0) return;
    const space = 32 - this.nbits;
    this.acc = (this.acc | (v << this.nbits)) >>> 0;
    if (n < space) {
      this.nbits += n;
      return;
    }
    const o = this.out;
    o.ensure(4);
    const a = this.acc;
    o.buf[o.pos++] = a & 0xff;
    o.buf[o.pos++] = (a >>> 8) & 0xff;
    o.buf[o.pos++] = (a >>> 16) & 0xff;
    o.buf[o.pos++] = a >>> 24;
    this.acc = space === 32 ? 0 : (v >>> space) >>> 0;
    this.nbits = n - space;
  }

  /** Appends the low `n` bits (0..64) of a word pair (no bits at or above n). */
  putW(hi: number, lo: number, n: number): void {
    if (n <= 32) this.put(lo >>> 0, n);
    else {
      this.put(lo >>> 0, 32);
      this.put(hi >>> 0, n - 32);
    }
  }

  /** Writes the last partial byte(s), zero padded. */
  flush(): void {
    const o = this.out;
    let a = this.acc;
    let n = this.nbits;
    o.ensure(4);
    while (n > 0) {
      o.buf[o.pos++] = a & 0xff;
      a >>>= 8;
      n -= 8;
    }
    this.acc = 0;
    this.nbits = 0;
  }
}

/** LSB-first bit reader over bytes[start, end); reading past `end` is corrupt. */
export class BitReader {
  private readonly bytes: Uint8Array;
  private bit: number;
  private readonly endBit: number;

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.bytes = bytes;
    this.bit = start * 8;
    this.endBit = end * 8;
  }

  /** Byte offset of the next unread bit (for messages). */
  get offset(): number {
    return this.bit >> 3;
  }

  get bitsLeft(): number {
    return this.endBit - this.bit;
  }

  /** The byte just past the last bit read (a partly read byte counts). */
  get byteEnd(): number {
    return (this.bit + 7) >> 3;
  }

  /** The next `n` bits (0..32) without consuming them; bits past the end read as 0. */
  peek(n: number): number {
    if (n === 0) return 0;
    const b = this.bytes;
    const p = this.bit >> 3;
    const s = this.bit & 7;
    const lim = this.endBit >> 3;
    const b0 = p < lim ? b[p] : 0;
    const b1 = p + 1 < lim ? b[p + 1] : 0;
    const b2 = p + 2 < lim ? b[p + 2] : 0;
    const b3 = p + 3 < lim ? b[p + 3] : 0;
    let v = (b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)) >>> s;
    if (s + n > 32) {
      const b4 = p + 4 < lim ? b[p + 4] : 0;
      v = (v | (b4 << (32 - s))) >>> 0;
    }
    return n === 32 ? v >>> 0 : (v & ((1 << n) - 1)) >>> 0;
  }

  skip(n: number): void {
    if (this.bit + n > this.endBit) throw new CorruptPayload('a bit stream runs past the end of its block', this.endBit >> 3);
    this.bit += n;
  }

  get(n: number): number {
    const v = this.peek(n);
    this.skip(n);
    return v;
  }

  /** `n` bits (0..64) into W. */
  getW(n: number): void {
    if (n <= 32) {
      W.lo = this.get(n);
      W.hi = 0;
    } else {
      const lo = this.get(32);
      W.hi = this.get(n - 32) | 0;
      W.lo = lo;
    }
  }
}

/**
 * LSB-first bit packing of `count` unsigned 64-bit values (word pairs in
 * `words`, value i at words[2i + 1], words[2i]) of `width` bits (0..64). Always
 * writes exactly ceil(count * width / 8) bytes.
 */
export function packBits(out: ByteWriter, words: Int32Array, start: number, count: number, width: number): void {
  if (width === 0 || count === 0) return;
  const w = new BitWriter(out);
  if (width <= 32) for (let i = start; i < start + count; i++) w.put(words[2 * i] >>> 0, width);
  else for (let i = start; i < start + count; i++) w.putW(words[2 * i + 1], words[2 * i], width);
  w.flush();
}

/** Inverse of packBits into word pairs; the caller has checked that the bytes are there. */
export function unpackBits(bytes: Uint8Array, pos: number, count: number, width: number, out: Int32Array, outStart: number): void {
  if (width === 0) {
    out.fill(0, 2 * outStart, 2 * (outStart + count));
    return;
  }
  const r = new BitReader(bytes, pos, pos + Math.ceil((count * width) / 8));
  for (let i = outStart; i < outStart + count; i++) {
    r.getW(width);
    out[2 * i] = W.lo;
    out[2 * i + 1] = W.hi;
  }
}

export { bitLength };

/**
 * 64-bit integer arithmetic on pairs of 32-bit words (hi: int32, lo: uint32),
 * which is what the TypeScript kernels use instead of BigInt in their loops:
 * V8 11 (Node 20) can abort the process while optimizing loops that mix BigInt64
 * values (TurboFan "Phi of kRepTagged (SignedBigInt64) cannot be changed to
 * kRepWord64"), and words are faster anyway. Results of two-word operations go to
 * the shared register W (read W.hi / W.lo right after the call).
 *
 * A BigInt64Array lane is read through an Int32Array view of its buffer: value i
 * is (words[2i + 1], words[2i] >>> 0).
 */
export const W = { hi: 0, lo: 0 };

/** An Int32Array view of a 64-bit lane's words. */
export function wordsOf(values: BigInt64Array | BigUint64Array | Float64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** a - b, wrapping. */
export function sub(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = (aLo >>> 0) - (bLo >>> 0);
  W.lo = lo >>> 0;
  W.hi = (aHi - bHi - (lo < 0 ? 1 : 0)) | 0;
}

/** a + b, wrapping. */
export function add(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = (aLo >>> 0) + (bLo >>> 0);
  W.lo = lo >>> 0;
  W.hi = (aHi + bHi + (lo > 0xffffffff ? 1 : 0)) | 0;
}

/** Signed comparison: negative, zero or positive. */
export function cmp(aHi: number, aLo: number, bHi: number, bLo: number): number {
  if (aHi !== bHi) return aHi < bHi ? -1 : 1;
  const a = aLo >>> 0;
  const b = bLo >>> 0;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Unsigned comparison. */
export function cmpUnsigned(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const ah = aHi >>> 0;
  const bh = bHi >>> 0;
  if (ah !== bh) return ah < bh ? -1 : 1;
  const a = aLo >>> 0;
  const b = bLo >>> 0;
  return a === b ? 0 : a < b ? -1 : 1;
}

export function zigzag(hi: number, lo: number): void {
  const s = hi >> 31;
  W.hi = ((hi << 1) | (lo >>> 31)) ^ s;
  W.lo = ((lo << 1) ^ s) >>> 0;
}

export function unzigzag(hi: number, lo: number): void {
  const m = -(lo & 1);
  W.lo = (((lo >>> 1) | (hi << 31)) ^ m) >>> 0;
  W.hi = (hi >>> 1) ^ m;
}

/** Bits needed for the unsigned value (0 for 0). */
export function bitLength(hi: number, lo: number): number {
  return hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
}

/** Bytes of ULEB128 for the unsigned value. */
export function ulebSizeW(hi: number, lo: number): number {
  const bits = bitLength(hi, lo);
  return bits === 0 ? 1 : Math.ceil(bits / 7);
}

/** The low 32 bits of (unsigned value >>> s), 0 <= s < 64. */
export function shr32(hi: number, lo: number, s: number): number {
  if (s === 0) return lo >>> 0;
  if (s < 32) return ((lo >>> s) | (hi << (32 - s))) >>> 0;
  return (hi >>> (s - 32)) >>> 0;
}

/** value << s (0 <= s < 64), wrapping, into W. */
export function shl(hi: number, lo: number, s: number): void {
  if (s === 0) {
    W.hi = hi | 0;
    W.lo = lo >>> 0;
  } else if (s < 32) {
    W.hi = (hi << s) | (lo >>> (32 - s));
    W.lo = (lo << s) >>> 0;
  } else {
    W.hi = lo << (s - 32);
    W.lo = 0;
  }
}

/** The low `bits` bits (0..64) of the value, into W. */
export function lowBits(hi: number, lo: number, bits: number): void {
  if (bits >= 64) {
    W.hi = hi | 0;
    W.lo = lo >>> 0;
  } else if (bits > 32) {
    W.hi = hi & ((1 << (bits - 32)) - 1);
    W.lo = lo >>> 0;
  } else if (bits === 32) {
    W.hi = 0;
    W.lo = lo >>> 0;
  } else {
    W.hi = 0;
    W.lo = (lo & ((1 << bits) - 1)) >>> 0;
  }
}

/** A Map key for a 64-bit value: a number when exact (|hi| < 2^21), else a string. */
export function keyOf(hi: number, lo: number): number | string {
  return hi >= -0x200000 && hi < 0x200000 ? hi * 4294967296 + (lo >>> 0) : `${hi}:${lo >>> 0}`;
}

/** The words of an integer-valued double with |x| <= 2^53, into W. */
export function fromNumber(x: number): void {
  const hi = Math.floor(x / 4294967296);
  W.hi = hi | 0;
  W.lo = (x - hi * 4294967296) >>> 0;
}

/** The value as a double (exact when |value| <= 2^53). */
export function toNumber(hi: number, lo: number): number {
  return hi * 4294967296 + (lo >>> 0);
}

/** For messages and cold paths. */
export function toBigInt(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/**
 * floor(value / d) for a signed value and 0 < d < 2^30, into W: long division
 * with 16-bit limbs keeps every intermediate below 2^46, exact in a double.
 * Negative values use floor(v / d) = -floor((-v - 1) / d) - 1, so -2^63 is fine.
 */
export function floorDivSmall(hi: number, lo: number, d: number): void {
  const negative = hi < 0;
  let h = hi >>> 0;
  let l = lo >>> 0;
  if (negative) {
    h = ~h >>> 0;
    l = ~l >>> 0;
  }
  const limbs = [h >>> 16, h & 0xffff, l >>> 16, l & 0xffff];
  let r = 0;
  for (let i = 0; i < 4; i++) {
    const cur = r * 65536 + limbs[i];
    const q = Math.floor(cur / d);
    r = cur - q * d;
    limbs[i] = q;
  }
  let qh = ((limbs[0] << 16) | limbs[1]) >>> 0;
  let ql = ((limbs[2] << 16) | limbs[3]) >>> 0;
  if (negative) {
    // -q - 1 is ~q in two's complement.
    qh = ~qh >>> 0;
    ql = ~ql >>> 0;
  }
  W.hi = qh | 0;
  W.lo = ql;
}

/** value * m for 0 <= m < 2^30, wrapping, into W. */
export function mulSmall(hi: number, lo: number, m: number): void {
  const l0 = (lo & 0xffff) * m;
  const l1 = (lo >>> 16) * m + Math.floor(l0 / 65536);
  const h0 = (hi & 0xffff) * m + Math.floor(l1 / 65536);
  const h1 = ((hi >>> 16) * m + Math.floor(h0 / 65536)) % 65536;
  W.lo = ((l1 % 65536) * 65536 + (l0 % 65536)) >>> 0;
  W.hi = (h1 * 65536 + (h0 % 65536)) | 0;
}

// Unsigned 64-bit arithmetic on pairs of 32-bit limbs (hi, lo), so the hash hot
// paths run without BigInt. A function returns the low limb of its result and
// leaves the high limb in `r.hi`; callers copy it out straight away.
//
// Every product is built from 16-bit pieces, whose partial sums stay below 2^53,
// so each step is exact in a double.

/** The high limb of the last result. */
export const r = { hi: 0 };

const TWO32 = 4294967296;

/** a * b for 32-bit a, b: returns the low 32 bits; r.hi = the high 32 bits. */
export function mul32x32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33
  const lo = a0 * b0 + (mid & 0xffff) * 65536; // < 2^33
  r.hi = (a1 * b1 + Math.floor(mid / 65536) + Math.floor(lo / TWO32)) >>> 0;
  return lo >>> 0;
}

/** (aHi,aLo) * (bHi,bLo) mod 2^64. */
export function mul64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const lo = mul32x32(aLo, bLo);
  r.hi = (r.hi + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) >>> 0;
  return lo;
}

/** (aHi,aLo) + (bHi,bLo) mod 2^64. */
export function add64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const lo = aLo + bLo;
  r.hi = (aHi + bHi + (lo >= TWO32 ? 1 : 0)) >>> 0;
  return lo >>> 0;
}

/** (aHi,aLo) - (bHi,bLo) mod 2^64. */
export function sub64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const lo = aLo - bLo;
  r.hi = (aHi - bHi - (lo < 0 ? 1 : 0)) >>> 0;
  return lo >>> 0;
}

/** Rotate left by n, 0 < n < 64. */
export function rotl64(hi: number, lo: number, n: number): number {
  if (n === 32) {
    r.hi = lo;
    return hi;
  }
  if (n > 32) {
    const t = hi;
    hi = lo;
    lo = t;
    n -= 32;
  }
  r.hi = ((hi << n) | (lo >>> (32 - n))) >>> 0;
  return ((lo << n) | (hi >>> (32 - n))) >>> 0;
}

/** Logical shift right by n, 0 < n < 64. */
export function shr64(hi: number, lo: number, n: number): number {
  if (n >= 32) {
    r.hi = 0;
    return n === 32 ? hi : hi >>> (n - 32);
  }
  r.hi = hi >>> n;
  return ((lo >>> n) | (hi << (32 - n))) >>> 0;
}

/**
 * The 128-bit product of two 64-bit values, folded: low 64 bits XOR high 64 bits
 * (XXH3's mul128_fold64).
 */
export function mul128fold64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const p0l = mul32x32(aLo, bLo);
  const p0h = r.hi;
  const p1l = mul32x32(aLo, bHi);
  const p1h = r.hi;
  const p2l = mul32x32(aHi, bLo);
  const p2h = r.hi;
  const p3l = mul32x32(aHi, bHi);
  const p3h = r.hi;
  const t = p0h + p1l + p2l; // < 3 * 2^32
  const w1 = t >>> 0;
  const u = p1h + p2h + p3l + Math.floor(t / TWO32);
  const w2 = u >>> 0;
  const w3 = (p3h + Math.floor(u / TWO32)) >>> 0;
  r.hi = (w1 ^ w3) >>> 0;
  return (p0l ^ w2) >>> 0;
}

/** Little-endian 32-bit read. */
export function readLE32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** Byte swap of a 32-bit value. */
export function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

export function toBigInt(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function hiOf(v: bigint): number {
  return Number(BigInt.asUintN(64, v) >> 32n);
}

export function loOf(v: bigint): number {
  return Number(BigInt.asUintN(64, v) & 0xffffffffn);
}

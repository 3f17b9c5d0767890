/**
 * 64-bit hashes for the sketches (HyperLogLog++, space-saving slots, the unique
 * check), computed in 32-bit integer arithmetic so the hot paths never touch
 * BigInt or floating-point multiplies.
 *
 * A hash is two MurmurHash3 (x86, 32-bit) lanes over the same bytes with
 * different seeds: out[0] (the high word, seed 0x9747b28c) and out[1] (the low
 * word, seed 0x5bd1e995). Numbers hash by value as the 8 bytes of their float64
 * (so 5 and 5.0 hash alike; -0 hashes as 0; NaN is never hashed, callers count
 * it apart). Strings hash as their UTF-8 bytes.
 */
const SEED_HI = 0x9747b28c;
const SEED_LO = 0x5bd1e995;
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 of the 8 bytes (lo, hi little-endian), both lanes, into out. */
export function hashWords(hi: number, lo: number, out: Uint32Array): void {
  let k1 = Math.imul(lo, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  k1 = Math.imul(k1, C2);
  let k2 = Math.imul(hi, C1);
  k2 = (k2 << 15) | (k2 >>> 17);
  k2 = Math.imul(k2, C2);

  let a = SEED_HI ^ k1;
  a = (a << 13) | (a >>> 19);
  a = (Math.imul(a, 5) + 0xe6546b64) | 0;
  a ^= k2;
  a = (a << 13) | (a >>> 19);
  a = (Math.imul(a, 5) + 0xe6546b64) | 0;

  let b = SEED_LO ^ k1;
  b = (b << 13) | (b >>> 19);
  b = (Math.imul(b, 5) + 0xe6546b64) | 0;
  b ^= k2;
  b = (b << 13) | (b >>> 19);
  b = (Math.imul(b, 5) + 0xe6546b64) | 0;

  out[0] = fmix32(a ^ 8);
  out[1] = fmix32(b ^ 8);
}

/** Hash of a number by value (see above). */
export function hashNumber(v: number, out: Uint32Array): void {
  f64[0] = v === 0 ? 0 : v;
  hashWords(u32[1], u32[0], out);
}

/** The 64 bits of a float64 value as out[0] = high word, out[1] = low word (-0 as 0). */
export function numberBits(v: number, out: Uint32Array): void {
  f64[0] = v === 0 ? 0 : v;
  out[0] = u32[1];
  out[1] = u32[0];
}

/** The float64 whose bits are (hi, lo). */
export function bitsToNumber(hi: number, lo: number): number {
  u32[1] = hi;
  u32[0] = lo;
  return f64[0];
}

/** MurmurHash3 of bytes[start, end), both lanes, into out. */
export function hashBytes(bytes: Uint8Array, start: number, end: number, out: Uint32Array): void {
  let a = SEED_HI;
  let b = SEED_LO;
  let i = start;
  const last4 = end - 3;
  for (; i < last4; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b ^= k;
    b = (b << 13) | (b >>> 19);
    b = (Math.imul(b, 5) + 0xe6546b64) | 0;
  }
  const rest = end - i;
  if (rest > 0) {
    let k = bytes[i];
    if (rest > 1) k ^= bytes[i + 1] << 8;
    if (rest > 2) k ^= bytes[i + 2] << 16;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    a ^= k;
    b ^= k;
  }
  const len = end - start;
  out[0] = fmix32(a ^ len);
  out[1] = fmix32(b ^ len);
}

const encoder = new TextEncoder();

/** Hash of a string's UTF-8 bytes (the same as hashBytes over them). */
export function hashString(s: string, out: Uint32Array): void {
  const bytes = encoder.encode(s);
  hashBytes(bytes, 0, bytes.length, out);
}

// SipHash-2-4 (Aumasson and Bernstein), 128-bit key, 64-bit result, on 32-bit limbs.
import { readLE32, r } from './u64.js';

// v0..v3 as (hi, lo) pairs: s[0]=v0.hi, s[1]=v0.lo, s[2]=v1.hi, ...
const s = new Uint32Array(8);

function add(d: number, a: number): void {
  const lo = s[d + 1] + s[a + 1];
  s[d] = s[d] + s[a] + (lo >= 4294967296 ? 1 : 0);
  s[d + 1] = lo;
}

function rotl(d: number, n: number): void {
  let hi = s[d];
  let lo = s[d + 1];
  if (n === 32) {
    s[d] = lo;
    s[d + 1] = hi;
    return;
  }
  if (n > 32) {
    const t = hi;
    hi = lo;
    lo = t;
    n -= 32;
  }
  s[d] = (hi << n) | (lo >>> (32 - n));
  s[d + 1] = (lo << n) | (hi >>> (32 - n));
}

function xor(d: number, a: number): void {
  s[d] ^= s[a];
  s[d + 1] ^= s[a + 1];
}

const V0 = 0, V1 = 2, V2 = 4, V3 = 6;

function sipRound(): void {
  add(V0, V1); rotl(V1, 13); xor(V1, V0); rotl(V0, 32);
  add(V2, V3); rotl(V3, 16); xor(V3, V2);
  add(V0, V3); rotl(V3, 21); xor(V3, V0);
  add(V2, V1); rotl(V1, 17); xor(V1, V2); rotl(V2, 32);
}

function compress(mHi: number, mLo: number): void {
  s[V3] ^= mHi;
  s[V3 + 1] ^= mLo;
  sipRound();
  sipRound();
  s[V0] ^= mHi;
  s[V0 + 1] ^= mLo;
}

/**
 * SipHash-2-4 of b[off, off+len) under the key (k0, k1), each as (hi, lo) limbs;
 * returns the low limb, r.hi = the high limb.
 */
export function siphash24Limbs(b: Uint8Array, off: number, len: number, k0H: number, k0L: number, k1H: number, k1L: number): number {
  s[0] = k0H ^ 0x736f6d65; s[1] = k0L ^ 0x70736575;
  s[2] = k1H ^ 0x646f7261; s[3] = k1L ^ 0x6e646f6d;
  s[4] = k0H ^ 0x6c796765; s[5] = k0L ^ 0x6e657261;
  s[6] = k1H ^ 0x74656462; s[7] = k1L ^ 0x79746573;
  const end = off + len;
  const blocksEnd = off + (len & ~7);
  let p = off;
  for (; p < blocksEnd; p += 8) compress(readLE32(b, p + 4), readLE32(b, p));
  // The last block: the remaining bytes, little-endian, with len mod 256 in the top byte.
  let lo = 0;
  let hi = (len & 0xff) << 24;
  const left = end - p;
  for (let i = 0; i < left; i++) {
    if (i < 4) lo |= b[p + i] << (8 * i);
    else hi |= b[p + i] << (8 * (i - 4));
  }
  compress(hi >>> 0, lo >>> 0);
  s[V2 + 1] ^= 0xff;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  r.hi = (s[0] ^ s[2] ^ s[4] ^ s[6]) >>> 0;
  return (s[1] ^ s[3] ^ s[5] ^ s[7]) >>> 0;
}

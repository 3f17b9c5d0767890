// XXH64 (xxHash's 64-bit hash, specification v0.1.1), on 32-bit limbs.
import { add64, mul64, r, readLE32, rotl64, shr64, sub64 } from './u64.js';

// PRIME64_1..5 as (hi, lo).
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

// round(acc, lane) = rotl(acc + lane * P2, 31) * P1
function round(accH: number, accL: number, laneH: number, laneL: number): number {
  let l = mul64(laneH, laneL, P2H, P2L);
  let h = r.hi;
  l = add64(accH, accL, h, l);
  h = r.hi;
  l = rotl64(h, l, 31);
  h = r.hi;
  return mul64(h, l, P1H, P1L);
}

// mergeRound(acc, v) = (acc ^ round(0, v)) * P1 + P4
function mergeRound(accH: number, accL: number, vH: number, vL: number): number {
  let l = round(0, 0, vH, vL);
  let h = r.hi;
  l = mul64((accH ^ h) >>> 0, (accL ^ l) >>> 0, P1H, P1L);
  h = r.hi;
  return add64(h, l, P4H, P4L);
}

/** XXH64's final mix. */
export function xxh64Avalanche(h: number, l: number): number {
  let sl = shr64(h, l, 33);
  l = (l ^ sl) >>> 0;
  h = (h ^ r.hi) >>> 0;
  l = mul64(h, l, P2H, P2L);
  h = r.hi;
  sl = shr64(h, l, 29);
  l = (l ^ sl) >>> 0;
  h = (h ^ r.hi) >>> 0;
  l = mul64(h, l, P3H, P3L);
  h = r.hi;
  r.hi = h;
  return (l ^ h) >>> 0; // h >> 32 is (0, h)
}

/** XXH64 of b[off, off+len) with a 64-bit seed: returns the low limb, r.hi = the high limb. */
export function xxh64Limbs(b: Uint8Array, off: number, len: number, seedH: number, seedL: number): number {
  const end = off + len;
  let p = off;
  let h: number;
  let l: number;
  if (len >= 32) {
    let v1l = add64(seedH, seedL, P1H, P1L);
    let v1h = r.hi;
    v1l = add64(v1h, v1l, P2H, P2L);
    v1h = r.hi;
    let v2l = add64(seedH, seedL, P2H, P2L);
    let v2h = r.hi;
    let v3h = seedH;
    let v3l = seedL;
    let v4l = sub64(seedH, seedL, P1H, P1L);
    let v4h = r.hi;
    const limit = end - 32;
    do {
      v1l = round(v1h, v1l, readLE32(b, p + 4), readLE32(b, p));
      v1h = r.hi;
      v2l = round(v2h, v2l, readLE32(b, p + 12), readLE32(b, p + 8));
      v2h = r.hi;
      v3l = round(v3h, v3l, readLE32(b, p + 20), readLE32(b, p + 16));
      v3h = r.hi;
      v4l = round(v4h, v4l, readLE32(b, p + 28), readLE32(b, p + 24));
      v4h = r.hi;
      p += 32;
    } while (p <= limit);
    l = rotl64(v1h, v1l, 1);
    h = r.hi;
    let tl = rotl64(v2h, v2l, 7);
    l = add64(h, l, r.hi, tl);
    h = r.hi;
    tl = rotl64(v3h, v3l, 12);
    l = add64(h, l, r.hi, tl);
    h = r.hi;
    tl = rotl64(v4h, v4l, 18);
    l = add64(h, l, r.hi, tl);
    h = r.hi;
    l = mergeRound(h, l, v1h, v1l);
    h = r.hi;
    l = mergeRound(h, l, v2h, v2l);
    h = r.hi;
    l = mergeRound(h, l, v3h, v3l);
    h = r.hi;
    l = mergeRound(h, l, v4h, v4l);
    h = r.hi;
  } else {
    l = add64(seedH, seedL, P5H, P5L);
    h = r.hi;
  }
  l = add64(h, l, 0, len);
  h = r.hi;
  while (p + 8 <= end) {
    const kl = round(0, 0, readLE32(b, p + 4), readLE32(b, p));
    const kh = r.hi;
    l = rotl64((h ^ kh) >>> 0, (l ^ kl) >>> 0, 27);
    h = r.hi;
    l = mul64(h, l, P1H, P1L);
    h = r.hi;
    l = add64(h, l, P4H, P4L);
    h = r.hi;
    p += 8;
  }
  if (p + 4 <= end) {
    const kl = mul64(0, readLE32(b, p), P1H, P1L);
    const kh = r.hi;
    l = rotl64((h ^ kh) >>> 0, (l ^ kl) >>> 0, 23);
    h = r.hi;
    l = mul64(h, l, P2H, P2L);
    h = r.hi;
    l = add64(h, l, P3H, P3L);
    h = r.hi;
    p += 4;
  }
  while (p < end) {
    const kl = mul64(0, b[p], P5H, P5L);
    const kh = r.hi;
    l = rotl64((h ^ kh) >>> 0, (l ^ kl) >>> 0, 11);
    h = r.hi;
    l = mul64(h, l, P1H, P1L);
    h = r.hi;
    p++;
  }
  return xxh64Avalanche(h, l);
}

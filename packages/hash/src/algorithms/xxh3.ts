// XXH3_64bits_withSeed (xxHash 0.8), on 32-bit limbs: the default 192-byte
// secret, a secret derived from the seed for inputs over 240 bytes, and one code
// path per length class (0, 1-3, 4-8, 9-16, 17-128, 129-240, longer).
import { add64, mul128fold64, mul32x32, mul64, r, readLE32, rotl64, shr64, sub64, swap32 } from './u64.js';
import { xxh64Avalanche } from './xxh64.js';

/** XXH3's default secret (kSecret), 192 bytes. */
export const XXH3_SECRET = Uint8Array.from([
  0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
  0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
  0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
  0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
  0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
  0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
  0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
  0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
  0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
  0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
  0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
  0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
]);

const SECRET_SIZE = 192;
const SECRET_SIZE_MIN = 136;
const MIDSIZE_START_OFFSET = 3;
const MIDSIZE_LAST_OFFSET = 17;
const STRIPE_LEN = 64;
const SECRET_CONSUME_RATE = 8;
const SECRET_LASTACC_START = 7;
const SECRET_MERGEACCS_START = 11;
const STRIPES_PER_BLOCK = (SECRET_SIZE - STRIPE_LEN) / SECRET_CONSUME_RATE; // 16
const BLOCK_LEN = STRIPE_LEN * STRIPES_PER_BLOCK; // 1024

const PRIME32_1 = 0x9e3779b1;
const PRIME32_2 = 0x85ebca77;
const PRIME32_3 = 0xc2b2ae3d;
const P64_1H = 0x9e3779b1, P64_1L = 0x85ebca87;
const P64_2H = 0xc2b2ae3d, P64_2L = 0x27d4eb4f;
const P64_3H = 0x165667b1, P64_3L = 0x9e3779f9;
const P64_4H = 0x85ebca77, P64_4L = 0xc2b2ae63;
const P64_5H = 0x27d4eb2f, P64_5L = 0x165667c5;
const MX1H = 0x16566791, MX1L = 0x9e3779f9;
const MX2H = 0x9fb21c65, MX2L = 0x1e98df25;

function avalanche(h: number, l: number): number {
  const sl = shr64(h, l, 37);
  l = mul64((h ^ r.hi) >>> 0, (l ^ sl) >>> 0, MX1H, MX1L);
  h = r.hi;
  r.hi = h;
  return (l ^ h) >>> 0;
}

function rrmxmx(h: number, l: number, len: number): number {
  let al = rotl64(h, l, 49);
  let ah = r.hi;
  const bl = rotl64(h, l, 24);
  h = (h ^ ah ^ r.hi) >>> 0;
  l = (l ^ al ^ bl) >>> 0;
  l = mul64(h, l, MX2H, MX2L);
  h = r.hi;
  al = shr64(h, l, 35);
  ah = r.hi;
  al = add64(ah, al, 0, len);
  h = (h ^ r.hi) >>> 0;
  l = (l ^ al) >>> 0;
  l = mul64(h, l, MX2H, MX2L);
  h = r.hi;
  al = shr64(h, l, 28);
  r.hi = (h ^ r.hi) >>> 0;
  return (l ^ al) >>> 0;
}

// mul128_fold64(in[0..8) ^ (secret[0..8) + seed), in[8..16) ^ (secret[8..16) - seed))
function mix16B(b: Uint8Array, p: number, s: Uint8Array, so: number, seedH: number, seedL: number): number {
  const kl = add64(readLE32(s, so + 4), readLE32(s, so), seedH, seedL);
  const kh = r.hi;
  const jl = sub64(readLE32(s, so + 12), readLE32(s, so + 8), seedH, seedL);
  const jh = r.hi;
  return mul128fold64(
    (readLE32(b, p + 4) ^ kh) >>> 0,
    (readLE32(b, p) ^ kl) >>> 0,
    (readLE32(b, p + 12) ^ jh) >>> 0,
    (readLE32(b, p + 8) ^ jl) >>> 0,
  );
}

function len1to3(b: Uint8Array, p: number, len: number, seedH: number, seedL: number): number {
  const c1 = b[p];
  const c2 = b[p + (len >> 1)];
  const c3 = b[p + len - 1];
  const combined = ((c1 << 16) | (c2 << 24) | c3 | (len << 8)) >>> 0;
  const fl = add64(0, (readLE32(XXH3_SECRET, 0) ^ readLE32(XXH3_SECRET, 4)) >>> 0, seedH, seedL);
  return xxh64Avalanche(r.hi, (fl ^ combined) >>> 0);
}

function len4to8(b: Uint8Array, p: number, len: number, seedH: number, seedL: number): number {
  seedH = (seedH ^ swap32(seedL)) >>> 0;
  const in1 = readLE32(b, p);
  const in2 = readLE32(b, p + len - 4);
  const s = XXH3_SECRET;
  const fl = sub64((readLE32(s, 12) ^ readLE32(s, 20)) >>> 0, (readLE32(s, 8) ^ readLE32(s, 16)) >>> 0, seedH, seedL);
  return rrmxmx((in1 ^ r.hi) >>> 0, (in2 ^ fl) >>> 0, len);
}

function len9to16(b: Uint8Array, p: number, len: number, seedH: number, seedL: number): number {
  const s = XXH3_SECRET;
  const f1l = add64((readLE32(s, 28) ^ readLE32(s, 36)) >>> 0, (readLE32(s, 24) ^ readLE32(s, 32)) >>> 0, seedH, seedL);
  const f1h = r.hi;
  const f2l = sub64((readLE32(s, 44) ^ readLE32(s, 52)) >>> 0, (readLE32(s, 40) ^ readLE32(s, 48)) >>> 0, seedH, seedL);
  const f2h = r.hi;
  const loL = (readLE32(b, p) ^ f1l) >>> 0;
  const loH = (readLE32(b, p + 4) ^ f1h) >>> 0;
  const hiL = (readLE32(b, p + len - 8) ^ f2l) >>> 0;
  const hiH = (readLE32(b, p + len - 4) ^ f2h) >>> 0;
  // len + swap64(lo) + hi + mul128_fold64(lo, hi)
  let al = add64(swap32(loL), swap32(loH), 0, len);
  let ah = r.hi;
  al = add64(ah, al, hiH, hiL);
  ah = r.hi;
  const ml = mul128fold64(loH, loL, hiH, hiL);
  al = add64(ah, al, r.hi, ml);
  return avalanche(r.hi, al);
}

function len17to128(b: Uint8Array, p: number, len: number, seedH: number, seedL: number): number {
  const s = XXH3_SECRET;
  let al = mul64(0, len, P64_1H, P64_1L);
  let ah = r.hi;
  const add = (inOff: number, secOff: number) => {
    const ml = mix16B(b, inOff, s, secOff, seedH, seedL);
    al = add64(ah, al, r.hi, ml);
    ah = r.hi;
  };
  if (len > 32) {
    if (len > 64) {
      if (len > 96) {
        add(p + 48, 96);
        add(p + len - 64, 112);
      }
      add(p + 32, 64);
      add(p + len - 48, 80);
    }
    add(p + 16, 32);
    add(p + len - 32, 48);
  }
  add(p, 0);
  add(p + len - 16, 16);
  return avalanche(ah, al);
}

function len129to240(b: Uint8Array, p: number, len: number, seedH: number, seedL: number): number {
  const s = XXH3_SECRET;
  let al = mul64(0, len, P64_1H, P64_1L);
  let ah = r.hi;
  for (let i = 0; i < 8; i++) {
    const ml = mix16B(b, p + 16 * i, s, 16 * i, seedH, seedL);
    al = add64(ah, al, r.hi, ml);
    ah = r.hi;
  }
  al = avalanche(ah, al);
  ah = r.hi;
  const rounds = len >> 4;
  for (let i = 8; i < rounds; i++) {
    const ml = mix16B(b, p + 16 * i, s, 16 * (i - 8) + MIDSIZE_START_OFFSET, seedH, seedL);
    al = add64(ah, al, r.hi, ml);
    ah = r.hi;
  }
  const ml = mix16B(b, p + len - 16, s, SECRET_SIZE_MIN - MIDSIZE_LAST_OFFSET, seedH, seedL);
  al = add64(ah, al, r.hi, ml);
  return avalanche(r.hi, al);
}

// The long path's eight accumulators, as limbs.
const accH = new Uint32Array(8);
const accL = new Uint32Array(8);
const customSecret = new Uint8Array(SECRET_SIZE);
let customSeedH = 0;
let customSeedL = 0;
let customReady = false;

function secretFor(seedH: number, seedL: number): Uint8Array {
  if (seedH === 0 && seedL === 0) return XXH3_SECRET;
  if (customReady && customSeedH === seedH && customSeedL === seedL) return customSecret;
  const dv = new DataView(customSecret.buffer);
  for (let i = 0; i < SECRET_SIZE / 16; i++) {
    const o = 16 * i;
    let l = add64(readLE32(XXH3_SECRET, o + 4), readLE32(XXH3_SECRET, o), seedH, seedL);
    dv.setUint32(o, l, true);
    dv.setUint32(o + 4, r.hi, true);
    l = sub64(readLE32(XXH3_SECRET, o + 12), readLE32(XXH3_SECRET, o + 8), seedH, seedL);
    dv.setUint32(o + 8, l, true);
    dv.setUint32(o + 12, r.hi, true);
  }
  customSeedH = seedH;
  customSeedL = seedL;
  customReady = true;
  return customSecret;
}

function accumulate512(b: Uint8Array, p: number, s: Uint8Array, so: number): void {
  for (let i = 0; i < 8; i++) {
    const dvL = readLE32(b, p + 8 * i);
    const dvH = readLE32(b, p + 8 * i + 4);
    const dkL = (dvL ^ readLE32(s, so + 8 * i)) >>> 0;
    const dkH = (dvH ^ readLE32(s, so + 8 * i + 4)) >>> 0;
    const j = i ^ 1;
    let l = add64(accH[j], accL[j], dvH, dvL);
    accH[j] = r.hi;
    accL[j] = l;
    const pl = mul32x32(dkL, dkH);
    l = add64(accH[i], accL[i], r.hi, pl);
    accH[i] = r.hi;
    accL[i] = l;
  }
}

function scramble(s: Uint8Array, so: number): void {
  for (let i = 0; i < 8; i++) {
    let h = accH[i];
    let l = accL[i];
    const sl = shr64(h, l, 47);
    h = (h ^ r.hi ^ readLE32(s, so + 8 * i + 4)) >>> 0;
    l = (l ^ sl ^ readLE32(s, so + 8 * i)) >>> 0;
    accL[i] = mul64(h, l, 0, PRIME32_1);
    accH[i] = r.hi;
  }
}

function hashLong(b: Uint8Array, p: number, len: number, seedH: number, seedL: number): number {
  const s = secretFor(seedH, seedL);
  accH[0] = 0; accL[0] = PRIME32_3;
  accH[1] = P64_1H; accL[1] = P64_1L;
  accH[2] = P64_2H; accL[2] = P64_2L;
  accH[3] = P64_3H; accL[3] = P64_3L;
  accH[4] = P64_4H; accL[4] = P64_4L;
  accH[5] = 0; accL[5] = PRIME32_2;
  accH[6] = P64_5H; accL[6] = P64_5L;
  accH[7] = 0; accL[7] = PRIME32_1;
  const blocks = Math.floor((len - 1) / BLOCK_LEN);
  for (let n = 0; n < blocks; n++) {
    for (let st = 0; st < STRIPES_PER_BLOCK; st++) accumulate512(b, p + n * BLOCK_LEN + st * STRIPE_LEN, s, st * SECRET_CONSUME_RATE);
    scramble(s, SECRET_SIZE - STRIPE_LEN);
  }
  const stripes = Math.floor((len - 1 - BLOCK_LEN * blocks) / STRIPE_LEN);
  for (let st = 0; st < stripes; st++) accumulate512(b, p + blocks * BLOCK_LEN + st * STRIPE_LEN, s, st * SECRET_CONSUME_RATE);
  accumulate512(b, p + len - STRIPE_LEN, s, SECRET_SIZE - STRIPE_LEN - SECRET_LASTACC_START);
  // merge: avalanche(len * P64_1 + sum of mul128_fold64(acc[2i] ^ secret, acc[2i+1] ^ secret))
  let rl = mul64(0, len, P64_1H, P64_1L);
  let rh = r.hi;
  const mo = SECRET_MERGEACCS_START;
  for (let i = 0; i < 4; i++) {
    const ml = mul128fold64(
      (accH[2 * i] ^ readLE32(s, mo + 16 * i + 4)) >>> 0,
      (accL[2 * i] ^ readLE32(s, mo + 16 * i)) >>> 0,
      (accH[2 * i + 1] ^ readLE32(s, mo + 16 * i + 12)) >>> 0,
      (accL[2 * i + 1] ^ readLE32(s, mo + 16 * i + 8)) >>> 0,
    );
    rl = add64(rh, rl, r.hi, ml);
    rh = r.hi;
  }
  return avalanche(rh, rl);
}

/** XXH3_64bits_withSeed of b[off, off+len): returns the low limb, r.hi = the high limb. */
export function xxh3Limbs(b: Uint8Array, off: number, len: number, seedH: number, seedL: number): number {
  if (len <= 16) {
    if (len > 8) return len9to16(b, off, len, seedH, seedL);
    if (len >= 4) return len4to8(b, off, len, seedH, seedL);
    if (len > 0) return len1to3(b, off, len, seedH, seedL);
    const s = XXH3_SECRET;
    return xxh64Avalanche(
      (seedH ^ readLE32(s, 60) ^ readLE32(s, 68)) >>> 0,
      (seedL ^ readLE32(s, 56) ^ readLE32(s, 64)) >>> 0,
    );
  }
  if (len <= 128) return len17to128(b, off, len, seedH, seedL);
  if (len <= 240) return len129to240(b, off, len, seedH, seedL);
  return hashLong(b, off, len, seedH, seedL);
}

// The four algorithms on one byte string each, with BigInt seeds and results:
// for tests, tools and anyone who needs a single value. Columns go through the
// kernels (kernel-js.ts and the native ones), which share the code below.
import { murmur3 } from './murmur3.js';
import { siphash24Limbs } from './siphash.js';
import { hiOf, loOf, r, readLE32, toBigInt } from './u64.js';
import { xxh3Limbs } from './xxh3.js';
import { xxh64Limbs } from './xxh64.js';

export { XXH3_SECRET } from './xxh3.js';

function bytesOf(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? new TextEncoder().encode(input) : input;
}

/** XXH64 with a 64-bit seed. */
export function xxh64(input: Uint8Array | string, seed: bigint = 0n): bigint {
  const b = bytesOf(input);
  const lo = xxh64Limbs(b, 0, b.length, hiOf(seed), loOf(seed));
  return toBigInt(r.hi, lo);
}

/** XXH3_64bits_withSeed. */
export function xxh3(input: Uint8Array | string, seed: bigint = 0n): bigint {
  const b = bytesOf(input);
  const lo = xxh3Limbs(b, 0, b.length, hiOf(seed), loOf(seed));
  return toBigInt(r.hi, lo);
}

/** MurmurHash3_x86_32 with a 32-bit seed (unsigned result). */
export function murmur3_32(input: Uint8Array | string, seed = 0): number {
  const b = bytesOf(input);
  return murmur3(b, 0, b.length, seed >>> 0);
}

/** SipHash-2-4 under a 16-byte key (k0 = bytes 0..7, k1 = bytes 8..15, little-endian). */
export function siphash24(input: Uint8Array | string, key: Uint8Array): bigint {
  if (key.length !== 16) throw new RangeError(`a SipHash key is 16 bytes, got ${key.length}`);
  const b = bytesOf(input);
  const lo = siphash24Limbs(b, 0, b.length, readLE32(key, 4), readLE32(key, 0), readLE32(key, 12), readLE32(key, 8));
  return toBigInt(r.hi, lo);
}

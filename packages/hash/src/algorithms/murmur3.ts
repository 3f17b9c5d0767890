// MurmurHash3_x86_32 (Austin Appleby's SMHasher), 32-bit seed and result.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** MurmurHash3_x86_32 of b[off, off+len) with a 32-bit seed; an unsigned 32-bit result. */
export function murmur3(b: Uint8Array, off: number, len: number, seed: number): number {
  let h = seed | 0;
  const end = off + len;
  const blocksEnd = off + (len & ~3);
  let p = off;
  for (; p < blocksEnd; p += 4) {
    h ^= mixK(b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = end - p;
  if (tail > 0) {
    let k = b[p];
    if (tail > 1) k |= b[p + 1] << 8;
    if (tail > 2) k |= b[p + 2] << 16;
    h ^= mixK(k);
  }
  return fmix32(h ^ len);
}

/** MurmurHash3's 32-bit finaliser (every input bit reaches every output bit); unsigned. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

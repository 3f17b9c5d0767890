/**
 * The Bloom filter of a run file: which users the file holds (no false negatives,
 * about 1% false positives at 10 bits per user and 7 probes). Probe i of a user
 * with hashes (h1, h2) is bit (h1 + i * h2) mod m (Kirsch and Mitzenmacher).
 */
import { hashUser, type UserKey } from './user-key.js';

export const BLOOM_BITS_PER_KEY = 10;
export const BLOOM_PROBES = 7;

export class BloomFilter {
  readonly bits: Uint8Array;
  readonly m: number;
  readonly k: number;

  constructor(bits: Uint8Array, k: number) {
    this.bits = bits;
    this.m = bits.length * 8;
    this.k = k;
  }

  static forKeys(keys: number): BloomFilter {
    const m = Math.max(64, Math.ceil((keys * BLOOM_BITS_PER_KEY) / 64) * 64);
    return new BloomFilter(new Uint8Array(m / 8), BLOOM_PROBES);
  }

  /** Adds a user given its two hashes. */
  addHashes(h1: number, h2: number): void {
    const m = this.m;
    let h = h1 % m;
    const step = h2 % m;
    for (let i = 0; i < this.k; i++) {
      this.bits[h >>> 3] |= 1 << (h & 7);
      h += step;
      if (h >= m) h -= m;
    }
  }

  mayContainHashes(h1: number, h2: number): boolean {
    const m = this.m;
    let h = h1 % m;
    const step = h2 % m;
    for (let i = 0; i < this.k; i++) {
      if ((this.bits[h >>> 3] & (1 << (h & 7))) === 0) return false;
      h += step;
      if (h >= m) h -= m;
    }
    return true;
  }

  private static readonly hashes = new Uint32Array(2);

  mayContain(user: UserKey): boolean {
    const h = BloomFilter.hashes;
    hashUser(user, h);
    return this.mayContainHashes(h[0], h[1]);
  }
}

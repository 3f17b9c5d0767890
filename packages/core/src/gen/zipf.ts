import { AliasTable } from './alias.js';
import type { Xoshiro128 } from './prng.js';

/** Ranks in the head table (256 KiB, which stays in L2 cache): most draws end there. */
const HEAD_RANKS = 16384;

/**
 * Zipf-distributed ids: rank r (0-based) has weight (r + 1)^-exponent, and ranks map
 * to ids 1..n through a shuffle, so the most popular item or most active user is not
 * simply id 1.
 *
 * An alias table picks its column uniformly, so over 100k items nearly every draw
 * would miss the cache. The ranks are therefore split: the top HEAD_RANKS (about
 * 91% of draws for 100k items at exponent 1.1) have their own small table, the tail
 * another; one uniform chooses the table and, rescaled, the column. O(1) per draw,
 * and the tables return ids directly.
 */
export class ZipfSampler {
  readonly size: number;
  private readonly head: AliasTable;
  private readonly tail: AliasTable;
  /** Probability of a head rank, and the factors that rescale u within each part. */
  private readonly headMass: number;
  private readonly headScale: number;
  private readonly tailScale: number;
  /** id of each rank (for tests and reports). */
  private readonly idOfRank: Int32Array;

  constructor(n: number, exponent: number, rng: Xoshiro128) {
    this.size = n;
    const weights = new Float64Array(n);
    let total = 0;
    for (let r = 0; r < n; r++) total += weights[r] = Math.pow(r + 1, -exponent);
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) ids[i] = i + 1;
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    this.idOfRank = ids;
    const headRanks = Math.min(n, HEAD_RANKS);
    let headTotal = 0;
    for (let r = 0; r < headRanks; r++) headTotal += weights[r];
    this.headMass = n > headRanks ? headTotal / total : 1;
    this.headScale = 1 / this.headMass;
    this.tailScale = n > headRanks ? 1 / (1 - this.headMass) : 0;
    this.head = new AliasTable(weights.subarray(0, headRanks), ids.subarray(0, headRanks));
    // With no tail, `tail` is the head again: never drawn (u < headMass = 1 always).
    this.tail = n > headRanks ? new AliasTable(weights.subarray(headRanks), ids.subarray(headRanks)) : this.head;
  }

  /** An id in [1, size] from two uniforms in [0, 1). */
  pick(u: number, coin: number): number {
    const headMass = this.headMass;
    return u < headMass ? this.head.pick(u * this.headScale, coin) : this.tail.pick((u - headMass) * this.tailScale, coin);
  }

  /** The rank (0 = most popular) of an id. */
  rankOf(id: number): number {
    return this.idOfRank.indexOf(id);
  }
}

import type { Xoshiro128 } from './prng.js';

/**
 * Walker's alias method (Vose's construction): after O(n) set-up, a draw from any
 * discrete distribution costs two uniforms and one table read, whatever n.
 *
 * Each column is one 16-byte entry, [keep threshold, value if kept, value of the
 * alias, 0], so a draw touches one cache line and returns the caller's value (an id)
 * without a second lookup. The keep chance is held as a 32-bit threshold: the coin
 * is compared at 2^-32 resolution.
 */
export class AliasTable {
  readonly size: number;
  private readonly table: Uint32Array;

  /** `values[i]` (default i) is what a draw of column i returns; values must fit in 32 bits. */
  constructor(weights: ArrayLike<number>, values?: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('an alias table needs at least one weight');
    this.size = n;
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i];
    const scaled = new Float64Array(n);
    const alias = new Int32Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      alias[i] = i;
      scaled[i] = (weights[i] * n) / total;
      if (scaled[i] < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns];
      const l = large[nl - 1];
      alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) {
        nl--;
        small[ns++] = l;
      }
    }
    // What is left is 1 up to rounding: those columns always keep themselves.
    while (nl > 0) scaled[large[--nl]] = 1;
    while (ns > 0) scaled[small[--ns]] = 1;
    this.table = new Uint32Array(4 * n);
    for (let i = 0; i < n; i++) {
      // A threshold of 2^32 cannot be stored; 2^32 - 1 keeps all but 2^-32 of the time,
      // and such a column's alias is itself, so the draw is the same either way.
      this.table[4 * i] = scaled[i] >= 1 ? 0xffffffff : Math.floor(scaled[i] * 4294967296);
      this.table[4 * i + 1] = values ? values[i] : i;
      this.table[4 * i + 2] = values ? values[alias[i]] : alias[i];
    }
  }

  /** A value (an index unless values were given), with probability proportional to its weight. */
  draw(rng: Xoshiro128): number {
    return this.pick(rng.nextFloat(), rng.nextFloat());
  }

  /** The same draw from two uniforms in [0, 1) the caller already has. */
  pick(column: number, coin: number): number {
    let i = Math.floor(column * this.size);
    if (i >= this.size) i = this.size - 1; // a rescaled uniform may round up to 1
    const at = 4 * i;
    return coin * 4294967296 < this.table[at] ? this.table[at + 1] : this.table[at + 2];
  }
}

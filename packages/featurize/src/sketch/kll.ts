// A KLL quantile sketch (Karnin, Lang and Liberty, "Optimal Quantile
// Approximation in Streams", 2016), after Liberty's reference implementation:
// compactors whose capacities shrink geometrically (factor 2/3) from the top
// level down; a full compactor sorts itself and promotes every other item, at a
// random offset, to the level above, where each item weighs twice as much. Memory
// is about 3k values whatever the stream's length. The coin is a seeded PRNG, so
// the same values in the same order give the same sketch (fit is deterministic).
// Rank error: see docs/featurize-ops.md ("quantile_bucketize").

const C = 2 / 3;

export class KllSketch {
  readonly k: number;
  private readonly levels: number[][] = [];
  private size = 0;
  private maxSize = 0;
  private rng: number;
  private compacted = false;
  /** Values added (weight of the whole sketch). */
  count = 0;

  constructor(k: number, seed = 0x9e3779b9) {
    if (!(Number.isInteger(k) && k >= 8)) throw new RangeError(`KLL k must be an integer >= 8, got ${k}`);
    this.k = k;
    this.rng = seed >>> 0 || 1;
    this.grow();
  }

  private grow(): void {
    this.levels.push([]);
    let total = 0;
    for (let h = 0; h < this.levels.length; h++) total += this.capacity(h);
    this.maxSize = total;
  }

  private capacity(h: number): number {
    const depth = this.levels.length - h - 1;
    return Math.ceil(C ** depth * this.k) + 1;
  }

  /** xorshift32: a fair enough coin, and the same sequence on every run. */
  private coin(): boolean {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return (this.rng & 0x100) !== 0;
  }

  /** Adds a value (the caller leaves NaN out: it has no rank). */
  add(value: number): void {
    this.levels[0].push(value);
    this.size++;
    this.count++;
    if (this.size >= this.maxSize) this.compress();
  }

  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      if (this.levels[h].length < this.capacity(h)) continue;
      if (h + 1 >= this.levels.length) this.grow();
      this.compacted = true;
      const level = this.levels[h];
      level.sort((a, b) => a - b);
      const up = this.levels[h + 1];
      // Promote every other item from the top, starting at a random one of the first two.
      const odd = level.length & 1;
      const start = odd + (this.coin() ? 1 : 0);
      for (let i = start; i < level.length; i += 2) up.push(level[i]);
      // An odd leftover (the smallest) stays at this level.
      this.levels[h] = odd ? [level[0]] : [];
      this.size = this.levels.reduce((s, l) => s + l.length, 0);
      if (this.size < this.maxSize) break;
    }
  }

  /** Items with their weights, sorted by value. */
  private weighted(): { values: Float64Array; weights: Float64Array } {
    const pairs: [number, number][] = [];
    this.levels.forEach((level, h) => {
      for (const v of level) pairs.push([v, 2 ** h]);
    });
    pairs.sort((a, b) => a[0] - b[0]);
    return { values: Float64Array.from(pairs, (p) => p[0]), weights: Float64Array.from(pairs, (p) => p[1]) };
  }

  /**
   * The lower q-quantile: the smallest value whose weighted rank reaches q·n
   * (exactly the ceil(q·n)-th smallest value while nothing has been compacted).
   */
  quantiles(qs: readonly number[]): number[] {
    if (this.count === 0) return qs.map(() => NaN);
    const { values, weights } = this.weighted();
    const total = weights.reduce((s, w) => s + w, 0);
    return qs.map((q) => {
      const target = Math.max(1, Math.ceil(q * total));
      let acc = 0;
      for (let i = 0; i < values.length; i++) {
        acc += weights[i];
        if (acc >= target) return values[i];
      }
      return values[values.length - 1];
    });
  }

  /** True while no value has been compacted away (the quantiles are exact). */
  get exact(): boolean {
    return !this.compacted;
  }

  /** Values held now (memory is about this many doubles). */
  get retained(): number {
    return this.size;
  }
}

/**
 * Count, mean and the sum of squared deviations (M2) of a stream, updated one
 * value at a time with Welford's recurrence and merged with Chan, Golub and
 * LeVeque's pairwise formula. Both are numerically stable (no sum of squares
 * minus square of sums), and a merge gives the moments of the union up to
 * floating-point rounding (a relative difference of about 1e-15, not bit for bit:
 * the order of additions differs).
 */
export class Moments {
  n = 0;
  mean = 0;
  m2 = 0;

  add(x: number): void {
    const n = ++this.n;
    const d = x - this.mean;
    this.mean += d / n;
    this.m2 += d * (x - this.mean);
  }

  /** Adds the moments of another stream (Chan et al.). */
  merge(other: { n: number; mean: number; m2: number }): void {
    if (other.n === 0) return;
    if (this.n === 0) {
      this.n = other.n;
      this.mean = other.mean;
      this.m2 = other.m2;
      return;
    }
    const n = this.n + other.n;
    const d = other.mean - this.mean;
    this.mean += (d * other.n) / n;
    this.m2 += other.m2 + (d * d * this.n * other.n) / n;
    this.n = n;
  }

  /** Sample variance (n - 1 in the denominator); null below two values. */
  get sampleVariance(): number | null {
    return this.n > 1 ? this.m2 / (this.n - 1) : null;
  }

  /** Population variance (n in the denominator, as numpy.std's default); null when empty. */
  get populationVariance(): number | null {
    return this.n > 0 ? this.m2 / this.n : null;
  }
}

/**
 * Welford, min and max over the first `count` values of a compact array (nulls and
 * NaN already left out): one monomorphic loop over a Float64Array so it inlines.
 */
export function addValues(m: Moments, mm: MinMax, values: Float64Array, count: number): void {
  let n = m.n;
  let mean = m.mean;
  let m2 = m.m2;
  let lo = mm.min;
  let hi = mm.max;
  for (let i = 0; i < count; i++) {
    const x = values[i];
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  m.n = n;
  m.mean = mean;
  m.m2 = m2;
  mm.min = lo;
  mm.max = hi;
}

export interface MinMax {
  min: number;
  max: number;
}

import { Xoshiro128 } from '@recdata/core/gen';
import { normalQuantile } from '@recdata/core/stats';

/**
 * Draws for the metrics generator, on core's xoshiro128** (one independent stream
 * per strategy). Uniforms carry 53 bits so the normal's tails are not cut at 32.
 */
export class Draws {
  private readonly rng: Xoshiro128;
  private spare: number | null = null;

  constructor(seed: number, stream: number) {
    this.rng = new Xoshiro128(seed, stream);
  }

  /** A uniform in (0, 1), never 0 or 1. */
  uniform(): number {
    const hi = this.rng.nextU32() >>> 5; // 27 bits
    const lo = this.rng.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }

  /** A standard normal, by the inverse CDF (exact to the quantile's precision). */
  normal(): number {
    return normalQuantile(this.uniform());
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 by the boost u^(1/shape). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Chi-square with k degrees of freedom. */
  chiSquare(k: number): number {
    return 2 * this.gamma(k / 2);
  }

  /** Binomial(n, p) for large n by its normal approximation, rounded and clamped to [0, n]. */
  binomialLarge(n: number, p: number): number {
    const x = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * this.normal());
    return Math.min(n, Math.max(0, x));
  }
}

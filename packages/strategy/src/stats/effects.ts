import { normalQuantile, normalSf, studentTQuantile, studentTSf } from '@recdata/core/stats';

/**
 * Effect estimates from daily aggregates (docs/strategy-stats.md, sections 1-3). An
 * arm is summarised by sufficient statistics over its units: n, Σx, Σx² for a plain
 * mean; for a ratio metric Σx/Σy also Σy, Σy² and Σxy.
 */
export interface ArmTotals {
  n: number;
  sum: number;
  sumSq: number;
  /** Present for ratio metrics: the denominator's Σy, Σy² and the cross term Σxy. */
  denSum?: number;
  denSumSq?: number;
  numDenSum?: number;
}

export function emptyTotals(ratio: boolean): ArmTotals {
  return ratio ? { n: 0, sum: 0, sumSq: 0, denSum: 0, denSumSq: 0, numDenSum: 0 } : { n: 0, sum: 0, sumSq: 0 };
}

export function addTotals(into: ArmTotals, x: ArmTotals): void {
  into.n += x.n;
  into.sum += x.sum;
  into.sumSq += x.sumSq;
  if (into.denSum !== undefined) {
    into.denSum += x.denSum ?? 0;
    into.denSumSq! += x.denSumSq ?? 0;
    into.numDenSum! += x.numDenSum ?? 0;
  }
}

export type Interval = [number, number];

export interface ArmEstimate {
  /** The mean (Σx/n) or the ratio (Σx/Σy). */
  estimate: number;
  /** The variance of that estimate (s²/n, or the delta-method variance of the ratio). */
  variance: number;
  /** Units behind it. */
  n: number;
}

export interface Effect {
  kind: 'mean' | 'ratio';
  treatment: ArmEstimate;
  control: ArmEstimate;
  /** Treatment minus control, in the metric's unit. */
  lift: number;
  liftSe: number;
  /** Degrees of freedom of the interval: Welch-Satterthwaite for means, Infinity (normal) for ratios. */
  df: number;
  ci: Interval;
  /** Two-sided p-value of lift = 0. */
  pValue: number;
  /** treatment/control - 1, by the delta method. */
  relLift: number;
  relSe: number;
  relCi: Interval;
}

/** The sample variance (n - 1 in the denominator), floored at 0 against cancellation. */
function sampleVariance(n: number, sum: number, sumSq: number): number {
  if (n < 2) return NaN;
  return Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
}

/** The sample covariance of x and y from n, Σx, Σy, Σxy. */
function sampleCovariance(n: number, sumX: number, sumY: number, sumXY: number): number {
  if (n < 2) return NaN;
  return (sumXY - (sumX * sumY) / n) / (n - 1);
}

/** An arm's mean or ratio and the variance of that estimate. */
export function armEstimate(t: ArmTotals): ArmEstimate {
  if (t.denSum === undefined) {
    return { estimate: t.sum / t.n, variance: sampleVariance(t.n, t.sum, t.sumSq) / t.n, n: t.n };
  }
  // Ratio R = Σx/Σy = x̄/ȳ. Delta method: Var(R) ≈ (s²x - 2R·sxy + R²·s²y) / (n·ȳ²).
  const r = t.sum / t.denSum;
  const meanY = t.denSum / t.n;
  const vx = sampleVariance(t.n, t.sum, t.sumSq);
  const vy = sampleVariance(t.n, t.denSum, t.denSumSq!);
  const cxy = sampleCovariance(t.n, t.sum, t.denSum, t.numDenSum!);
  const variance = Math.max(0, vx - 2 * r * cxy + r * r * vy) / (t.n * meanY * meanY);
  return { estimate: r, variance, n: t.n };
}

/** The two-sided critical value of Student's t (df) or the normal (df = Infinity). */
export function criticalValue(confidence: number, df: number): number {
  const p = 1 - (1 - confidence) / 2;
  return Number.isFinite(df) ? studentTQuantile(p, df) : normalQuantile(p);
}

/**
 * The effect of the strategy (treatment minus control) with its interval: Welch's
 * unequal-variance t interval for means, a normal interval on the delta-method
 * variance for ratios; the relative lift by the delta method in both cases.
 */
export function estimateEffect(treatment: ArmTotals, control: ArmTotals, confidence: number): Effect {
  const kind = treatment.denSum === undefined ? 'mean' : 'ratio';
  const t = armEstimate(treatment);
  const c = armEstimate(control);
  const lift = t.estimate - c.estimate;
  const liftSe = Math.sqrt(t.variance + c.variance);
  let df = Infinity;
  if (kind === 'mean') {
    // Welch-Satterthwaite: (vt + vc)² / (vt²/(nt-1) + vc²/(nc-1)), with v = s²/n.
    const denom = (t.variance * t.variance) / (t.n - 1) + (c.variance * c.variance) / (c.n - 1);
    df = denom > 0 ? ((t.variance + c.variance) * (t.variance + c.variance)) / denom : Infinity;
  }
  const crit = criticalValue(confidence, df);
  const ci: Interval = [lift - crit * liftSe, lift + crit * liftSe];
  const stat = liftSe > 0 ? Math.abs(lift) / liftSe : lift === 0 ? 0 : Infinity;
  const pValue = Math.min(1, 2 * (Number.isFinite(df) ? studentTSf(stat, df) : normalSf(stat)));
  // Relative lift g = t/c - 1: ∂g/∂t = 1/c, ∂g/∂c = -t/c², arms independent.
  const relLift = t.estimate / c.estimate - 1;
  const relSe = Math.sqrt(t.variance / (c.estimate * c.estimate) + (t.estimate * t.estimate * c.variance) / c.estimate ** 4);
  const z = criticalValue(confidence, Infinity);
  const relCi: Interval = [relLift - z * relSe, relLift + z * relSe];
  return { kind, treatment: t, control: c, lift, liftSe, df, ci, pValue, relLift, relSe, relCi };
}

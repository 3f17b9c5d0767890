/**
 * The drift metrics, each with one exact definition (docs/drift-metrics.md). They
 * take bin counts (binned metrics) or weighted sorted samples (ks, wasserstein),
 * so the same code serves exact data and sketches. Tests compare every one with
 * SciPy.
 */
import { kolmogorovSf } from '../stats/kolmogorov.js';
import { chiSquareSf, normalSf } from '@recdata/core/stats';

export const DRIFT_METHODS = ['psi', 'js_distance', 'js_divergence', 'linf', 'kl', 'ks', 'wasserstein_norm', 'chi2', 'z', 'auto'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];
export type ResolvedMethod = Exclude<DriftMethod, 'auto'>;

/** Methods whose value is a p-value: drift when value < threshold. The others: drift when value >= threshold. */
export const P_VALUE_METHODS: ReadonlySet<ResolvedMethod> = new Set(['ks', 'chi2', 'z']);

export const DEFAULT_THRESHOLDS: Record<ResolvedMethod, number> = {
  psi: 0.1,
  js_distance: 0.1,
  js_divergence: 0.1,
  linf: 0.1,
  kl: 0.1,
  wasserstein_norm: 0.1,
  ks: 0.05,
  chi2: 0.05,
  z: 0.05,
};

export function driftDetected(method: ResolvedMethod, value: number, threshold: number): boolean {
  if (Number.isNaN(value)) return false;
  return P_VALUE_METHODS.has(method) ? value < threshold : value >= threshold;
}

/** Counts to shares (each side separately). */
export function shares(counts: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const out = new Float64Array(counts.length);
  if (total > 0) for (let i = 0; i < counts.length; i++) out[i] = counts[i] / total;
  return out;
}

/**
 * Evidently's empty-bin rule, applied to one side: a zero share becomes
 * min_nonzero / 1e6 when min_nonzero <= 1e-4, else 1e-4 (no renormalisation).
 */
export function fillEmptyBins(s: Float64Array): Float64Array {
  let minNonZero = Infinity;
  for (const x of s) if (x > 0 && x < minNonZero) minNonZero = x;
  const fill = minNonZero <= 1e-4 ? minNonZero / 1e6 : 1e-4;
  return s.map((x) => (x === 0 ? fill : x));
}

/** psi = Σ (cur - ref) ln(cur / ref) on bin shares, both sides filled by the empty-bin rule. */
export function psi(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): number {
  const r = fillEmptyBins(shares(refCounts));
  const c = fillEmptyBins(shares(curCounts));
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += (c[i] - r[i]) * Math.log(c[i] / r[i]);
  return sum;
}

/** x ln(x / y) with SciPy's rel_entr conventions (0 ln 0 = 0). */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** Jensen-Shannon divergence in nats: (KL(p‖m) + KL(q‖m)) / 2, m = (p + q) / 2. */
function jsNats(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): number {
  const p = shares(refCounts);
  const q = shares(curCounts);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    sum += relEntr(p[i], m) + relEntr(q[i], m);
  }
  return Math.max(0, sum / 2);
}

/** SciPy's jensenshannon(ref, cur) with the natural log: the square root of the divergence in nats. */
export function jsDistance(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): number {
  return Math.sqrt(jsNats(refCounts, curCounts));
}

/** The Jensen-Shannon divergence itself, log base 2 (TFDV's convention), in [0, 1]. */
export function jsDivergence(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): number {
  return jsNats(refCounts, curCounts) / Math.LN2;
}

/** L-infinity: max |p - q| over the bins, each side normalised separately. */
export function linf(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): number {
  const p = shares(refCounts);
  const q = shares(curCounts);
  let max = 0;
  for (let i = 0; i < p.length; i++) max = Math.max(max, Math.abs(p[i] - q[i]));
  return max;
}

/**
 * kl = Σ cur ln(cur / ref): the current distribution relative to the reference, in
 * nats; both sides filled by the empty-bin rule and then normalised to sum 1 (as
 * scipy.stats.entropy(cur, ref) does).
 */
export function kl(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): number {
  const r = shares(fillEmptyBins(shares(refCounts)));
  const c = shares(fillEmptyBins(shares(curCounts)));
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += relEntr(c[i], r[i]);
  return sum;
}

/**
 * Pearson's chi-square test of the current counts against expected counts =
 * reference counts × (n_cur / n_ref); bins empty on both sides are left out; the
 * p-value has (bins - 1) degrees of freedom. A bin with current values and no
 * reference values makes the statistic infinite (p = 0), as in SciPy.
 */
export function chi2(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): { statistic: number; pValue: number; df: number } {
  let nRef = 0;
  let nCur = 0;
  for (let i = 0; i < refCounts.length; i++) {
    nRef += refCounts[i];
    nCur += curCounts[i];
  }
  if (nRef === 0 || nCur === 0) return { statistic: NaN, pValue: NaN, df: 0 };
  const k = nCur / nRef;
  let stat = 0;
  let bins = 0;
  for (let i = 0; i < refCounts.length; i++) {
    const e = refCounts[i] * k;
    const o = curCounts[i];
    if (e === 0 && o === 0) continue;
    bins++;
    stat += e === 0 ? Infinity : ((o - e) * (o - e)) / e;
  }
  const df = bins - 1;
  if (df < 1) return { statistic: stat, pValue: 1, df };
  return { statistic: stat, pValue: stat === Infinity ? 0 : chiSquareSf(stat, df), df };
}

/**
 * Evidently's two-proportion z-test for a binary column: the share of the first
 * category (in sorted order) in each sample; p = 2 × P(Z > |z|). One value on both
 * sides, the same one: p = 1.
 */
export function zTest(refCount: number, refTotal: number, curCount: number, curTotal: number): { statistic: number; pValue: number } {
  if (refTotal === 0 || curTotal === 0) return { statistic: NaN, pValue: NaN };
  const p1 = refCount / refTotal;
  const p2 = curCount / curTotal;
  const P = (p1 * refTotal + p2 * curTotal) / (refTotal + curTotal);
  const denominator = Math.sqrt(P * (1 - P) * (1 / refTotal + 1 / curTotal));
  if (denominator === 0) return { statistic: 0, pValue: p1 === p2 ? 1 : 0 };
  const z = (p1 - p2) / denominator;
  return { statistic: z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}

/** Values sorted ascending with inclusive cumulative weights (last = total weight). */
export interface WeightedSample {
  values: Float64Array;
  cumulative: Float64Array;
}

export function exactSample(values: ArrayLike<number>): WeightedSample {
  const sorted = Float64Array.from(values).sort();
  const cumulative = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) cumulative[i] = i + 1;
  return { values: sorted, cumulative };
}

function total(s: WeightedSample): number {
  return s.cumulative.length ? s.cumulative[s.cumulative.length - 1] : 0;
}

/** Walks the union of both samples' values in order, calling f(x, Fa(x), Fb(x)) at each distinct value. */
function walkCdfs(a: WeightedSample, b: WeightedSample, f: (x: number, fa: number, fb: number) => void): void {
  const ta = total(a);
  const tb = total(b);
  let i = 0;
  let j = 0;
  let fa = 0;
  let fb = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = j >= b.values.length || (i < a.values.length && a.values[i] <= b.values[j]) ? a.values[i] : b.values[j];
    while (i < a.values.length && a.values[i] === x) fa = a.cumulative[i++] / ta;
    while (j < b.values.length && b.values[j] === x) fb = b.cumulative[j++] / tb;
    f(x, fa, fb);
  }
}

/**
 * The two-sample Kolmogorov-Smirnov statistic D = sup |F_ref - F_cur| and its
 * two-sided asymptotic p-value as SciPy's ks_2samp(method='asymp') computes it:
 * kstwo.sf(D, round(n_ref n_cur / (n_ref + n_cur))) (round half to even, as numpy).
 * `nRef`/`nCur` are the true counts (a sketch's sample may hold fewer items).
 */
export function ks(ref: WeightedSample, cur: WeightedSample, nRef = total(ref), nCur = total(cur)): { statistic: number; pValue: number } {
  if (nRef === 0 || nCur === 0) return { statistic: NaN, pValue: NaN };
  let d = 0;
  walkCdfs(ref, cur, (_x, fa, fb) => {
    const diff = Math.abs(fa - fb);
    if (diff > d) d = diff;
  });
  const [m, n] = nRef >= nCur ? [nRef, nCur] : [nCur, nRef];
  const en = roundHalfEven((m * n) / (m + n));
  return { statistic: d, pValue: en >= 1 ? kolmogorovSf(en, d) : NaN };
}

/** The 1-Wasserstein distance ∫ |F_ref - F_cur| dx (scipy.stats.wasserstein_distance). */
export function wasserstein(ref: WeightedSample, cur: WeightedSample): number {
  if (total(ref) === 0 || total(cur) === 0) return NaN;
  let sum = 0;
  let prevX = NaN;
  let prevDiff = 0;
  walkCdfs(ref, cur, (x, fa, fb) => {
    if (!Number.isNaN(prevX)) sum += prevDiff * (x - prevX);
    prevX = x;
    prevDiff = Math.abs(fa - fb);
  });
  return sum;
}

/** wasserstein_norm = W1 / max(population std of the reference, 0.001), as Evidently. */
export function wassersteinNorm(ref: WeightedSample, cur: WeightedSample, refPopulationStd: number): number {
  return wasserstein(ref, cur) / Math.max(refPopulationStd, 0.001);
}

export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

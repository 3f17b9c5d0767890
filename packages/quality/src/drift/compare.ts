import { HyperLogLog } from '../sketch/hll.js';
import type { KllSketch } from '../sketch/kll.js';
import type { SpaceSaving } from '../sketch/space-saving.js';
import type { ColumnProfile } from '../profile/column-profile.js';
import { chi2, DEFAULT_THRESHOLDS, jsDistance, jsDivergence, kl, ks, linf, psi, wassersteinNorm, zTest, type ResolvedMethod, type WeightedSample, type DriftMethod } from './metrics.js';

/** Methods computed on bins (numeric: the reference's quantile bins; categorical: the union of categories). */
export const BINNED_METHODS: ReadonlySet<ResolvedMethod> = new Set(['psi', 'js_distance', 'js_divergence', 'linf', 'kl', 'chi2']);
export const NUMERIC_ONLY_METHODS: ReadonlySet<ResolvedMethod> = new Set(['ks', 'wasserstein_norm']);

/**
 * Interior bin edges: the reference's quantiles at 1/bins, ..., (bins-1)/bins,
 * duplicates removed. Bins are right-closed, outer bins open:
 * (-inf, e1], (e1, e2], ..., (e_last, +inf); a value's bin is the number of edges
 * below it (numpy.searchsorted(edges, x, side='left')).
 */
export function quantileEdges(sketch: KllSketch, bins: number): Float64Array {
  const qs = Array.from({ length: bins - 1 }, (_, i) => (i + 1) / bins);
  const raw = sketch.quantiles(qs);
  const out: number[] = [];
  for (const e of raw) if (!Number.isNaN(e) && (out.length === 0 || e > out[out.length - 1])) out.push(e);
  return Float64Array.from(out);
}

export function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bin counts estimated from a sketch: n × (F(e_i) - F(e_{i-1})), F inclusive (exact while the sketch is). */
export function binCountsFromSketch(sketch: KllSketch, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  if (sketch.n === 0) return counts;
  const { values, cumulative } = sketch.sortedView();
  let j = 0;
  let previous = 0;
  for (let b = 0; b < edges.length; b++) {
    while (j < values.length && values[j] <= edges[b]) j++;
    const upTo = j > 0 ? cumulative[j - 1] : 0;
    counts[b] = upTo - previous;
    previous = upTo;
  }
  counts[edges.length] = (cumulative.length ? cumulative[cumulative.length - 1] : 0) - previous;
  return counts;
}

export function sampleOf(sketch: KllSketch): WeightedSample {
  return sketch.sortedView();
}

export interface CategoryBins {
  labels: (string | number)[];
  ref: Float64Array;
  cur: Float64Array;
  /** True when a side's top values were not exact (counts then include an "(other)" bin). */
  approximate: boolean;
}

export const OTHER_LABEL = '(other)';

/** The union of both sides' categories (sorted), with counts; "(other)" holds what inexact summaries did not list. */
export function categoryBins(ref: SpaceSaving, cur: SpaceSaving): CategoryBins {
  const keys = new Map<string, string | number>();
  const refCounts = new Map<string, number>();
  const curCounts = new Map<string, number>();
  for (const [ss, counts] of [
    [ref, refCounts],
    [cur, curCounts],
  ] as const) {
    for (const t of ss.top()) {
      const k = `${typeof t.value}:${t.value}`;
      keys.set(k, t.value);
      counts.set(k, (counts.get(k) ?? 0) + t.count);
    }
  }
  const approximate = !ref.exact || !cur.exact;
  const sorted = [...keys.entries()].sort((a, b) => (typeof a[1] === 'number' && typeof b[1] === 'number' ? a[1] - b[1] : String(a[1]) < String(b[1]) ? -1 : String(a[1]) > String(b[1]) ? 1 : 0));
  const labels: (string | number)[] = sorted.map((e) => e[1]);
  const r = sorted.map(([k]) => refCounts.get(k) ?? 0);
  const c = sorted.map(([k]) => curCounts.get(k) ?? 0);
  if (approximate) {
    const restR = ref.n - r.reduce((a, b) => a + b, 0);
    const restC = cur.n - c.reduce((a, b) => a + b, 0);
    labels.push(OTHER_LABEL);
    r.push(Math.max(0, restR));
    c.push(Math.max(0, restC));
  }
  return { labels, ref: Float64Array.from(r), cur: Float64Array.from(c), approximate };
}

/** Distinct values over both sides (exact when both summaries are; else the HyperLogLog union). */
export function unionDistinct(ref: ColumnProfile, cur: ColumnProfile): number {
  if (ref.top && cur.top && ref.top.exact && cur.top.exact) {
    const keys = new Set<string>();
    for (const ss of [ref.top, cur.top]) for (let s = 0; s < ss.size; s++) keys.add(`${ss.keyHi[s]}:${ss.keyLo[s]}`);
    return keys.size;
  }
  if (ref.hll && cur.hll && ref.hll.p === cur.hll.p) {
    const u = new HyperLogLog(ref.hll.p, ref.hll.registers.slice());
    u.merge(cur.hll);
    return Math.round(u.estimate());
  }
  return Infinity;
}

export interface AutoChoice {
  method: ResolvedMethod;
  /** numeric: on values; categorical: on categories (numeric columns with at most 5 distinct values too). */
  as: 'numeric' | 'categorical';
  threshold: number;
  reason: string;
}

/**
 * Evidently's choice: a reference of at most 1000 values: ks for numeric columns
 * with more than 5 distinct values, else chi2 with more than 2 distinct values, else
 * the z-test; larger references: wasserstein_norm for numeric columns with more
 * than 5 distinct values, else js_distance. Thresholds: 0.05 for the p-values, 0.1
 * for the distances. Distinct values are counted over both sides; reference size
 * is its non-null, non-NaN values.
 */
export function chooseAuto(ref: ColumnProfile, cur: ColumnProfile): AutoChoice {
  const distinct = unionDistinct(ref, cur);
  const numeric = ref.kind === 'numeric' && distinct > 5;
  const nRef = ref.valid;
  if (nRef <= 1000) {
    if (numeric) return { method: 'ks', as: 'numeric', threshold: DEFAULT_THRESHOLDS.ks, reason: `reference of ${nRef} values (<= 1000), numeric with ${distinct} distinct values (> 5)` };
    if (distinct > 2) return { method: 'chi2', as: 'categorical', threshold: DEFAULT_THRESHOLDS.chi2, reason: `reference of ${nRef} values (<= 1000), ${distinct} distinct values (> 2)` };
    return { method: 'z', as: 'categorical', threshold: DEFAULT_THRESHOLDS.z, reason: `reference of ${nRef} values (<= 1000), ${distinct} distinct values (binary)` };
  }
  if (numeric) return { method: 'wasserstein_norm', as: 'numeric', threshold: DEFAULT_THRESHOLDS.wasserstein_norm, reason: `reference of ${nRef} values (> 1000), numeric with ${distinct} distinct values (> 5)` };
  return { method: 'js_distance', as: 'categorical', threshold: DEFAULT_THRESHOLDS.js_distance, reason: `reference of ${nRef} values (> 1000), ${ref.kind === 'numeric' ? `numeric with ${distinct} distinct values (<= 5)` : 'categorical'}` };
}

export interface DriftValue {
  value: number;
  statistic?: number;
  df?: number;
}

/** A binned metric (or chi2's p-value) from bin counts. */
export function binnedMetric(method: ResolvedMethod, ref: ArrayLike<number>, cur: ArrayLike<number>): DriftValue {
  switch (method) {
    case 'psi':
      return { value: psi(ref, cur) };
    case 'js_distance':
      return { value: jsDistance(ref, cur) };
    case 'js_divergence':
      return { value: jsDivergence(ref, cur) };
    case 'linf':
      return { value: linf(ref, cur) };
    case 'kl':
      return { value: kl(ref, cur) };
    case 'chi2': {
      const r = chi2(ref, cur);
      return { value: r.pValue, statistic: r.statistic, df: r.df };
    }
    case 'z': {
      // The first category (sorted) against the rest.
      let nr = 0;
      let nc = 0;
      for (let i = 0; i < ref.length; i++) {
        nr += ref[i];
        nc += cur[i];
      }
      const r = zTest(ref[0] ?? 0, nr, cur[0] ?? 0, nc);
      return { value: r.pValue, statistic: r.statistic };
    }
    default:
      throw new Error(`${method} is not a binned method`);
  }
}

/** ks or wasserstein_norm from the two sides' sketches (exact while both sketches are). */
export function sampleMetric(method: ResolvedMethod, ref: ColumnProfile, cur: ColumnProfile): DriftValue {
  const a = sampleOf(ref.kll!);
  const b = sampleOf(cur.kll!);
  if (method === 'ks') {
    const r = ks(a, b, ref.kll!.n, cur.kll!.n);
    return { value: r.pValue, statistic: r.statistic };
  }
  const pv = ref.moments.populationVariance;
  return { value: wassersteinNorm(a, b, Math.sqrt(pv ?? 0)) };
}

export function isDriftMethod(m: string): m is DriftMethod {
  return ['psi', 'js_distance', 'js_divergence', 'linf', 'kl', 'ks', 'wasserstein_norm', 'chi2', 'z', 'auto'].includes(m);
}

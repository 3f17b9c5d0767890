import type { CheckResult } from '../checks/result.js';
import { binCountsFromSketch, categoryBins, quantileEdges } from '../drift/compare.js';
import { psi } from '../drift/metrics.js';
import type { Profile } from '../profile/profiler.js';

/** A matrix for the HTML report: one row per column, one column per time partition. */
export interface Heatmap {
  title: string;
  metric: string;
  rows: string[];
  cols: string[];
  values: (number | null)[][];
  /** Values at or past this are drawn as alarming (null: a plain scale). */
  threshold: number | null;
  /** True when small values are bad (p-values). */
  lowIsBad: boolean;
  /** Per row, when rows differ (one drift check per row, each by its own method). */
  rowThresholds?: (number | null)[];
  rowLowIsBad?: boolean[];
  note: string;
}

/** Share of null rows per column and partition. */
export function nullRateHeatmap(profile: Profile): Heatmap | null {
  const keys = profile.keys();
  if (keys.length === 0) return null;
  const rows = profile.columns.map((c) => c.name);
  const values = rows.map((_, ci) =>
    keys.map((k) => {
      const p = profile.partitions.get(k)![ci];
      return p.count > 0 ? p.nulls / p.count : null;
    }),
  );
  return { title: `Null rate per column and ${profile.unit === 'none' ? 'input' : profile.unit}`, metric: 'null_rate', rows, cols: keys.map((k) => profile.label(k)), values, threshold: null, lowIsBad: false, note: 'share of rows that are null' };
}

/**
 * Drift per column and partition: each drift check's value per partition (its own
 * method), or, without a reference, each partition against the whole input by psi
 * (10 quantile bins of the whole, or its categories), from the partitions' sketches.
 */
export function driftHeatmap(profile: Profile, driftChecks: CheckResult[], wholeColumns?: ReturnType<Profile['whole']>): Heatmap | null {
  if (profile.unit === 'none') return null;
  const keys = profile.keys();
  if (keys.length === 0) return null;
  const cols = keys.map((k) => profile.label(k));
  const withPartitions = driftChecks.filter((c) => c.detail.per_partition);
  if (withPartitions.length > 0) {
    const methods = new Set(withPartitions.map((c) => c.metric));
    const isP = (m: string) => m === 'ks' || m === 'chi2' || m === 'z';
    const pOnly = [...methods].every(isP);
    return {
      rowThresholds: withPartitions.map((c) => (typeof c.threshold === 'number' ? c.threshold : null)),
      rowLowIsBad: withPartitions.map((c) => isP(c.metric)),
      title: `Drift against the reference per column and ${profile.unit}`,
      metric: methods.size === 1 ? [...methods][0] : 'mixed',
      rows: withPartitions.map((c) => `${c.column} (${c.metric})`),
      cols,
      values: withPartitions.map((c) => cols.map((label) => ((c.detail.per_partition as Record<string, number | null>)[label] ?? null))),
      threshold: methods.size === 1 && typeof withPartitions[0].threshold === 'number' ? (withPartitions[0].threshold as number) : null,
      lowIsBad: pOnly,
      note: 'each row is one drift check, by its own method and threshold',
    };
  }
  const whole = wholeColumns ?? profile.whole();
  const rows: string[] = [];
  const values: (number | null)[][] = [];
  profile.columns.forEach((c, ci) => {
    const w = whole[ci];
    if (c.kind === 'other' || w.valid === 0) return;
    const edges = c.kind === 'numeric' && w.kll ? quantileEdges(w.kll, 10) : null;
    const refCounts = edges ? binCountsFromSketch(w.kll!, edges) : null;
    rows.push(c.name);
    values.push(
      keys.map((k) => {
        const p = profile.partitions.get(k)![ci];
        if (p.valid === 0) return null;
        if (edges && refCounts) return psi(refCounts, binCountsFromSketch(p.kll!, edges));
        if (w.top && p.top) {
          const bins = categoryBins(w.top, p.top);
          return psi(bins.ref, bins.cur);
        }
        return null;
      }),
    );
  });
  if (rows.length === 0) return null;
  return { title: `Drift of each ${profile.unit} against the whole input (psi)`, metric: 'psi', rows, cols, values, threshold: 0.1, lowIsBad: false, note: 'no reference given: each partition compared with the whole input' };
}

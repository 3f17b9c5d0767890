import type { RecordBatch, Schema } from 'apache-arrow';
import { gatherNumbers, rowNumbers } from '../columns/values.js';
import { binCountsFromSketch, binnedMetric, binOf, BINNED_METHODS, categoryBins, chooseAuto, NUMERIC_ONLY_METHODS, quantileEdges, sampleMetric, type DriftValue } from '../drift/compare.js';
import { DEFAULT_THRESHOLDS, driftDetected, P_VALUE_METHODS, shares, type DriftMethod, type ResolvedMethod } from '../drift/metrics.js';
import type { ColumnProfile } from '../profile/column-profile.js';
import type { Profile } from '../profile/profiler.js';
import { coarsenKey, coarserUnit, type PartitionUnit } from '../profile/partition.js';
import { statusFor, type CheckResult } from './result.js';
import { checkUsage, requireCheckColumn, specWhere, type BatchContext, type FinishContext, type Runner } from './runner.js';
import type { CheckSpec } from './spec.js';
import { errors } from '@recdata/core';

export const DEFAULT_BINS = 10;

/** The reference side of drift: a profile (read or made from a stream), and exact bin counts where a second pass made them. */
export interface Reference {
  source: string;
  profile: Profile;
  whole: Map<string, ColumnProfile>;
  /** True when the reference is a data stream in a file that can be read again for exact bin counts. */
  rereadable: boolean;
}

/**
 * A drift check on one column. Explicit binned methods on numeric columns count
 * the current values exactly in the reference's quantile bins during the pass
 * (per time partition too, for the heatmap); the reference's bin counts are exact
 * when the reference is a data file (a second pass over it), else estimated from
 * its sketch. Categorical columns compare category counts (the union of
 * categories); ks and wasserstein_norm compare the two quantile sketches; auto
 * picks as Evidently does, once both sides are known.
 */
export class DriftRunner implements Runner {
  readonly edges: Float64Array | null;
  private readonly method: DriftMethod;
  private readonly bins: number;
  private readonly ref: ColumnProfile;
  private refCounts: Float64Array | null = null;
  private refCountsExact = false;
  private readonly wholeCounts: Float64Array | null;
  private readonly partitionCounts = new Map<number, Float64Array>();
  private values = new Float64Array(0);
  private rowValues = new Float64Array(0);
  private readonly stats = { nulls: 0, nan: 0 };
  readonly add?: (batch: RecordBatch, firstRow: number, ctx: BatchContext) => void;

  constructor(
    readonly spec: CheckSpec,
    private readonly index: number,
    private readonly reference: Reference,
  ) {
    const col = spec.column!;
    const ref = reference.whole.get(col);
    if (!ref) throw errors.usage(`check "${spec.id}" compares column "${col}", which the reference ${reference.source} lacks`, specWhere(spec, 'column'));
    this.ref = ref;
    this.method = spec.method ?? 'auto';
    this.bins = spec.bins ?? DEFAULT_BINS;
    if (ref.kind === 'other') throw checkUsage(spec, `drift needs a numeric or categorical column; "${col}" is ${ref.type}`, 'column');
    if (ref.kind === 'categorical' && this.method !== 'auto' && NUMERIC_ONLY_METHODS.has(this.method as ResolvedMethod)) throw checkUsage(spec, `${this.method} needs a numeric column; "${col}" is ${ref.type}`, 'method');
    const binnedNumeric = ref.kind === 'numeric' && this.method !== 'auto' && (BINNED_METHODS.has(this.method as ResolvedMethod) || this.method === 'z');
    this.edges = binnedNumeric && ref.kll && ref.kll.n > 0 ? quantileEdges(ref.kll, this.bins) : null;
    this.wholeCounts = this.edges ? new Float64Array(this.edges.length + 1) : null;
    if (this.edges) this.add = (batch, _firstRow, ctx) => this.count(batch, ctx);
  }

  /** The current side is a profile, not rows: estimate its bin counts from its sketches too. */
  currentFromSketch = false;

  /** Exact reference bin counts from a second pass over the reference stream. */
  setReferenceCounts(counts: Float64Array): void {
    this.refCounts = counts;
    this.refCountsExact = true;
  }

  private count(batch: RecordBatch, ctx: BatchContext): void {
    const data = batch.data.children[this.index];
    const n = data.length;
    if (this.values.length < n) this.values = new Float64Array(n);
    const edges = this.edges!;
    const whole = this.wholeCounts!;
    const keys = ctx.partitionKeys;
    if (keys !== null) this.remap(ctx.partitionUnit);
    if (keys === null) {
      const m = gatherNumbers(data, null, 0, n, this.values, this.stats);
      for (let i = 0; i < m; i++) whole[binOf(edges, this.values[i])]++;
      return;
    }
    // Per row, to keep the partition of each value (nulls and NaN are not counted).
    if (this.rowValues.length < n) this.rowValues = new Float64Array(n);
    rowNumbers(data, this.rowValues, this.values);
    let lastKey = NaN;
    let part: Float64Array | undefined;
    for (let i = 0; i < n; i++) {
      const x = this.rowValues[i];
      if (x !== x) continue;
      const b = binOf(edges, x);
      whole[b]++;
      const k = keys[i];
      if (k !== lastKey) {
        part = this.partitionCounts.get(k);
        if (!part) this.partitionCounts.set(k, (part = new Float64Array(edges.length + 1)));
        lastKey = k;
      }
      part![b]++;
    }
  }

  finish(ctx: FinishContext): CheckResult[] {
    const s = this.spec;
    const col = s.column!;
    const cur = ctx.whole.get(col)!;
    const ref = this.ref;
    const base = { reference: this.reference.source, reference_values: ref.valid, current_values: cur.valid };
    const skip = (reason: string): CheckResult[] => [
      { id: s.id, kind: s.kind, column: col, metric: this.method, value: null, threshold: s.threshold ?? (this.method === 'auto' ? null : DEFAULT_THRESHOLDS[this.method as ResolvedMethod]), status: 'skip', detail: { ...base, reason }, severity: s.severity },
    ];
    if (ref.valid === 0) return skip('the reference has no values in this column');
    if (cur.valid === 0) return skip(ctx.rows === 0 ? 'the input is empty' : 'the input has no values in this column');

    let method: ResolvedMethod;
    let as: 'numeric' | 'categorical';
    let threshold: number;
    let reason: string | undefined;
    if (this.method === 'auto') {
      const choice = chooseAuto(ref, cur);
      method = choice.method;
      as = choice.as;
      threshold = s.threshold ?? choice.threshold;
      reason = choice.reason;
    } else {
      method = this.method;
      as = ref.kind === 'numeric' ? 'numeric' : 'categorical';
      threshold = s.threshold ?? DEFAULT_THRESHOLDS[method];
    }

    const compute = (curProfile: ColumnProfile, counts: Float64Array | null): { v: DriftValue; detail: Record<string, unknown> } | null => {
      if (curProfile.valid === 0) return null;
      if (as === 'numeric' && this.edges && (counts || this.currentFromSketch)) {
        if (this.currentFromSketch) counts = binCountsFromSketch(curProfile.kll!, this.edges);
        const refCounts = this.referenceCounts();
        return {
          v: binnedMetric(method, refCounts, counts!),
          detail: { bins: 'reference quantiles', edges: Array.from(this.edges), reference_shares: Array.from(shares(refCounts)), current_shares: Array.from(shares(counts!)), reference_bins_exact: this.refCountsExact || ref.kll!.isExact, current_bins_exact: !this.currentFromSketch || curProfile.kll!.isExact },
        };
      }
      if (as === 'numeric') return { v: sampleMetric(method, ref, curProfile), detail: { from: 'quantile sketches', exact: ref.kll!.isExact && curProfile.kll!.isExact } };
      const cat = categoryBins(ref.top!, curProfile.top!);
      const detail: Record<string, unknown> = { bins: 'categories', categories: cat.labels.length, approximate: cat.approximate };
      if (cat.labels.length <= 50) {
        detail.labels = cat.labels;
        detail.reference_shares = Array.from(shares(cat.ref));
        detail.current_shares = Array.from(shares(cat.cur));
      }
      return { v: binnedMetric(method, cat.ref, cat.cur), detail };
    };

    const whole = compute(cur, this.wholeCounts);
    if (!whole) return skip('no values');
    const perPartition: Record<string, number | null> = {};
    const profile = ctx.profile;
    if (profile.unit !== 'none') this.remap(profile.unit);
    if (profile.unit !== 'none') {
      const ci = profile.columns.findIndex((c) => c.name === col);
      for (const key of profile.keys()) {
        const p = profile.partitions.get(key)![ci];
        const r = compute(p, this.edges ? (this.partitionCounts.get(key) ?? new Float64Array(this.edges.length + 1)) : null);
        perPartition[profile.label(key)] = r && Number.isFinite(r.v.value) ? r.v.value : null;
      }
    }
    const detected = driftDetected(method, whole.v.value, threshold);
    const detail: Record<string, unknown> = {
      ...base,
      method,
      ...(reason ? { auto: reason } : {}),
      direction: P_VALUE_METHODS.has(method) ? 'drift when value < threshold (a p-value)' : 'drift when value >= threshold',
      drift_detected: detected,
      ...(whole.v.statistic !== undefined ? { statistic: whole.v.statistic } : {}),
      ...(whole.v.df !== undefined ? { df: whole.v.df } : {}),
      ...whole.detail,
      ...(profile.unit !== 'none' ? { per_partition: perPartition, partition: profile.unit } : {}),
    };
    return [{ id: s.id, kind: s.kind, column: col, metric: method, value: Number.isFinite(whole.v.value) ? whole.v.value : String(whole.v.value), threshold, status: statusFor(detected, s.severity), detail, severity: s.severity }];
  }

  /** Moves the per-partition counts to a coarser unit (the profile coarsened). */
  private remap(unit: PartitionUnit): void {
    while (this.keyUnit !== unit && this.keyUnit !== 'none') {
      const next = coarserUnit(this.keyUnit);
      if (!next) return;
      const merged = new Map<number, Float64Array>();
      for (const [k, c] of this.partitionCounts) {
        const nk = coarsenKey(k, this.keyUnit);
        const t = merged.get(nk);
        if (!t) merged.set(nk, c);
        else for (let i = 0; i < c.length; i++) t[i] += c[i];
      }
      this.partitionCounts.clear();
      for (const [k, c] of merged) this.partitionCounts.set(k, c);
      this.keyUnit = next;
    }
    if (this.keyUnit === 'none') this.keyUnit = unit;
  }

  private keyUnit: PartitionUnit = 'none';

  private referenceCounts(): Float64Array {
    if (!this.refCounts) this.refCounts = binCountsFromSketch(this.ref.kll!, this.edges!);
    return this.refCounts;
  }
}

/** Binds a drift check (exit 2 at the check's line when there is no reference or the column is missing). */
export function bindDriftCheck(spec: CheckSpec, schema: Schema, reference: Reference | null): DriftRunner {
  if (!reference) throw checkUsage(spec, 'drift checks need a reference: add --reference FILE (a profile or a data stream)', 'kind');
  const index = requireCheckColumn(schema, spec, spec.column!);
  return new DriftRunner(spec, index, reference);
}

import { DateDay, Field, Float64, Int64, Schema, Utf8, type RecordBatch } from 'apache-arrow';
import { batchStream, column, makeBatch, type BatchStream } from '@recdata/core';
import { formatDay, type Day } from '../registry/dates.js';
import { Draws } from './random.js';

/**
 * `recdata gen strategy-metrics`: daily aggregates drawn from known true effects, and
 * the truth and registry that go with them (docs/strategy-metrics.md). Per-unit
 * values are normal, so the aggregates can be drawn exactly without drawing every
 * unit: Σx ~ N(nμ, nσ²) and, independently, the scatter Σ(x - x̄)² ~ σ²·χ²(n-1); for a
 * ratio metric the scatter matrix of (y, x) is Wishart(n-1, Σ), drawn by Bartlett's
 * decomposition.
 */

export const TRUE_CLASSES = ['positive', 'null', 'negative', 'decaying', 'broken_srm'] as const;
export type TrueClass = (typeof TRUE_CLASSES)[number];

export interface GenStrategyMetricsOptions {
  strategies: number;
  days: number;
  seed: number;
  start: Day;
  /** Eligible units per strategy per day (before the split), on a weekday-shaped average. */
  units: number;
  batchSize: number;
}

export const GEN_STRATEGY_DEFAULTS = { strategies: 10, days: 90, seed: 1, start: '2026-06-01', units: 12000, batchSize: 65536 } as const;

/** The true relative effect of each class, as a function of the day index (0-based). */
export const TRUE_EFFECTS = {
  positive: () => 0.015,
  null: () => 0,
  negative: () => -0.02,
  /** +4% at launch, halving every 14.6 days (time constant 21 days). */
  decaying: (day: number) => 0.04 * Math.exp(-day / 21),
  broken_srm: () => 0.015,
} as const;

/** The broken strategy's treatment arm loses 4% of its units (a crash in the treatment path). */
export const BROKEN_SRM_LOSS = 0.04;
export const ROLLOUT = 0.5;
export const MARGIN = 0.01;
export const GUARDRAIL_MARGIN = 0.02;

const NAMES: [string, string][] = [
  ['boost_fresh_videos', 'boost'],
  ['rank_by_watch_time', 'rank'],
  ['filter_low_quality', 'filter'],
  ['recall_similar_users', 'recall'],
  ['exp_longer_previews', 'experiment'],
  ['boost_followed_creators', 'boost'],
  ['rank_diversity_mix', 'rank'],
  ['filter_seen_recently', 'filter'],
  ['recall_trending_topics', 'recall'],
  ['exp_autoplay_next', 'experiment'],
  ['boost_local_content', 'boost'],
  ['recall_graph_walk', 'recall'],
];

/** The two metrics: a plain mean (watch minutes per user-day) and a ratio (clicks per impression). */
export const WATCH = { name: 'watch_minutes', mean: 30, sd: 25, valuePerUnit: 0.01 } as const;
export const CTR = { name: 'ctr', impressionsMean: 40, impressionsSd: 15, ctr: 0.05, noiseSd: 1.5, valuePerUnit: 0.1 } as const;

export interface GeneratedStrategy {
  id: string;
  kind: string;
  trueClass: TrueClass;
  primary: 'watch_minutes' | 'ctr';
  guardrail: 'watch_minutes' | 'ctr';
  costPerDay: number;
  valuePerUnit: number;
}

export function plannedStrategies(count: number): GeneratedStrategy[] {
  return Array.from({ length: count }, (_, i) => {
    const [base, kind] = NAMES[i % NAMES.length];
    const round = Math.floor(i / NAMES.length);
    const primary = Math.floor(i / TRUE_CLASSES.length) % 2 === 0 ? 'watch_minutes' : 'ctr';
    return {
      id: round === 0 ? base : `${base}_${round + 1}`,
      kind,
      trueClass: TRUE_CLASSES[i % TRUE_CLASSES.length],
      primary,
      guardrail: primary === 'ctr' ? 'watch_minutes' : 'ctr',
      costPerDay: 5 + (i % 3) * 2,
      valuePerUnit: primary === 'ctr' ? CTR.valuePerUnit : WATCH.valuePerUnit,
    };
  });
}

/** Day-of-week shape of traffic and of the metric's level (same in both arms). */
function weekdayFactor(day: Day): { traffic: number; level: number } {
  const dow = (((day + 4) % 7) + 7) % 7; // 0 = Sunday (1970-01-01 was a Thursday)
  const weekend = dow === 0 || dow === 6;
  return { traffic: weekend ? 1.15 : 0.94, level: weekend ? 1.03 : 0.988 };
}

interface Row {
  strategy: string;
  day: Day;
  arm: 'treatment' | 'control';
  metric: string;
  n: number;
  sum: number;
  sumSq: number;
  den: [number, number, number] | null;
}

function meanAggregate(d: Draws, n: number, mean: number, sd: number): { sum: number; sumSq: number } {
  if (n === 0) return { sum: 0, sumSq: 0 };
  const sum = n * mean + Math.sqrt(n) * sd * d.normal();
  const scatter = n > 1 ? sd * sd * d.chiSquare(n - 1) : 0;
  return { sum, sumSq: scatter + (sum * sum) / n };
}

/** (Σx, Σx², Σy, Σy², Σxy) for x = clicks = ctr·y + e, y = impressions. */
function ratioAggregate(d: Draws, n: number, ctr: number): { sum: number; sumSq: number; den: [number, number, number] } {
  if (n === 0) return { sum: 0, sumSq: 0, den: [0, 0, 0] };
  const vy = CTR.impressionsSd ** 2;
  const cov = ctr * vy;
  const vx = ctr * ctr * vy + CTR.noiseSd ** 2;
  // Cholesky of Σ = [[vy, cov], [cov, vx]].
  const l11 = Math.sqrt(vy);
  const l21 = cov / l11;
  const l22 = Math.sqrt(vx - l21 * l21);
  const z1 = d.normal();
  const z2 = d.normal();
  const sumY = n * CTR.impressionsMean + Math.sqrt(n) * l11 * z1;
  const sumX = n * ctr * CTR.impressionsMean + Math.sqrt(n) * (l21 * z1 + l22 * z2);
  let syy = 0;
  let sxx = 0;
  let sxy = 0;
  if (n > 2) {
    // Bartlett: W = L·T·Tᵀ·Lᵀ, T lower triangular with T11² ~ χ²(n-1), T22² ~ χ²(n-2), T21 ~ N(0,1).
    const t11 = Math.sqrt(d.chiSquare(n - 1));
    const t21 = d.normal();
    const t22 = Math.sqrt(d.chiSquare(n - 2));
    const a11 = l11 * t11;
    const a21 = l21 * t11 + l22 * t21;
    const a22 = l22 * t22;
    syy = a11 * a11;
    sxy = a11 * a21;
    sxx = a21 * a21 + a22 * a22;
  }
  return { sum: sumX, sumSq: sxx + (sumX * sumX) / n, den: [sumY, syy + (sumY * sumY) / n, sxy + (sumX * sumY) / n] };
}

/** One strategy's rows, from its own random stream (so adding strategies moves no existing one). */
function strategyRows(o: GenStrategyMetricsOptions, index: number, s: GeneratedStrategy): Row[] {
  const d = new Draws(o.seed, 1000 + index);
  const rows: Row[] = [];
  const share = s.trueClass === 'broken_srm' ? (ROLLOUT * (1 - BROKEN_SRM_LOSS)) / (ROLLOUT * (1 - BROKEN_SRM_LOSS) + (1 - ROLLOUT)) : ROLLOUT;
  const effectOf = TRUE_EFFECTS[s.trueClass];
  for (let i = 0; i < o.days; i++) {
    const day = o.start + i;
    const w = weekdayFactor(day);
    const total = d.binomialLarge(Math.round(o.units * w.traffic * 2), 0.5);
    const nt = d.binomialLarge(total, share);
    const nc = total - nt;
    const effect = effectOf(i);
    for (const metric of [s.primary, s.guardrail]) {
      const lift = metric === s.primary ? effect : 0;
      for (const [arm, n] of [
        ['treatment', nt],
        ['control', nc],
      ] as const) {
        const up = arm === 'treatment' ? 1 + lift : 1;
        if (metric === 'watch_minutes') {
          const a = meanAggregate(d, n, WATCH.mean * w.level * up, WATCH.sd);
          rows.push({ strategy: s.id, day, arm, metric, n, sum: a.sum, sumSq: a.sumSq, den: null });
        } else {
          const a = ratioAggregate(d, n, CTR.ctr * w.level * up);
          rows.push({ strategy: s.id, day, arm, metric, n, sum: a.sum, sumSq: a.sumSq, den: a.den });
        }
      }
    }
  }
  return rows;
}

export const METRICS_SCHEMA = new Schema([
  new Field('strategy_id', new Utf8(), false),
  new Field('date', new DateDay(), false),
  new Field('arm', new Utf8(), false),
  new Field('metric', new Utf8(), false),
  new Field('n', new Int64(), false),
  new Field('sum', new Float64(), false),
  new Field('sum_sq', new Float64(), false),
  new Field('den_sum', new Float64(), true),
  new Field('den_sum_sq', new Float64(), true),
  new Field('num_den_sum', new Float64(), true),
]);

function toBatch(rows: Row[]): RecordBatch {
  const len = rows.length;
  const date = new Int32Array(len);
  const n = new BigInt64Array(len);
  const sum = new Float64Array(len);
  const sumSq = new Float64Array(len);
  const den = new Float64Array(len);
  const denSq = new Float64Array(len);
  const cross = new Float64Array(len);
  const validity = new Uint8Array((len + 7) >> 3);
  rows.forEach((r, i) => {
    date[i] = r.day;
    n[i] = BigInt(r.n);
    sum[i] = r.sum;
    sumSq[i] = r.sumSq;
    if (r.den) {
      [den[i], denSq[i], cross[i]] = r.den;
      validity[i >> 3] |= 1 << (i & 7);
    }
  });
  return makeBatch(METRICS_SCHEMA, [
    repeatedUtf8(rows.map((r) => r.strategy)),
    column.fixed(new DateDay(), date, len),
    repeatedUtf8(rows.map((r) => r.arm)),
    repeatedUtf8(rows.map((r) => r.metric)),
    column.int64(n),
    column.float64(sum),
    column.float64(sumSq),
    column.float64(den, validity),
    column.float64(denSq, validity),
    column.float64(cross, validity),
  ]);
}

/** A utf8 column of a few distinct strings repeated many times: each is encoded once. */
function repeatedUtf8(values: string[]) {
  const encoder = new TextEncoder();
  const encoded = new Map<string, Uint8Array>();
  const offsets = new Int32Array(values.length + 1);
  const parts: Uint8Array[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let bytes = encoded.get(values[i]);
    if (!bytes) encoded.set(values[i], (bytes = encoder.encode(values[i])));
    parts[i] = bytes;
    offsets[i + 1] = offsets[i] + bytes.length;
  }
  const data = new Uint8Array(offsets[values.length]);
  for (let i = 0; i < values.length; i++) data.set(parts[i], offsets[i]);
  return column.utf8(offsets, data);
}

export interface StrategyTruth {
  id: string;
  class: TrueClass;
  primary_metric: string;
  metric_kind: 'mean' | 'ratio';
  /** What pooling the last 28 days (the default window) estimates: the relative lift of the pooled means or ratios. */
  relative_effect_last_28d: number;
  /** The true daily relative effect, averaged over the last 28 days. */
  mean_daily_effect_last_28d: number;
  /** Per 7-day block from the start: the true relative effect averaged over the block. */
  relative_effect_by_week: number[];
  /** The treatment share of assignment (the registry says 0.5). */
  assignment_share: number;
  guardrail_metric: string;
  guardrail_effect: 0;
  /** True absolute lift (what the pooled estimate targets) and ROI per day over the last 28 days. */
  absolute_lift_last_28d: number;
  roi_per_day_last_28d: number;
  /** What the rules would say with unlimited data (the margin is 1% relative). */
  ideal_decision: 'keep' | 'retire' | 'review';
}

export interface GeneratedStrategyMetrics {
  stream: BatchStream;
  strategies: GeneratedStrategy[];
  truth: StrategyTruth[];
  registryYaml: string;
  /** The last generated day (the natural --as-of). */
  lastDay: Day;
}

export function generateStrategyMetrics(o: GenStrategyMetricsOptions): GeneratedStrategyMetrics {
  const planned = plannedStrategies(o.strategies);
  const perStrategy = planned.map((s, i) => strategyRows(o, i, s));
  // Output order: by day, then strategy (registry order), metric, arm.
  const rows: Row[] = [];
  for (let day = 0; day < o.days; day++) for (const list of perStrategy) for (let k = 0; k < 4; k++) rows.push(list[day * 4 + k]);
  const batches: RecordBatch[] = [];
  for (let i = 0; i < rows.length; i += o.batchSize) batches.push(toBatch(rows.slice(i, i + o.batchSize)));
  const truth = planned.map((s) => truthOf(s, o));
  return { stream: batchStream(METRICS_SCHEMA, batches), strategies: planned, truth, registryYaml: registryYaml(planned, o), lastDay: o.start + o.days - 1 };
}

function truthOf(s: GeneratedStrategy, o: GenStrategyMetricsOptions): StrategyTruth {
  const effectOf = TRUE_EFFECTS[s.trueClass];
  const share = s.trueClass === 'broken_srm' ? (ROLLOUT * (1 - BROKEN_SRM_LOSS)) / (ROLLOUT * (1 - BROKEN_SRM_LOSS) + (1 - ROLLOUT)) : ROLLOUT;
  const base = s.primary === 'ctr' ? CTR.ctr : WATCH.mean;
  // What pooling the last 28 days estimates: each day weighs by its expected units.
  let units = 0;
  let control = 0;
  let treated = 0;
  let effectSum = 0;
  const from = Math.max(0, o.days - 28);
  for (let i = from; i < o.days; i++) {
    const w = weekdayFactor(o.start + i);
    units += w.traffic;
    control += w.traffic * base * w.level;
    treated += w.traffic * base * w.level * (1 + effectOf(i));
    effectSum += effectOf(i);
  }
  const abs = (treated - control) / units;
  const rel = treated / control - 1;
  const weeks: number[] = [];
  for (let w = 0; w * 7 < o.days; w++) {
    let sum = 0;
    let count = 0;
    for (let i = w * 7; i < Math.min(o.days, w * 7 + 7); i++, count++) sum += effectOf(i);
    weeks.push(sum / count);
  }
  const treatedPerDay = (o.units * 2 * units * share) / (o.days - from);
  const perUnitTraffic = s.primary === 'ctr' ? treatedPerDay * CTR.impressionsMean : treatedPerDay;
  const roi = abs * perUnitTraffic * s.valuePerUnit - s.costPerDay;
  const ideal = s.trueClass === 'broken_srm' ? 'review' : rel < MARGIN || roi < 0 ? 'retire' : 'keep';
  return {
    id: s.id,
    class: s.trueClass,
    primary_metric: s.primary,
    metric_kind: s.primary === 'ctr' ? 'ratio' : 'mean',
    relative_effect_last_28d: rel,
    mean_daily_effect_last_28d: effectSum / (o.days - from),
    relative_effect_by_week: weeks,
    assignment_share: share,
    guardrail_metric: s.guardrail,
    guardrail_effect: 0,
    absolute_lift_last_28d: abs,
    roi_per_day_last_28d: roi,
    ideal_decision: ideal,
  };
}

/** A registry that matches the generated strategies (rollout 50%, 1% margin, guardrail 2%). */
function registryYaml(planned: GeneratedStrategy[], o: GenStrategyMetricsOptions): string {
  const start = formatDay(o.start);
  const out = ['# Registry for `recdata gen strategy-metrics` output (generated; see its --truth file for the true effects).', 'strategies:'];
  for (const s of planned) {
    out.push(
      `  - id: ${s.id}`,
      `    name: ${s.id.replace(/_/g, ' ')}`,
      `    owner: ${s.kind}-team`,
      `    kind: ${s.kind}`,
      `    keys: [${s.id}]`,
      `    launched_at: ${start}`,
      `    last_changed_at: ${start}`,
      '    review_after_days: 60',
      `    rollout: ${ROLLOUT}`,
      `    cost_per_day: ${s.costPerDay}`,
      `    primary_metric: ${s.primary}`,
      `    guardrails: {${s.guardrail}: ${GUARDRAIL_MARGIN * 100}%}`,
      `    margin: ${MARGIN * 100}%`,
      `    value_per_unit: ${s.valuePerUnit}`,
    );
  }
  out.push('code:', '  flag_functions: [isEnabled, flags.get]', '');
  return out.join('\n');
}

import type { MetricSeries } from './metrics/read.js';
import { formatDay, type Day } from './registry/dates.js';
import { formatMargin, type Margin, type Strategy } from './registry/registry.js';
import { addTotals, emptyTotals, estimateEffect, type ArmTotals, type Effect, type Interval } from './stats/effects.js';
import { sampleRatioCheck, type SampleRatioCheck } from './stats/srm.js';
import { decayCheck, weeklyEffects, weeklyTotals, type DecayCheck, type WeekEffect } from './stats/weekly.js';

export const DECISIONS = ['keep', 'graduate', 'review', 'retire'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface EvaluateOptions {
  asOf: Day;
  windowDays: number;
  confidence: number;
  /** Units per arm in the window below which no effect is judged. */
  minSample: number;
}

export interface PooledMetric {
  metric: string;
  kind: 'mean' | 'ratio' | null;
  treatment: ArmTotals | null;
  control: ArmTotals | null;
  /** Days in the window with treatment rows. */
  treatmentDays: number;
  effect: Effect | null;
}

export interface GuardrailResult {
  metric: string;
  margin: Margin;
  effect: Effect | null;
  /** A significant drop (upper bound < 0) whose estimate is past the margin. */
  breached: boolean;
}

export interface Roi {
  /** Per day, in the value unit: lift × traffic × value_per_unit - cost_per_day. */
  value: number;
  ci: Interval;
  /** Treatment units (or denominator units, for ratio metrics) per day. */
  trafficPerDay: number;
}

export interface StrategyEvaluation {
  strategy: Strategy;
  window: { start: Day; end: Day; days: number };
  primary: PooledMetric;
  srm: SampleRatioCheck | null;
  sampleOk: boolean;
  roi: Roi | null;
  weekly: WeekEffect[];
  decay: DecayCheck;
  guardrails: GuardrailResult[];
  stale: boolean;
  staleReasons: string[];
  reviewDue: Day;
  pastReview: boolean;
  decision: Decision;
  reasons: string[];
}

/** Sums an arm's daily totals over [start, end]. */
export function poolWindow(series: MetricSeries | undefined, start: Day, end: Day, metric: string, confidence: number): PooledMetric {
  if (!series) return { metric, kind: null, treatment: null, control: null, treatmentDays: 0, effect: null };
  const ratio = series.kind === 'ratio';
  const t = emptyTotals(ratio);
  const c = emptyTotals(ratio);
  let treatmentDays = 0;
  for (const [day, arms] of series.days) {
    if (day < start || day > end) continue;
    if (arms.treatment) {
      addTotals(t, arms.treatment);
      treatmentDays++;
    }
    if (arms.control) addTotals(c, arms.control);
  }
  const effect = t.n >= 2 && c.n >= 2 ? estimateEffect(t, c, confidence) : null;
  return { metric, kind: series.kind, treatment: t, control: c, treatmentDays, effect };
}

/** The lift on the margin's scale: relative margins compare the relative lift. */
function onMarginScale(effect: Effect, margin: Margin): { estimate: number; ci: Interval } {
  return margin.relative ? { estimate: effect.relLift, ci: effect.relCi } : { estimate: effect.lift, ci: effect.ci };
}

export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e6) return String(+x.toPrecision(digits));
  return x.toExponential(digits - 1);
}

function fmtOnScale(x: number, margin: Margin): string {
  return margin.relative ? `${fmt(x * 100)}%` : fmt(x);
}

/** Evaluates one strategy over the window and decides (docs/strategy-stats.md, section 7). */
export function evaluateStrategy(s: Strategy, metrics: Map<string, MetricSeries> | undefined, o: EvaluateOptions): StrategyEvaluation {
  const end = o.asOf;
  const start = end - o.windowDays + 1;
  const reviewDue = s.lastChangedAt + s.reviewAfterDays;
  const pastReview = end > reviewDue;
  const series = metrics?.get(s.primaryMetric);
  const primary = poolWindow(series, start, end, s.primaryMetric, o.confidence);
  const tN = primary.treatment?.n ?? 0;
  const cN = primary.control?.n ?? 0;
  const expectedShare = s.rollout * (1 - s.holdout);
  const srm = tN + cN > 0 ? sampleRatioCheck(tN, cN, expectedShare) : null;
  const sampleOk = tN >= o.minSample && cN >= o.minSample && primary.effect !== null;

  let roi: Roi | null = null;
  if (primary.effect && primary.treatmentDays > 0) {
    const units = primary.kind === 'ratio' ? primary.treatment!.denSum! : primary.treatment!.n;
    const trafficPerDay = units / primary.treatmentDays;
    const scale = trafficPerDay * s.valuePerUnit;
    const [lo, hi] = primary.effect.ci;
    roi = { value: primary.effect.lift * scale - s.costPerDay, ci: [lo * scale - s.costPerDay, hi * scale - s.costPerDay], trafficPerDay };
  }

  const ratio = series?.kind === 'ratio';
  const weeks = series ? weeklyTotals(series.days, end, ratio) : [];
  const weekly = weeklyEffects(weeks, o.confidence);
  const decay = decayCheck(weeks, weekly, o.confidence, ratio);

  const guardrails: GuardrailResult[] = s.guardrails.map((g) => {
    const pooled = poolWindow(metrics?.get(g.metric), start, end, g.metric, o.confidence);
    const effect = pooled.effect;
    let breached = false;
    if (effect) {
      const { estimate, ci } = onMarginScale(effect, g.margin);
      breached = ci[1] < 0 && estimate < -g.margin.value;
    }
    return { metric: g.metric, margin: g.margin, effect, breached };
  });

  const staleReasons: string[] = [];
  const unchanged = end - s.lastChangedAt;
  if (unchanged > s.reviewAfterDays) staleReasons.push(`stale: unchanged for ${unchanged} days (review_after_days ${s.reviewAfterDays})`);
  if (s.rollout === 1 && (s.holdout === 0 || cN === 0)) staleReasons.push('stale: rolled out to 100% with no control arm');
  if (s.rollout === 0) staleReasons.push('stale: rolled out to 0% (off for everyone)');

  const { decision, reasons } = decide({ s, o, start, end, reviewDue, pastReview, primary, srm, sampleOk, roi, guardrails, tN, cN });
  if (decay.decaying) {
    reasons.push(
      `effect decays: weekly slope ${fmt(decay.slope)} [${fmt(decay.slopeCi![0])}, ${fmt(decay.slopeCi![1])}] per week; last weeks minus first weeks ${fmt(decay.changeCi![0])} to ${fmt(decay.changeCi![1])}`,
    );
  }
  reasons.push(...staleReasons);
  return {
    strategy: s,
    window: { start, end, days: o.windowDays },
    primary,
    srm,
    sampleOk,
    roi,
    weekly,
    decay,
    guardrails,
    stale: staleReasons.length > 0,
    staleReasons,
    reviewDue,
    pastReview,
    decision,
    reasons,
  };
}

interface DecisionInput {
  s: Strategy;
  o: EvaluateOptions;
  start: Day;
  end: Day;
  reviewDue: Day;
  pastReview: boolean;
  primary: PooledMetric;
  srm: SampleRatioCheck | null;
  sampleOk: boolean;
  roi: Roi | null;
  guardrails: GuardrailResult[];
  tN: number;
  cN: number;
}

/**
 * The rules, in order. "Not significant" never retires on its own: retiring needs an
 * interval that shows removal harmless (primary upper bound below the margin, or
 * ROI's upper bound below 0) on valid data.
 */
function decide(d: DecisionInput): { decision: Decision; reasons: string[] } {
  const { s, primary, srm } = d;
  const due = `review due ${formatDay(d.reviewDue)}`;
  const breaches = d.guardrails.filter((g) => g.breached);
  const breachText = () =>
    breaches
      .map((g) => {
        const { estimate, ci } = onMarginScale(g.effect!, g.margin);
        return `guardrail ${g.metric} breached: lift ${fmtOnScale(estimate, g.margin)} [${fmtOnScale(ci[0], g.margin)}, ${fmtOnScale(ci[1], g.margin)}] below -${formatMargin(g.margin)}`;
      })
      .join('; ');
  const insufficient = (why: string) =>
    d.pastReview ? { decision: 'review' as const, reasons: [`insufficient evidence past the review date (${due}): ${why}`] } : { decision: 'keep' as const, reasons: [`insufficient evidence so far: ${why}; ${due}`] };

  if (s.rollout === 0) {
    if (d.pastReview) return { decision: 'retire', reasons: [`off for everyone (rollout 0) and unchanged since ${formatDay(s.lastChangedAt)}, past its review date: removing it changes no traffic`] };
    return { decision: 'keep', reasons: [`off for everyone (rollout 0); ${due}`] };
  }
  if (srm?.mismatch) {
    return {
      decision: 'review',
      reasons: [`data invalid: sample-ratio mismatch, treatment share ${fmt(srm.observedShare)} vs registered ${fmt(srm.expectedShare)} (chi-square ${fmt(srm.chiSquare)}, p ${fmt(srm.pValue, 3)} < 0.001)`],
    };
  }
  if (!primary.effect || primary.kind === null) {
    const why = primary.kind === null ? `no metrics for the primary metric ${s.primaryMetric}` : d.tN < 2 ? 'no treatment arm in the window' : 'no control arm in the window';
    if (breaches.length > 0) return { decision: 'review', reasons: [breachText()] };
    return insufficient(why);
  }
  if (!d.sampleOk) {
    if (breaches.length > 0) return { decision: 'review', reasons: [breachText()] };
    return insufficient(`${d.tN} treatment and ${d.cN} control units in the window, below the minimum ${d.o.minSample} per arm`);
  }
  const e = primary.effect;
  const { estimate, ci } = onMarginScale(e, s.margin);
  const liftText = `${s.primaryMetric} lift ${fmtOnScale(estimate, s.margin)} [${fmtOnScale(ci[0], s.margin)}, ${fmtOnScale(ci[1], s.margin)}]`;
  if (ci[1] < s.margin.value) {
    return { decision: 'retire', reasons: [`removal shown harmless: ${liftText}, upper bound below the margin ${formatMargin(s.margin)}`] };
  }
  if (d.roi && d.roi.ci[1] < 0) {
    return { decision: 'retire', reasons: [`costs more than it returns: ROI ${fmt(d.roi.value)} [${fmt(d.roi.ci[0])}, ${fmt(d.roi.ci[1])}] per day, upper bound below 0`] };
  }
  if (breaches.length > 0) return { decision: 'review', reasons: [breachText()] };
  if (e.ci[0] > 0 && s.rollout === 1) {
    if (s.lastChangedAt <= d.start) {
      return { decision: 'graduate', reasons: [`${liftText}, lower bound above 0, at 100% since ${formatDay(s.lastChangedAt)} (the whole window): inline the flag as on`] };
    }
    return { decision: 'keep', reasons: [`${liftText}, lower bound above 0; at 100% only since ${formatDay(s.lastChangedAt)}, inside the window: graduate once a whole window has passed`] };
  }
  if (e.ci[0] > 0) return { decision: 'keep', reasons: [`${liftText}, lower bound above 0${d.roi ? `; ROI ${fmt(d.roi.value)} [${fmt(d.roi.ci[0])}, ${fmt(d.roi.ci[1])}] per day` : ''}`] };
  return insufficient(`${liftText} neither excludes 0 nor stays below the margin ${formatMargin(s.margin)}`);
}

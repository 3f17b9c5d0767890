import type { StrategyEvaluation } from '../evaluate.js';
import { formatDay } from '../registry/dates.js';
import { formatMargin } from '../registry/registry.js';
import { USE_KINDS, type Reference } from '../refs/kinds.js';
import type { AuditReport } from '../run.js';

/** Finite numbers as they are; NaN and infinities (undefined in JSON) as null. */
const num = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : x);
const pair = (x: [number, number] | null | undefined) => (x ? [num(x[0]), num(x[1])] : null);

export function referenceJson(r: Reference) {
  return {
    path: r.path,
    line: r.line,
    column: r.column,
    kind: r.kind,
    use: USE_KINDS.includes(r.kind),
    spelling: r.spelling,
    context: { start_line: r.context.startLine, lines: r.context.lines },
  };
}

export function evaluationJson(e: StrategyEvaluation, refs: Reference[] | null) {
  const s = e.strategy;
  const eff = e.primary.effect;
  return {
    id: s.id,
    name: s.name,
    owner: s.owner,
    kind: s.kind,
    decision: e.decision,
    reasons: e.reasons,
    metric: s.primaryMetric,
    metric_kind: e.primary.kind,
    margin: formatMargin(s.margin),
    lift: num(eff?.lift),
    ci: pair(eff?.ci),
    rel_lift: num(eff?.relLift),
    rel_ci: pair(eff?.relCi),
    p_value: num(eff?.pValue),
    // Welch-Satterthwaite degrees of freedom; null for the normal interval of ratio metrics.
    df: eff && Number.isFinite(eff.df) ? eff.df : null,
    treatment: eff ? { units: eff.treatment.n, estimate: num(eff.treatment.estimate) } : e.primary.treatment ? { units: e.primary.treatment.n, estimate: null } : null,
    control: eff ? { units: eff.control.n, estimate: num(eff.control.estimate) } : e.primary.control ? { units: e.primary.control.n, estimate: null } : null,
    roi: num(e.roi?.value),
    roi_ci: pair(e.roi?.ci),
    traffic_per_day: num(e.roi?.trafficPerDay),
    srm: e.srm
      ? { expected_share: e.srm.expectedShare, observed_share: num(e.srm.observedShare), chi_square: num(e.srm.chiSquare), p_value: num(e.srm.pValue), mismatch: e.srm.mismatch }
      : null,
    sample_ok: e.sampleOk,
    stale: e.stale,
    stale_reasons: e.staleReasons,
    review_due: formatDay(e.reviewDue),
    past_review: e.pastReview,
    decay: {
      assessed: e.decay.assessed,
      decaying: e.decay.decaying,
      weeks: e.decay.weeks,
      slope_per_week: num(e.decay.slope),
      slope_ci: pair(e.decay.slopeCi),
      first_weeks_lift: num(e.decay.firstEstimate),
      last_weeks_ci: pair(e.decay.lastCi),
      change_ci: pair(e.decay.changeCi),
    },
    weekly: e.weekly.map((w) => ({ start: formatDay(w.start), end: formatDay(w.end), days: w.days, lift: num(w.effect.lift), ci: pair(w.effect.ci), rel_lift: num(w.effect.relLift) })),
    guardrails: e.guardrails.map((g) => ({
      metric: g.metric,
      margin: formatMargin(g.margin),
      lift: num(g.effect?.lift),
      ci: pair(g.effect?.ci),
      rel_lift: num(g.effect?.relLift),
      rel_ci: pair(g.effect?.relCi),
      breached: g.breached,
    })),
    refs: refs ? refs.map(referenceJson) : null,
  };
}

export function auditJson(report: AuditReport, patchFile?: string | null): string {
  const { result, refs, patch } = report;
  const byStrategy = new Map<string, Reference[]>();
  for (const r of refs?.references ?? []) {
    const list = byStrategy.get(r.strategyId) ?? [];
    list.push(r);
    byStrategy.set(r.strategyId, list);
  }
  const doc = {
    as_of: formatDay(result.asOf),
    window: { start: formatDay(result.asOf - result.windowDays + 1), end: formatDay(result.asOf), days: result.windowDays },
    confidence: result.confidence,
    min_sample: result.minSample,
    strategies: result.evaluations.map((e) => evaluationJson(e, refs ? (byStrategy.get(e.strategy.id) ?? []) : null)),
    unknown_strategies: result.unknownStrategies,
    warnings: result.warnings,
    patch: patch
      ? {
          file: patchFile ?? null,
          files: patch.files.map((f) => f.path),
          strategies: patch.strategies.map((s) => ({
            id: s.strategyId,
            flag_value: s.value === 'on',
            flag_reads: s.flagReads,
            config_entries: s.configEntries,
            kept: s.kept,
            mentions: s.mentions,
          })),
        }
      : null,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

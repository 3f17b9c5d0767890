import { evaluateStrategy, type StrategyEvaluation } from './evaluate.js';
import type { MetricsData } from './metrics/read.js';
import { formatDay, type Day } from './registry/dates.js';
import type { Registry } from './registry/registry.js';

export interface AuditOptions {
  /** The day the audit looks back from; default the last day in the metrics. */
  asOf?: Day;
  windowDays: number;
  confidence: number;
  minSample: number;
}

export const AUDIT_DEFAULTS = { windowDays: 28, confidence: 0.95, minSample: 1000 } as const;

export interface AuditResult {
  asOf: Day;
  windowDays: number;
  confidence: number;
  minSample: number;
  evaluations: StrategyEvaluation[];
  /** Metrics rows for strategies the registry does not know: reported, never dropped silently. */
  unknownStrategies: { id: string; rows: number }[];
  warnings: string[];
}

/** Evaluates every registered strategy against the metrics (registry order). */
export function auditStrategies(registry: Registry, metrics: MetricsData, options: AuditOptions): AuditResult {
  const asOf = options.asOf ?? metrics.lastDay ?? Math.floor(Date.now() / 86_400_000);
  const evaluations = registry.strategies.map((s) =>
    evaluateStrategy(s, metrics.byStrategy.get(s.id), { asOf, windowDays: options.windowDays, confidence: options.confidence, minSample: options.minSample }),
  );
  const known = new Set(registry.strategies.map((s) => s.id));
  const unknownStrategies: { id: string; rows: number }[] = [];
  for (const [id, series] of metrics.byStrategy) {
    if (known.has(id)) continue;
    let rows = 0;
    for (const s of series.values()) for (const arms of s.days.values()) rows += (arms.treatment ? 1 : 0) + (arms.control ? 1 : 0);
    unknownStrategies.push({ id, rows });
  }
  unknownStrategies.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const warnings = unknownStrategies.map((u) => `metrics for strategy "${u.id}", which is not in the registry (${u.rows} rows not audited)`);
  if (metrics.lastDay === null && options.asOf === undefined) warnings.unshift(`the metrics stream has no rows: auditing as of today, ${formatDay(asOf)}`);
  for (const e of evaluations) {
    // Only where the primary metric has data: otherwise its own reason says it all.
    if (!e.primary.effect) continue;
    for (const g of e.guardrails) if (g.effect === null) warnings.push(`strategy "${e.strategy.id}": no usable metrics for guardrail ${g.metric} in the window`);
  }
  return { asOf, windowDays: options.windowDays, confidence: options.confidence, minSample: options.minSample, evaluations, unknownStrategies, warnings };
}

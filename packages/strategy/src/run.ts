import { ArrowReader, errors } from '@recdata/core';
import { auditStrategies, type AuditOptions, type AuditResult } from './audit.js';
import type { Decision } from './evaluate.js';
import { readMetrics } from './metrics/read.js';
import type { RemovalPatch } from './patch/plan.js';
import { formatDay } from './registry/dates.js';
import { loadRegistry, type Registry } from './registry/registry.js';
import type { ReferenceSearch } from './refs/find.js';
import { checkFolder } from './refs/walk.js';

export interface RunAuditOptions extends AuditOptions {
  registryFile: string;
  /** Metrics inputs; empty or ["-"] reads stdin. */
  metricsFiles: string[];
  refsDir?: string;
  /** Build the removal patch (for --patch FILE or --write). */
  patch?: boolean;
  /** Apply it in place under refsDir. */
  write?: boolean;
}

export interface AuditReport {
  registry: Registry;
  result: AuditResult;
  refs: ReferenceSearch | null;
  patch: RemovalPatch | null;
}

/** The whole audit: registry, metrics, evaluation; then references and the removal patch when asked. */
export async function runAudit(o: RunAuditOptions): Promise<AuditReport> {
  // The stream's schema first: in `gen strategy-metrics --registry r.yaml | strategy-audit
  // --registry r.yaml` the generator writes the registry before the first byte of the stream.
  const reader = await ArrowReader.open(o.metricsFiles);
  const registry = loadRegistry(o.registryFile);
  let refs: ReferenceSearch | null = null;
  if (o.refsDir !== undefined) {
    if (registry.flagFunctions.length === 0) {
      throw errors.badInput('registry: --refs needs code.flag_functions (e.g. [isEnabled, flags.get]) to tell flag reads from mentions', { file: registry.file });
    }
    // The folder is checked before the metrics are read: a typo fails fast (exit 66).
    checkFolder(o.refsDir);
  }
  const source = o.metricsFiles.length === 0 || (o.metricsFiles.length === 1 && o.metricsFiles[0] === '-') ? 'stdin' : o.metricsFiles.join(', ');
  const metrics = await readMetrics(reader, source);
  const result = auditStrategies(registry, metrics, o);
  let patch: RemovalPatch | null = null;
  if (o.refsDir === undefined) return { registry, result, refs, patch };
  // The TypeScript compiler loads only now: an audit without --refs starts without it.
  const { findReferences, planRemoval, applyRemoval } = await import('./code.js');
  refs = findReferences(o.refsDir, registry.strategies, registry.flagFunctions);
  if (o.patch || o.write) {
    const targets = result.evaluations
      .filter((e) => e.decision === 'retire' || e.decision === 'graduate')
      .map((e) => ({ strategyId: e.strategy.id, keys: e.strategy.keys, aliases: e.strategy.aliases, value: e.decision === 'retire' ? ('off' as const) : ('on' as const) }));
    patch = planRemoval(refs, registry.flagFunctions, targets);
    if (o.write) applyRemoval(refs, patch);
  }
  return { registry, result, refs, patch };
}

/** Why --gate fails: any retire, or any review past its review date; null when it passes. */
export function gateFailure(report: AuditReport): string | null {
  const retire = report.result.evaluations.filter((e) => e.decision === 'retire').map((e) => e.strategy.id);
  const overdue = report.result.evaluations.filter((e) => e.decision === 'review' && e.pastReview).map((e) => `${e.strategy.id} (due ${formatDay(e.reviewDue)})`);
  if (retire.length === 0 && overdue.length === 0) return null;
  const parts: string[] = [];
  if (retire.length) parts.push(`${retire.length} to retire: ${retire.join(', ')}`);
  if (overdue.length) parts.push(`${overdue.length} review${overdue.length > 1 ? 's' : ''} past due: ${overdue.join(', ')}`);
  return `gate failed: ${parts.join('; ')}`;
}

export function decisionCounts(report: AuditReport): Record<Decision, number> {
  const counts: Record<Decision, number> = { keep: 0, graduate: 0, review: 0, retire: 0 };
  for (const e of report.result.evaluations) counts[e.decision]++;
  return counts;
}

import { fmt, type StrategyEvaluation } from '../evaluate.js';
import { formatDay } from '../registry/dates.js';
import { USE_KINDS, type Reference } from '../refs/kinds.js';
import type { AuditReport } from '../run.js';

/** Plain text columns, left-aligned, two spaces apart (the last one unpadded). */
export function columns(header: string[], rows: string[][]): string {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(width[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${x >= 0 ? '+' : ''}${fmt(x * 100, 3)}%`);

function liftCell(e: StrategyEvaluation): string {
  const eff = e.primary.effect;
  if (!eff) return 'n/a';
  return `${pct(eff.relLift)} [${pct(eff.relCi[0])}, ${pct(eff.relCi[1])}]`;
}

function roiCell(e: StrategyEvaluation): string {
  return e.roi ? `${fmt(e.roi.value, 3)} [${fmt(e.roi.ci[0], 3)}, ${fmt(e.roi.ci[1], 3)}]` : 'n/a';
}

function refsCell(refs: Reference[] | undefined): string {
  if (!refs) return '';
  const uses = refs.filter((r) => USE_KINDS.includes(r.kind)).length;
  return `${uses} use${uses === 1 ? '' : 's'}, ${refs.length - uses} mention${refs.length - uses === 1 ? '' : 's'}`;
}

/** The decisions table, then each strategy's reasons (and its references with context under --refs). */
export function auditTable(report: AuditReport, patchFile?: string | null): string {
  const { result, refs } = report;
  const byStrategy = new Map<string, Reference[]>();
  for (const r of refs?.references ?? []) {
    const list = byStrategy.get(r.strategyId) ?? [];
    list.push(r);
    byStrategy.set(r.strategyId, list);
  }
  const header = ['strategy', 'decision', 'metric', 'rel. lift [CI]', 'ROI/day [CI]', 'SRM p', 'stale', 'decays'];
  if (refs) header.push('refs');
  const rows = result.evaluations.map((e) => {
    const row = [e.strategy.id, e.decision, e.strategy.primaryMetric, liftCell(e), roiCell(e), e.srm ? fmt(e.srm.pValue, 3) : 'n/a', e.stale ? 'yes' : 'no', e.decay.decaying ? 'yes' : 'no'];
    if (refs) row.push(refsCell(byStrategy.get(e.strategy.id) ?? []));
    return row;
  });
  const out: string[] = [columns(header, rows)];
  const start = formatDay(result.asOf - result.windowDays + 1);
  out.push(`\nas of ${formatDay(result.asOf)}; window ${start} to ${formatDay(result.asOf)} (${result.windowDays} days); ${Math.round(result.confidence * 100)}% intervals; ROI in value units per day\n`);
  for (const e of result.evaluations) {
    out.push(`\n${e.strategy.id}: ${e.decision}\n`);
    for (const r of e.reasons) out.push(`  - ${r}\n`);
    const list = byStrategy.get(e.strategy.id);
    if (refs && list && list.length > 0) {
      out.push('  references:\n');
      for (const r of list) {
        out.push(`    ${r.path}:${r.line}  ${r.kind}${USE_KINDS.includes(r.kind) ? '' : ' (mention)'}\n`);
        r.context.lines.forEach((l, i) => {
          const n = r.context.startLine + i;
          out.push(`      ${n === r.line ? '>' : ' '} ${String(n).padStart(4)} | ${l}\n`);
        });
      }
    }
  }
  if (result.warnings.length > 0) {
    out.push('\nwarnings:\n');
    for (const w of result.warnings) out.push(`  - ${w}\n`);
  }
  if (report.patch) {
    out.push(`\nremoval patch${patchFile ? ` (${patchFile})` : ''}: ${report.patch.files.length} file${report.patch.files.length === 1 ? '' : 's'}\n`);
    for (const s of report.patch.strategies) {
      out.push(`  ${s.value === 'off' ? 'retire' : 'graduate'} ${s.strategyId}: ${s.flagReads} flag reads, ${s.configEntries} config entries`);
      if (s.kept.length) out.push(`; kept for review: ${s.kept.map((k) => `${k.path}:${k.line} (${k.why})`).join(', ')}`);
      if (s.mentions) out.push(`; ${s.mentions} mentions left`);
      out.push('\n');
    }
  }
  return out.join('');
}

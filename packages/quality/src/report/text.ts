import type { CheckResult } from '../checks/result.js';
import type { ScanReport } from '../scan.js';

const ORDER: Record<CheckResult['status'], number> = { fail: 0, warn: 1, skip: 2, pass: 3 };

/** Checks with failures first (fail, warn, skip, pass), each group in the order written. */
export function failingFirst(checks: CheckResult[]): CheckResult[] {
  return checks.map((c, i) => ({ c, i })).sort((a, b) => ORDER[a.c.status] - ORDER[b.c.status] || a.i - b.i).map((e) => e.c);
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(4);
    return String(Number(v.toPrecision(6)));
  }
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function verdict(report: ScanReport): 'PASSED' | 'FAILED' | 'PASSED WITH WARNINGS' {
  if (report.summary.failed > 0) return 'FAILED';
  if (report.summary.warned > 0) return 'PASSED WITH WARNINGS';
  return 'PASSED';
}

/** A one-line explanation of a check's outcome for humans. */
export function shortDetail(c: CheckResult): string {
  const d = c.detail;
  if (c.status === 'skip') return String(d.reason ?? 'not evaluated');
  if (d.dimension_mismatch) return String(d.dimension_mismatch);
  switch (c.kind) {
    case 'out_of_order':
    case 'future_ts':
    case 'duplicates':
    case 'impossible_values': {
      const worst = (d.worst ?? d.first) as Record<string, unknown>[] | undefined;
      if (!worst || worst.length === 0) return `${d.rows_checked} rows checked`;
      return `e.g. row ${worst[0].row}${worst[0].problem ? `: ${worst[0].problem}` : ''}`;
    }
    case 'burst':
      return `${d.rule}; ${(d.bot_users as unknown[]).length ? `users ${(d.bot_users as unknown[]).slice(0, 5).join(', ')}${(d.bot_users as unknown[]).length > 5 ? ', ...' : ''}` : 'none'}`;
    case 'drift':
      return `${d.method}${d.auto ? ' (auto)' : ''}, ${d.drift_detected ? 'drift' : 'no drift'}; reference ${d.reference_values} values, input ${d.current_values}`;
    case 'skew':
      return c.metric === 'unmatched_rate' ? `${d.matched} matched, ${d.only_in_training} only in the input, ${d.only_in_serving} only in serving` : `${d.mismatches} of ${d.matched} matched rows differ`;
    case 'modality_alignment':
      return `mean cosine ${formatValue(d.mean_cosine)}, ${d.below_min_cosine} below ${d.min_cosine}, ${d.zero_vectors} zero vectors`;
    case 'freshness':
      return d.newest ? `newest ${d.newest}, ${d.age} before now` : String(d.reason ?? '');
    case 'type':
      return `expected ${d.expected}, got ${d.actual}`;
    default:
      return '';
  }
}

/** The human summary: verdict line, then one line per check, failing first. */
export function textReport(report: ScanReport): string {
  const s = report.summary;
  const lines: string[] = [];
  const input = report.input;
  const partitions = input.partition === 'none' ? '' : `, ${input.partitions.length} ${input.partition}${input.partitions.length === 1 ? '' : 's'}`;
  lines.push(`quality-scan: ${verdict(report)}: ${s.checks} checks, ${s.passed} passed, ${s.failed} failed, ${s.warned} warned (${input.rows.toLocaleString('en-US')} rows${partitions})`);
  if (input.empty) lines.push('the input is empty: no rows to check (checks that need rows are skipped)');
  const checks = failingFirst(report.checks);
  const w = (k: (c: CheckResult) => string) => Math.min(28, Math.max(...checks.map((c) => k(c).length), 0));
  const idW = w((c) => c.id);
  const kindW = w((c) => c.kind);
  const colW = w((c) => c.column ?? '-');
  for (const c of checks) {
    const status = c.status === 'pass' ? 'pass' : c.status.toUpperCase();
    const value = `${c.metric} = ${formatValue(c.value)}`;
    const threshold = c.threshold === null ? '' : ` (threshold ${formatValue(c.threshold)})`;
    const detail = shortDetail(c);
    lines.push(`${status.padEnd(4)}  ${c.id.padEnd(idW)}  ${c.kind.padEnd(kindW)}  ${(c.column ?? '-').padEnd(colW)}  ${value}${threshold}${detail ? `  ${detail}` : ''}`);
  }
  return lines.join('\n') + '\n';
}

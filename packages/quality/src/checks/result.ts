import type { Severity } from './spec.js';

/** pass; fail (an error-severity check failed); warn (a warn-severity check failed); skip (could not be evaluated, e.g. no rows). */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One check's outcome: the JSON report's `checks[]` entries have exactly these fields but `severity`. */
export interface CheckResult {
  id: string;
  kind: string;
  column: string | null;
  metric: string;
  value: number | string | null;
  threshold: number | string | Record<string, number | string | null> | null;
  status: CheckStatus;
  detail: Record<string, unknown>;
  severity: Severity;
}

export function statusFor(violated: boolean, severity: Severity): CheckStatus {
  return violated ? (severity === 'error' ? 'fail' : 'warn') : 'pass';
}

/** A row worth showing: its position in the input, the values that explain it, and how bad it is. */
export interface WorstRow {
  row: number;
  score: number;
  values: Record<string, unknown>;
}

/** Keeps the `limit` worst rows (highest score; ties: the earlier row). */
export class WorstRows {
  readonly rows: WorstRow[] = [];
  constructor(readonly limit: number) {}

  /** True when a row with this score would be kept (check before building its values). */
  wants(score: number): boolean {
    if (this.limit <= 0) return false;
    if (this.rows.length < this.limit) return true;
    return score > this.rows[this.rows.length - 1].score;
  }

  add(row: number, score: number, values: Record<string, unknown>): void {
    if (!this.wants(score)) return;
    const entry = { row, score, values };
    let i = this.rows.length;
    while (i > 0 && (this.rows[i - 1].score < score || (this.rows[i - 1].score === score && this.rows[i - 1].row > row))) i--;
    this.rows.splice(i, 0, entry);
    if (this.rows.length > this.limit) this.rows.pop();
  }

  toJSON(): Record<string, unknown>[] {
    return this.rows.map((r) => ({ row: r.row, ...r.values }));
  }
}

/** Where row-level findings go (the --flagged stream), when asked for. */
export interface FlaggedSink {
  add(row: number, check: string, detail: string): void;
}

/** Threshold of a count of violating rows: max_rate (share of rows) when given, else max_violations (default 0). */
export function countViolated(count: number, rows: number, maxViolations?: number, maxRate?: number): boolean {
  if (maxRate !== undefined) return rows > 0 && count / rows > maxRate;
  return count > (maxViolations ?? 0);
}

export function countThreshold(maxViolations?: number, maxRate?: number): number | Record<string, number> {
  if (maxRate !== undefined) return { max_rate: maxRate };
  return maxViolations ?? 0;
}

import type { RecordBatch, Schema } from 'apache-arrow';
import { resolveTimeColumn } from '../columns/time.js';
import { columnKind } from '../columns/values.js';
import { typeName } from '@recdata/core';
import { countThreshold, countViolated, statusFor, type CheckResult } from './result.js';
import { checkUsage, requireCheckColumn, type BatchContext, type FinishContext, type Runner } from './runner.js';
import type { CheckSpec, ChecksFile } from './spec.js';
import { isoOf, msText, RUN_KEY_LIMIT, SWEEP_HORIZON_MS, TemporalScanner } from './temporal.js';
import { MS_PER_UNIT } from '../columns/values.js';

export const DEFAULT_FUTURE_SKEW_MS = 86_400_000;
export const DEFAULT_BURST = { maxEvents: 49, windowMs: 10_000 } as const;

/**
 * Binds every temporal check of a checks file to one TemporalScanner (one pass,
 * one per-user state for all of them). A role column the input lacks: exit 2 at
 * the check's line; an optional duplicate key column (item, action) that is absent
 * and was not named explicitly is left out of the key.
 */
export function bindTemporalChecks(specs: CheckSpec[], file: ChecksFile, schema: Schema, nowMs: number, worstLimit: number): Runner[] {
  if (specs.length === 0) return [];
  const roles = file.roles;
  const first = specs[0];
  const userIndex = requireCheckColumn(schema, first, roles.user, 'kind');
  const tsIndex = requireCheckColumn(schema, first, roles.ts, 'kind');
  let time;
  try {
    time = resolveTimeColumn(schema, roles.ts, roles.tsUnit);
  } catch (e) {
    throw checkUsage(first, (e as Error).message, 'kind');
  }
  void tsIndex;
  const find = (name: string) => schema.fields.findIndex((f) => f.name === name);
  const futureSpec = specs.find((s) => s.kind === 'future_ts');
  const dupSpec = specs.find((s) => s.kind === 'duplicates');
  const burstSpec = specs.find((s) => s.kind === 'burst');
  const impSpec = specs.find((s) => s.kind === 'impossible_values');
  const oooSpec = specs.find((s) => s.kind === 'out_of_order');
  for (const kind of ['future_ts', 'duplicates', 'burst', 'impossible_values', 'out_of_order']) {
    const same = specs.filter((s) => s.kind === kind);
    if (same.length > 1) throw checkUsage(same[1], `only one ${kind} check per checks file (another is "${same[0].id}")`, 'kind');
  }
  let keyIndices: number[] = [];
  if (dupSpec) {
    if (dupSpec.key) keyIndices = dupSpec.key.map((k) => requireCheckColumn(schema, dupSpec, k, 'key'));
    else {
      for (const role of ['item', 'action'] as const) {
        const i = find(roles[role]);
        if (i >= 0) keyIndices.push(i);
        else if (file.rolesGiven[role]) requireCheckColumn(schema, dupSpec, roles[role], 'kind');
      }
    }
  }
  let durationIndex = -1;
  if (impSpec) {
    durationIndex = requireCheckColumn(schema, impSpec, roles.duration, 'kind');
    const t = schema.fields[durationIndex].type;
    if (columnKind(t) !== 'numeric') throw checkUsage(impSpec, `the duration column "${roles.duration}" must be numeric, not ${typeName(t)}`, 'kind');
  }
  const show: { name: string; index: number }[] = [];
  for (const name of [roles.user, roles.item, roles.ts, roles.action, roles.duration]) {
    const i = find(name);
    if (i >= 0 && !show.some((s) => s.index === i)) show.push({ name, index: i });
  }
  const skewMs = futureSpec?.skewMs ?? DEFAULT_FUTURE_SKEW_MS;
  const scanner = new TemporalScanner({
    userIndex,
    time,
    nowMs,
    futureAfterMs: futureSpec ? nowMs + skewMs : Infinity,
    future: futureSpec ? { id: futureSpec.id } : null,
    outOfOrder: oooSpec ? { id: oooSpec.id } : null,
    duplicates: dupSpec ? { id: dupSpec.id, keyIndices } : null,
    burst: burstSpec ? { id: burstSpec.id, maxEvents: burstSpec.maxEvents ?? DEFAULT_BURST.maxEvents, windowMs: burstSpec.windowMs ?? DEFAULT_BURST.windowMs } : null,
    impossible: impSpec ? { id: impSpec.id, durationIndex, msPerUnit: MS_PER_UNIT[roles.durationUnit] } : null,
    worstLimit,
    flagged: null,
    showIndices: show,
  });
  const keyNames = keyIndices.map((i) => schema.fields[i].name);
  return specs.map((spec, i) => new TemporalRunner(spec, scanner, i === 0, { skewMs, nowMs, keyNames, user: roles.user, ts: roles.ts, duration: roles.duration }));
}

class TemporalRunner implements Runner {
  readonly add?: (batch: RecordBatch, firstRow: number, ctx: BatchContext) => void;
  constructor(
    readonly spec: CheckSpec,
    private readonly scanner: TemporalScanner,
    drives: boolean,
    private readonly info: { skewMs: number; nowMs: number; keyNames: string[]; user: string; ts: string; duration: string },
  ) {
    if (drives) {
      this.add = (batch, firstRow, ctx) => {
        this.scanner.setFlagged(ctx.flagged);
        this.scanner.add(batch, firstRow);
      };
    }
  }

  finish(ctx: FinishContext): CheckResult[] {
    const s = this.spec;
    this.scanner.finish();
    const c = this.scanner.counts;
    const rows = c.rowsWithTime;
    const base = { rows_checked: rows, users: c.users, rows_without_user: c.nullUser, rows_without_time: c.nullTime };
    const mk = (metric: string, value: number, threshold: CheckResult['threshold'], violated: boolean, detail: Record<string, unknown>): CheckResult[] => [
      { id: s.id, kind: s.kind, column: this.info.ts, metric, value, threshold, status: statusFor(violated, s.severity), detail: { ...base, ...detail }, severity: s.severity },
    ];
    const threshold = countThreshold(s.maxViolations, s.maxRate);
    switch (s.kind) {
      case 'future_ts':
        return mk('rows', c.future, threshold, countViolated(c.future, rows, s.maxViolations, s.maxRate), {
          now: isoOf(this.info.nowMs),
          skew: msText(this.info.skewMs),
          future_after: isoOf(this.info.nowMs + this.info.skewMs),
          worst: this.scanner.worst.future.toJSON(),
        });
      case 'out_of_order':
        return mk('rows', c.outOfOrder, threshold, countViolated(c.outOfOrder, rows, s.maxViolations, s.maxRate), {
          rate: rows ? c.outOfOrder / rows : 0,
          worst: this.scanner.worst.outOfOrder.toJSON(),
        });
      case 'duplicates':
        return mk('rows', c.duplicates, threshold, countViolated(c.duplicates, rows, s.maxViolations, s.maxRate), {
          key: [this.info.user, this.info.ts, ...this.info.keyNames],
          guarantee: `finds every row equal to an earlier row of the same user when no row of that user with another ts lies between them (up to ${RUN_KEY_LIMIT} keys per user and ts)`,
          keys_not_tracked: c.untrackedDuplicateKeys,
          first: this.scanner.worst.duplicates.toJSON(),
        });
      case 'burst': {
        const maxEvents = s.maxEvents ?? DEFAULT_BURST.maxEvents;
        const windowMs = s.windowMs ?? DEFAULT_BURST.windowMs;
        const bots = this.scanner.botUserValues();
        return mk('users', c.burstUsers, s.maxViolations ?? 0, c.burstUsers > (s.maxViolations ?? 0), {
          rule: `more than ${maxEvents} rows of one user within ${msText(windowMs)}`,
          rows_ending_a_burst_window_in_order: c.burstRows,
          runs_too_long_to_sort: c.runsTooLong,
          bot_users: bots.slice(0, 100),
          bot_users_listed: Math.min(bots.length, 100),
          state_horizon: msText(SWEEP_HORIZON_MS),
          worst: this.scanner.botUsers(ctx.worstLimit),
        });
      }
      case 'impossible_values':
        return mk('rows', c.impossible, threshold, countViolated(c.impossible, rows, s.maxViolations, s.maxRate), {
          duration_column: this.info.duration,
          negative: c.negativeDurations,
          longer_than_gap_to_next: c.longerThanGap,
          worst: this.scanner.worst.impossible.toJSON(),
        });
      default:
        throw new Error(`not a temporal check: ${s.kind}`);
    }
  }
}

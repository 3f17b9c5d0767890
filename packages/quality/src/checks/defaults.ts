import type { Schema } from 'apache-arrow';
import { DEFAULT_ROLES, DEFAULT_SKEW, type CheckSpec, type ChecksFile, type EventRoles } from './spec.js';

const builtIn = (id: string, kind: CheckSpec['kind'], severity: CheckSpec['severity'], extra: Partial<CheckSpec> = {}): CheckSpec => ({ id, kind, severity, file: null, line: null, keyLines: {}, ...extra });

/**
 * The checks run without --checks (docs/quality-checks.md, "Default checks"):
 * at least one row; the user and time columns not null (errors) and the item
 * column not null (a warning), when present; and, when the input has a user and
 * a time column, the temporal checks: future_ts (error, skew 1 day),
 * duplicates (error), out_of_order and burst (more than 49 rows within 10 s) as
 * warnings. impossible_values is not a default: it assumes a row's duration ends
 * before the user's next row, which logs that write several rows per view (a play
 * and then its finish, both carrying the watch time, as gen events does) do not
 * promise; name it in a checks file where it holds.
 */
export function defaultChecks(schema: Schema, roles: Partial<EventRoles> = {}): ChecksFile {
  const r: EventRoles = { ...DEFAULT_ROLES, ...roles };
  const has = (name: string) => schema.fields.some((f) => f.name === name);
  const checks: CheckSpec[] = [builtIn('rows', 'row_count', 'error', { min: 1 })];
  if (has(r.user)) checks.push(builtIn(`${r.user}-not-null`, 'not_null', 'error', { column: r.user }));
  if (has(r.ts)) checks.push(builtIn(`${r.ts}-not-null`, 'not_null', 'error', { column: r.ts }));
  if (has(r.item)) checks.push(builtIn(`${r.item}-not-null`, 'not_null', 'warn', { column: r.item }));
  if (has(r.user) && has(r.ts)) {
    checks.push(builtIn('future-ts', 'future_ts', 'error', { skewMs: 86_400_000 }));
    checks.push(builtIn('duplicates', 'duplicates', 'error'));
    checks.push(builtIn('out-of-order', 'out_of_order', 'warn'));
    checks.push(builtIn('bursts', 'burst', 'warn', { maxEvents: 49, windowMs: 10_000 }));
  }
  const rolesGiven = Object.fromEntries(Object.keys(roles).map((k) => [k, true]));
  return { file: null, roles: r, rolesGiven, nowMs: null, checks, skew: { ...DEFAULT_SKEW } };
}

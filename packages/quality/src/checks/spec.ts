import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { errors, RecdataError } from '@recdata/core';
import { DRIFT_METHODS, type DriftMethod } from '../drift/metrics.js';
import { EPOCH_UNITS, type EpochUnit } from '../columns/time.js';
import { parseDuration, parseInstant } from './durations.js';

/**
 * The checks file (docs/quality-checks.md): YAML with the event column roles, an
 * optional "now", the list of checks (each an id, a kind and a severity) and the
 * training-serving skew settings. Every mistake is exit 2 with file:line.
 */
export const CHECK_KINDS = [
  'not_null',
  'null_rate_max',
  'range',
  'allowed_values',
  'unique',
  'regex',
  'type',
  'row_count',
  'freshness',
  'out_of_order',
  'future_ts',
  'duplicates',
  'burst',
  'impossible_values',
  'modality_alignment',
  'drift',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];
export type Severity = 'error' | 'warn';

export const TEMPORAL_KINDS: ReadonlySet<CheckKind> = new Set(['out_of_order', 'future_ts', 'duplicates', 'burst', 'impossible_values']);

export interface EventRoles {
  user: string;
  item: string;
  ts: string;
  action: string;
  duration: string;
  tsUnit: EpochUnit;
  durationUnit: EpochUnit;
}

export const DEFAULT_ROLES: Readonly<EventRoles> = { user: 'user_id', item: 'item_id', ts: 'ts', action: 'action', duration: 'duration_ms', tsUnit: 'ms', durationUnit: 'ms' };

export interface CheckSpec {
  id: string;
  kind: CheckKind;
  severity: Severity;
  /** Where the check is written (file:line), for messages; null for built-in checks. */
  file: string | null;
  line: number | null;
  /** Lines of individual keys (e.g. where `column` is written). */
  keyLines: Record<string, number>;
  column?: string;
  columns?: string[];
  min?: number | string;
  max?: number | string;
  values?: (string | number | boolean | null)[];
  pattern?: string;
  type?: string;
  maxAgeMs?: number;
  skewMs?: number;
  maxViolations?: number;
  maxRate?: number;
  maxEvents?: number;
  windowMs?: number;
  key?: string[];
  minCosine?: number;
  maxShareBelow?: number;
  maxZeroVectors?: number;
  dimension?: number;
  method?: DriftMethod;
  threshold?: number;
  bins?: number;
}

export interface SkewSpec {
  features: string[] | null;
  tolerance: number;
  maxMismatchRate: number;
  maxUnmatchedRate: number;
  severity: Severity;
  line: number | null;
}

export interface ChecksFile {
  file: string | null;
  roles: EventRoles;
  /** Explicit roles (written in the file); others are defaults. */
  rolesGiven: Partial<Record<keyof EventRoles, boolean>>;
  nowMs: number | null;
  checks: CheckSpec[];
  skew: SkewSpec;
}

export const DEFAULT_SKEW: Readonly<SkewSpec> = { features: null, tolerance: 1e-6, maxMismatchRate: 0, maxUnmatchedRate: 0, severity: 'error', line: null };

/** What each kind takes: required keys, optional keys (beyond id, kind, severity). */
const KEYS: Record<CheckKind, { required: string[]; optional: string[] }> = {
  not_null: { required: ['column'], optional: [] },
  null_rate_max: { required: ['column', 'max'], optional: [] },
  range: { required: ['column'], optional: ['min', 'max', 'max_violations', 'max_rate'] },
  allowed_values: { required: ['column', 'values'], optional: ['max_violations', 'max_rate'] },
  unique: { required: ['column'], optional: ['max_violations', 'max_rate'] },
  regex: { required: ['column', 'pattern'], optional: ['max_violations', 'max_rate'] },
  type: { required: ['column', 'type'], optional: [] },
  row_count: { required: [], optional: ['min', 'max'] },
  freshness: { required: ['max_age'], optional: ['column'] },
  out_of_order: { required: [], optional: ['max_violations', 'max_rate'] },
  future_ts: { required: [], optional: ['skew', 'max_violations', 'max_rate'] },
  duplicates: { required: [], optional: ['key', 'max_violations', 'max_rate'] },
  burst: { required: [], optional: ['max_events', 'window', 'max_violations'] },
  impossible_values: { required: [], optional: ['max_violations', 'max_rate'] },
  modality_alignment: { required: ['columns'], optional: ['key', 'min_cosine', 'max_share_below', 'max_zero_vectors', 'dimension'] },
  drift: { required: ['column'], optional: ['method', 'threshold', 'bins'] },
};

const COMMON_KEYS = ['id', 'kind', 'severity'];
const TOP_KEYS = ['version', 'events', 'now', 'checks', 'skew'];
const ROLE_KEYS: Record<string, keyof EventRoles> = { user: 'user', item: 'item', ts: 'ts', action: 'action', duration: 'duration', ts_unit: 'tsUnit', duration_unit: 'durationUnit' };

class SpecReader {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  lineOf(node: Node | Pair | null | undefined): number | null {
    const range = (node as { range?: [number, number, number] } | null)?.range ?? ((node as Pair)?.key as { range?: [number, number, number] } | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : null;
  }

  fail(message: string, node: Node | Pair | null | undefined): RecdataError {
    const line = this.lineOf(node);
    return errors.usage(message, line === null ? { file: this.file } : { file: this.file, line });
  }
}

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** Parses and validates a checks file's text. */
export function parseChecks(text: string, file: string): ChecksFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new SpecReader(file, lines);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line;
    throw errors.usage(`not valid YAML: ${e.message.split('\n')[0]}`, { file, line });
  }
  const root = doc.contents;
  if (!isMap(root)) throw r.fail('expected a mapping with a "checks" list at the top of the checks file', root);
  const out: ChecksFile = { file, roles: { ...DEFAULT_ROLES }, rolesGiven: {}, nowMs: null, checks: [], skew: { ...DEFAULT_SKEW } };
  for (const pair of root.items) {
    const key = String(scalarValue(pair.key));
    if (!TOP_KEYS.includes(key)) throw r.fail(`unknown top-level key "${key}"; expected one of ${TOP_KEYS.join(', ')}`, pair);
  }
  const version = root.get('version', true);
  if (version !== undefined && scalarValue(version) !== 1) throw r.fail(`unsupported checks file version ${JSON.stringify(scalarValue(version))}; this is version 1`, version as Node);
  const events = root.get('events', true);
  if (events !== undefined) readRoles(events as Node, r, out);
  const now = root.get('now', true);
  if (now !== undefined) {
    const v = scalarValue(now);
    const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : typeof v === 'string' ? parseInstant(v) : null;
    if (ms === null) throw r.fail(`expected an ISO 8601 time or epoch milliseconds for "now", got ${JSON.stringify(v)}`, now as Node);
    out.nowMs = ms;
  }
  const checks = root.get('checks', true);
  if (checks === undefined) throw r.fail('the checks file needs a "checks" list', root);
  if (!isSeq(checks)) throw r.fail('expected "checks" to be a list', checks as Node);
  const ids = new Map<string, number | null>();
  for (const item of checks.items) {
    if (!isMap(item)) throw r.fail('expected each check to be a mapping with id, kind and its settings', item as Node);
    const spec = readCheck(item, r);
    if (ids.has(spec.id)) throw r.fail(`check id "${spec.id}" is used twice (first at line ${ids.get(spec.id)})`, item.items.find((p) => scalarValue(p.key) === 'id') ?? item);
    ids.set(spec.id, spec.line);
    out.checks.push(spec);
  }
  const skew = root.get('skew', true);
  if (skew !== undefined) readSkew(skew as Node, r, out);
  return out;
}

function readRoles(node: Node, r: SpecReader, out: ChecksFile): void {
  if (!isMap(node)) throw r.fail('expected "events" to map roles (user, item, ts, action, duration, ts_unit, duration_unit) to column names', node);
  for (const pair of node.items) {
    const key = String(scalarValue(pair.key));
    const role = ROLE_KEYS[key];
    if (!role) throw r.fail(`unknown event role "${key}"; expected one of ${Object.keys(ROLE_KEYS).join(', ')}`, pair);
    const v = scalarValue(pair.value);
    if (typeof v !== 'string' || v === '') throw r.fail(`expected a column name for events.${key}`, pair);
    if (role === 'tsUnit' || role === 'durationUnit') {
      if (!EPOCH_UNITS.includes(v as EpochUnit)) throw r.fail(`expected one of ${EPOCH_UNITS.join(', ')} for events.${key}, got "${v}"`, pair);
      out.roles[role] = v as EpochUnit;
    } else {
      out.roles[role] = v;
    }
    out.rolesGiven[role] = true;
  }
}

function readSkew(node: Node, r: SpecReader, out: ChecksFile): void {
  if (!isMap(node)) throw r.fail('expected "skew" to be a mapping (features, tolerance, max_mismatch_rate, max_unmatched_rate, severity)', node);
  const allowed = ['features', 'tolerance', 'max_mismatch_rate', 'max_unmatched_rate', 'severity'];
  out.skew.line = r.lineOf(node);
  for (const pair of node.items) {
    const key = String(scalarValue(pair.key));
    if (!allowed.includes(key)) throw r.fail(`unknown skew setting "${key}"; expected one of ${allowed.join(', ')}`, pair);
    const value = pair.value as Node;
    switch (key) {
      case 'features':
        out.skew.features = stringList(value, r, 'skew.features');
        break;
      case 'tolerance':
        out.skew.tolerance = number(value, r, 'skew.tolerance', 0);
        break;
      case 'max_mismatch_rate':
        out.skew.maxMismatchRate = number(value, r, 'skew.max_mismatch_rate', 0, 1);
        break;
      case 'max_unmatched_rate':
        out.skew.maxUnmatchedRate = number(value, r, 'skew.max_unmatched_rate', 0, 1);
        break;
      case 'severity':
        out.skew.severity = severity(value, r);
        break;
    }
  }
}

function number(node: Node, r: SpecReader, what: string, min = -Infinity, max = Infinity): number {
  const v = scalarValue(node);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    const range = min === -Infinity && max === Infinity ? 'a number' : max === Infinity ? `a number >= ${min}` : `a number from ${min} to ${max}`;
    throw r.fail(`expected ${range} for ${what}, got ${JSON.stringify(v ?? null)}`, node);
  }
  return v;
}

function integer(node: Node, r: SpecReader, what: string, min: number): number {
  const v = number(node, r, what, min);
  if (!Number.isInteger(v)) throw r.fail(`expected an integer for ${what}, got ${v}`, node);
  return v;
}

function stringList(node: Node, r: SpecReader, what: string): string[] {
  if (!isSeq(node)) throw r.fail(`expected a list of column names for ${what}`, node);
  return node.items.map((item) => {
    const v = scalarValue(item);
    if (typeof v !== 'string' || v === '') throw r.fail(`expected a column name in ${what}, got ${JSON.stringify(v ?? null)}`, item as Node);
    return v;
  });
}

function duration(node: Node, r: SpecReader, what: string): number {
  const v = scalarValue(node);
  const ms = typeof v === 'string' ? parseDuration(v) : typeof v === 'number' && v >= 0 ? v * 1000 : null;
  if (ms === null || ms < 0) throw r.fail(`expected a duration like 10s, 5m, 2h or 1d for ${what}, got ${JSON.stringify(v ?? null)}`, node);
  return ms;
}

function severity(node: Node, r: SpecReader): Severity {
  const v = scalarValue(node);
  if (v !== 'error' && v !== 'warn') throw r.fail(`expected error or warn for severity, got ${JSON.stringify(v ?? null)}`, node);
  return v;
}

function readCheck(item: YAMLMap, r: SpecReader): CheckSpec {
  const get = (k: string) => item.items.find((p) => scalarValue(p.key) === k);
  const idPair = get('id');
  const kindPair = get('kind');
  if (!idPair) throw r.fail('a check needs an "id"', item);
  const id = scalarValue(idPair.value);
  if (typeof id !== 'string' && typeof id !== 'number') throw r.fail('expected a string for the check id', idPair);
  if (!kindPair) throw r.fail(`check "${id}" needs a "kind" (one of ${CHECK_KINDS.join(', ')})`, item);
  const kind = scalarValue(kindPair.value);
  if (!CHECK_KINDS.includes(kind as CheckKind)) throw r.fail(`unknown check kind ${JSON.stringify(kind)} in check "${id}"; expected one of ${CHECK_KINDS.join(', ')}`, kindPair);
  const k = kind as CheckKind;
  const spec: CheckSpec = { id: String(id), kind: k, severity: 'error', file: r.file, line: r.lineOf(item), keyLines: {} };
  const allowed = new Set([...COMMON_KEYS, ...KEYS[k].required, ...KEYS[k].optional]);
  for (const pair of item.items) {
    const key = String(scalarValue(pair.key));
    spec.keyLines[key] = r.lineOf(pair) ?? spec.line ?? 0;
    if (!allowed.has(key)) throw r.fail(`check "${spec.id}" (${k}) does not take "${key}"; it takes ${[...KEYS[k].required, ...KEYS[k].optional].join(', ') || 'nothing else'}`, pair);
  }
  for (const req of KEYS[k].required) if (!get(req)) throw r.fail(`check "${spec.id}" (${k}) needs "${req}"`, item);
  for (const pair of item.items) {
    const key = String(scalarValue(pair.key));
    const node = pair.value as Node;
    const what = `${key} in check "${spec.id}"`;
    switch (key) {
      case 'id':
      case 'kind':
        break;
      case 'severity':
        spec.severity = severity(node, r);
        break;
      case 'column': {
        const v = scalarValue(node);
        if (typeof v !== 'string' || v === '') throw r.fail(`expected a column name for ${what}`, pair);
        spec.column = v;
        break;
      }
      case 'columns':
        spec.columns = stringList(node, r, what);
        if (k === 'modality_alignment' && spec.columns.length !== 2) throw r.fail(`check "${spec.id}" needs exactly two embedding columns, got ${spec.columns.length}`, pair);
        break;
      case 'key':
        if (isSeq(node)) spec.key = stringList(node, r, what);
        else {
          const v = scalarValue(node);
          if (typeof v !== 'string' || v === '') throw r.fail(`expected a column name (or a list of them) for ${what}`, pair);
          spec.key = [v];
        }
        break;
      case 'min':
      case 'max': {
        const v = scalarValue(node);
        if (k === 'null_rate_max') spec.max = number(node, r, what, 0, 1);
        else if (k === 'row_count') spec[key] = integer(node, r, what, 0);
        else if (typeof v === 'number' && Number.isFinite(v)) spec[key] = v;
        else if (v instanceof Date) spec[key] = v.toISOString();
        else if (typeof v === 'string' && parseInstant(v) !== null) spec[key] = v;
        else throw r.fail(`expected a number (or an ISO 8601 time, for time columns) for ${what}, got ${JSON.stringify(v ?? null)}`, pair);
        break;
      }
      case 'values': {
        if (!isSeq(node)) throw r.fail(`expected a list of values for ${what}`, pair);
        spec.values = node.items.map((it) => {
          const v = scalarValue(it);
          if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw r.fail(`expected strings, numbers, booleans or null in ${what}`, it as Node);
          return v as string | number | boolean | null;
        });
        break;
      }
      case 'pattern': {
        const v = scalarValue(node);
        if (typeof v !== 'string') throw r.fail(`expected a regular expression string for ${what}`, pair);
        try {
          new RegExp(v, 'u');
        } catch (e) {
          throw r.fail(`bad regular expression for ${what}: ${(e as Error).message}`, pair);
        }
        spec.pattern = v;
        break;
      }
      case 'type': {
        const v = scalarValue(node);
        if (typeof v !== 'string' || v === '') throw r.fail(`expected a type name (e.g. uint64, utf8, timestamp[ms]) for ${what}`, pair);
        spec.type = v;
        break;
      }
      case 'max_age':
        spec.maxAgeMs = duration(node, r, what);
        break;
      case 'skew':
        spec.skewMs = duration(node, r, what);
        break;
      case 'window':
        spec.windowMs = duration(node, r, what);
        break;
      case 'max_violations':
        spec.maxViolations = integer(node, r, what, 0);
        break;
      case 'max_rate':
        spec.maxRate = number(node, r, what, 0, 1);
        break;
      case 'max_events':
        spec.maxEvents = integer(node, r, what, 1);
        if (spec.maxEvents > 100000) throw r.fail(`expected at most 100000 for ${what}`, pair);
        break;
      case 'min_cosine':
        spec.minCosine = number(node, r, what, -1, 1);
        break;
      case 'max_share_below':
        spec.maxShareBelow = number(node, r, what, 0, 1);
        break;
      case 'max_zero_vectors':
        spec.maxZeroVectors = integer(node, r, what, 0);
        break;
      case 'dimension':
        spec.dimension = integer(node, r, what, 1);
        break;
      case 'method': {
        const v = scalarValue(node);
        if (!DRIFT_METHODS.includes(v as DriftMethod)) throw r.fail(`unknown drift method ${JSON.stringify(v)} in check "${spec.id}"; expected one of ${DRIFT_METHODS.join(', ')}`, pair);
        spec.method = v as DriftMethod;
        break;
      }
      case 'threshold':
        spec.threshold = number(node, r, what, 0);
        break;
      case 'bins':
        spec.bins = integer(node, r, what, 2);
        if (spec.bins > 1000) throw r.fail(`expected at most 1000 for ${what}`, pair);
        break;
    }
  }
  if (spec.maxViolations !== undefined && spec.maxRate !== undefined) throw r.fail(`check "${spec.id}" takes max_violations or max_rate, not both`, item);
  if (k === 'range' && spec.min === undefined && spec.max === undefined) throw r.fail(`check "${spec.id}" (range) needs min, max or both`, item);
  if (k === 'row_count' && spec.min === undefined && spec.max === undefined) throw r.fail(`check "${spec.id}" (row_count) needs min, max or both`, item);
  if (k === 'duplicates' && spec.key && spec.key.length === 0) throw r.fail(`check "${spec.id}" needs at least one key column`, item);
  return spec;
}

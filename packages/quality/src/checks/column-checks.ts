import { Type, type Data, type RecordBatch, type Schema } from 'apache-arrow';
import { typeName } from '@recdata/core';
import { KeyColumn } from '../columns/keys.js';
import { resolveTimeColumn, timesMs, type TimeColumn } from '../columns/time.js';
import { columnKind, displayValue, numberAt, validityOf } from '../columns/values.js';
import { parseInstant } from './durations.js';
import { countThreshold, countViolated, statusFor, WorstRows, type CheckResult } from './result.js';
import { checkUsage, requireCheckColumn, type BatchContext, type FinishContext, type Runner } from './runner.js';
import type { CheckSpec, EventRoles } from './spec.js';
import { UniqueTracker } from './unique-set.js';
import { isoOf, msText } from './temporal.js';

export interface BindContext {
  schema: Schema;
  roles: EventRoles;
  memoryLimit: number;
  worstLimit: number;
}

function result(spec: CheckSpec, column: string | null, metric: string, value: CheckResult['value'], threshold: CheckResult['threshold'], violated: boolean, detail: Record<string, unknown>, skip = false): CheckResult {
  return { id: spec.id, kind: spec.kind, column, metric, value, threshold, status: skip ? 'skip' : statusFor(violated, spec.severity), detail, severity: spec.severity };
}

/** not_null: no null rows (the null rows found first are listed). */
class NotNull implements Runner {
  private readonly worst: WorstRows;
  private nulls = 0;
  constructor(
    readonly spec: CheckSpec,
    private readonly index: number,
    worstLimit: number,
  ) {
    this.worst = new WorstRows(worstLimit);
  }
  add(batch: RecordBatch, firstRow: number, ctx: BatchContext): void {
    const data = batch.data.children[this.index];
    const validity = validityOf(data);
    if (validity === null) return;
    for (let i = 0; i < data.length; i++) {
      const b = data.offset + i;
      if ((validity[b >> 3] & (1 << (b & 7))) !== 0) continue;
      this.nulls++;
      const row = firstRow + i;
      if (this.worst.wants(-row)) this.worst.add(row, -row, {});
      ctx.flagged?.add(row, this.spec.id, `${this.spec.column} is null`);
    }
  }
  finish(ctx: FinishContext): CheckResult[] {
    const col = this.spec.column!;
    return [result(this.spec, col, 'nulls', this.nulls, 0, this.nulls > 0, { rows: ctx.rows, null_rate: ctx.rows ? this.nulls / ctx.rows : 0, first_null_rows: this.worst.rows.map((r) => r.row) })];
  }
}

/** null_rate_max: the share of null rows at most `max` (from the profile). */
class NullRateMax implements Runner {
  constructor(readonly spec: CheckSpec) {}
  finish(ctx: FinishContext): CheckResult[] {
    const col = this.spec.column!;
    const p = ctx.whole.get(col);
    const rows = p?.count ?? 0;
    const nulls = p?.nulls ?? 0;
    if (rows === 0) return [result(this.spec, col, 'null_rate', null, this.spec.max as number, false, { rows: 0, reason: 'no rows' }, true)];
    const rate = nulls / rows;
    return [result(this.spec, col, 'null_rate', rate, this.spec.max as number, rate > (this.spec.max as number), { rows, nulls })];
  }
}

/** range: every non-null value within [min, max] (NaN is out of range). */
class Range implements Runner {
  private readonly worst: WorstRows;
  private violations = 0;
  private checked = 0;
  private readonly min: number;
  private readonly max: number;
  private readonly time: TimeColumn | null;
  constructor(
    readonly spec: CheckSpec,
    private readonly index: number,
    schema: Schema,
    worstLimit: number,
  ) {
    this.worst = new WorstRows(worstLimit);
    const type = schema.fields[index].type;
    if (columnKind(type) !== 'numeric') throw checkUsage(spec, `range needs a numeric or time column; "${spec.column}" is ${typeName(type)}`, 'column');
    this.time = type.typeId === Type.Timestamp || type.typeId === Type.Date ? resolveTimeColumn(schema, spec.column!) : null;
    this.min = this.bound(spec.min, -Infinity, 'min');
    this.max = this.bound(spec.max, Infinity, 'max');
  }
  private bound(v: number | string | undefined, dflt: number, key: string): number {
    if (v === undefined) return dflt;
    if (typeof v === 'number') return v;
    const ms = parseInstant(v);
    if (ms === null || !this.time) throw checkUsage(this.spec, `${key} ${JSON.stringify(v)} is a time, but "${this.spec.column}" is not a time column`, key);
    return ms / this.time.msPerUnit;
  }
  add(batch: RecordBatch, firstRow: number, ctx: BatchContext): void {
    const data = batch.data.children[this.index];
    for (let i = 0; i < data.length; i++) {
      const x = numberAt(data, i);
      if (x === null) continue;
      this.checked++;
      if (x >= this.min && x <= this.max) continue;
      this.violations++;
      const row = firstRow + i;
      const score = x !== x ? Infinity : x < this.min ? this.min - x : x - this.max;
      const shown = this.time && x === x ? isoOf(x * this.time.msPerUnit) : x;
      if (this.worst.wants(score)) this.worst.add(row, score, { value: shown });
      ctx.flagged?.add(row, this.spec.id, `${this.spec.column} = ${shown} is outside [${this.show(this.min)}, ${this.show(this.max)}]`);
    }
  }
  private show(v: number): string {
    if (!Number.isFinite(v)) return String(v);
    return this.time ? isoOf(v * this.time.msPerUnit) : String(v);
  }
  finish(ctx: FinishContext): CheckResult[] {
    const s = this.spec;
    const threshold: Record<string, number | string | null> = { min: s.min ?? null, max: s.max ?? null };
    const violated = countViolated(this.violations, this.checked, s.maxViolations, s.maxRate);
    const p = ctx.whole.get(s.column!);
    return [
      result(s, s.column!, 'out_of_range', this.violations, { ...threshold, ...asRecord(countThreshold(s.maxViolations, s.maxRate)) }, violated, {
        checked: this.checked,
        rate: this.checked ? this.violations / this.checked : 0,
        min_seen: p && p.moments.n > 0 ? this.show(p.range.min) : null,
        max_seen: p && p.moments.n > 0 ? this.show(p.range.max) : null,
        worst: this.worst.toJSON(),
      }),
    ];
  }
}

function asRecord(t: number | Record<string, number>): Record<string, number> {
  return typeof t === 'number' ? { max_violations: t } : t;
}

/** Keyed value lookups for allowed_values and regex: per dictionary code once, else per row. */
class ValueMatcher {
  private readonly cache = new WeakMap<object, Uint8Array>();
  constructor(private readonly test: (v: string | number | boolean) => boolean) {}
  /** 1 = matches, 0 = does not, 2 = null (for each row of data). */
  run(data: Data, out: Uint8Array): void {
    const n = data.length;
    if (data.type.typeId === Type.Dictionary && data.dictionary) {
      let codes = this.cache.get(data.dictionary);
      if (!codes) {
        const dict = data.dictionary;
        codes = new Uint8Array(dict.length);
        for (let c = 0; c < dict.length; c++) {
          const v = dict.get(c);
          codes[c] = v === null || v === undefined ? 2 : this.test(typeof v === 'bigint' ? Number(v) : (v as string | number)) ? 1 : 0;
        }
        this.cache.set(data.dictionary, codes);
      }
      const idx = data.values as Int32Array;
      const validity = validityOf(data);
      for (let i = 0; i < n; i++) {
        const b = data.offset + i;
        out[i] = validity !== null && (validity[b >> 3] & (1 << (b & 7))) === 0 ? 2 : codes[idx[i]];
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const v = displayValue(data, i);
      out[i] = v === null ? 2 : this.test(v) ? 1 : 0;
    }
  }
}

/** allowed_values and regex: every non-null value passes the test (nulls are not counted). */
class ValueTest implements Runner {
  private readonly worst: WorstRows;
  private violations = 0;
  private checked = 0;
  private readonly counts = new Map<string, number>();
  private readonly matcher: ValueMatcher;
  private out = new Uint8Array(0);
  constructor(
    readonly spec: CheckSpec,
    private readonly index: number,
    schema: Schema,
    worstLimit: number,
  ) {
    this.worst = new WorstRows(worstLimit);
    const type = schema.fields[index].type;
    if (spec.kind === 'regex') {
      const stringy = type.typeId === Type.Utf8 || type.typeId === Type.LargeUtf8 || (type.typeId === Type.Dictionary && columnKind(type) === 'categorical' && (type as unknown as { dictionary: { typeId: Type } }).dictionary.typeId !== Type.Int);
      if (!stringy) throw checkUsage(spec, `regex needs a string column; "${spec.column}" is ${typeName(type)}`, 'column');
      const re = new RegExp(spec.pattern!, 'u');
      this.matcher = new ValueMatcher((v) => re.test(String(v)));
    } else {
      const kind = columnKind(type);
      if (kind === 'other') throw checkUsage(spec, `allowed_values needs a number, string or boolean column; "${spec.column}" is ${typeName(type)}`, 'column');
      const allowed = new Set((spec.values ?? []).filter((v) => v !== null).map((v) => (typeof v === 'boolean' ? String(v) : typeof v === 'number' ? `n:${v}` : `s:${v}`)));
      this.matcher = new ValueMatcher((v) => allowed.has(typeof v === 'boolean' ? String(v) : typeof v === 'number' ? `n:${v}` : `s:${v}`) || (typeof v === 'number' && allowed.has(`s:${v}`)));
    }
  }
  add(batch: RecordBatch, firstRow: number, ctx: BatchContext): void {
    const data = batch.data.children[this.index];
    if (this.out.length < data.length) this.out = new Uint8Array(data.length);
    this.matcher.run(data, this.out);
    for (let i = 0; i < data.length; i++) {
      const m = this.out[i];
      if (m === 2) continue;
      this.checked++;
      if (m === 1) continue;
      this.violations++;
      const row = firstRow + i;
      const v = displayValue(data, i);
      const key = JSON.stringify(v);
      if (this.counts.size < 10000 || this.counts.has(key)) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      if (this.worst.wants(-row)) this.worst.add(row, -row, { value: v });
      ctx.flagged?.add(row, this.spec.id, this.spec.kind === 'regex' ? `${this.spec.column} = ${key} does not match /${this.spec.pattern}/` : `${this.spec.column} = ${key} is not an allowed value`);
    }
  }
  finish(): CheckResult[] {
    const s = this.spec;
    const top = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([v, count]) => ({ value: JSON.parse(v), count }));
    const metric = s.kind === 'regex' ? 'mismatches' : 'disallowed';
    const threshold = s.kind === 'regex' ? { pattern: s.pattern!, ...asRecord(countThreshold(s.maxViolations, s.maxRate)) } : countThreshold(s.maxViolations, s.maxRate);
    return [
      result(s, s.column!, metric, this.violations, threshold, countViolated(this.violations, this.checked, s.maxViolations, s.maxRate), {
        checked: this.checked,
        rate: this.checked ? this.violations / this.checked : 0,
        [s.kind === 'regex' ? 'top_mismatches' : 'top_disallowed']: top,
        first_rows: this.worst.toJSON(),
      }),
    ];
  }
}

/** unique: no non-null value twice (exact, spilling to disk past --memory-limit). */
class Unique implements Runner {
  private readonly tracker: UniqueTracker;
  private readonly keys = new KeyColumn();
  private checked = 0;
  private flagged: BatchContext['flagged'] = null;
  constructor(
    readonly spec: CheckSpec,
    private readonly index: number,
    schema: Schema,
    memoryLimit: number,
    worstLimit: number,
  ) {
    const type = schema.fields[index].type;
    if (type.typeId === Type.List || type.typeId === Type.Struct || type.typeId === Type.FixedSizeList || type.typeId === Type.Map) throw checkUsage(spec, `unique needs a column of single values; "${spec.column}" is ${typeName(type)}`, 'column');
    this.tracker = new UniqueTracker(memoryLimit, worstLimit, (row, first) => this.flagged?.add(row, spec.id, `${spec.column} repeats the value of row ${first}`));
  }
  add(batch: RecordBatch, firstRow: number, ctx: BatchContext): void {
    this.flagged = ctx.flagged;
    const data = batch.data.children[this.index];
    this.keys.read(data);
    for (let i = 0; i < data.length; i++) {
      if (!this.keys.valid[i]) continue;
      this.checked++;
      this.tracker.add(this.keys.hi[i], this.keys.lo[i], firstRow + i);
    }
  }
  finish(): CheckResult[] {
    this.tracker.finish();
    const s = this.spec;
    const d = this.tracker.duplicates;
    return [
      result(s, s.column!, 'duplicates', d, countThreshold(s.maxViolations, s.maxRate), countViolated(d, this.checked, s.maxViolations, s.maxRate), {
        checked: this.checked,
        rate: this.checked ? d / this.checked : 0,
        first_duplicate_rows: this.tracker.examples,
        spilled_to_disk: this.tracker.spilled,
      }),
    ];
  }
}

/** type: the column's Arrow type, by name (as `recdata cat --schema` prints it). */
class TypeCheck implements Runner {
  private readonly actual: string;
  constructor(
    readonly spec: CheckSpec,
    index: number,
    schema: Schema,
  ) {
    this.actual = typeName(schema.fields[index].type);
  }
  finish(): CheckResult[] {
    const s = this.spec;
    const expected = s.type!;
    const ok = normaliseType(this.actual) === normaliseType(expected);
    return [result(s, s.column!, 'type', this.actual, expected, !ok, { expected, actual: this.actual })];
  }
}

function normaliseType(t: string): string {
  const s = t.replace(/\s+/g, '').toLowerCase();
  return s === 'dictionary' ? 'dict' : s === 'string' ? 'utf8' : s;
}

/** row_count: min <= rows <= max. */
class RowCount implements Runner {
  constructor(readonly spec: CheckSpec) {}
  finish(ctx: FinishContext): CheckResult[] {
    const s = this.spec;
    const min = (s.min as number | undefined) ?? 0;
    const max = (s.max as number | undefined) ?? Infinity;
    return [result(s, null, 'rows', ctx.rows, { min: s.min ?? null, max: s.max ?? null }, ctx.rows < min || ctx.rows > max, {})];
  }
}

/** freshness: the newest time not in the future is at most max_age before now. */
class Freshness implements Runner {
  private newest = -Infinity;
  private times = new Float64Array(0);
  private packed = new Float64Array(0);
  private readonly time: TimeColumn;
  constructor(
    readonly spec: CheckSpec,
    schema: Schema,
    roles: EventRoles,
    private readonly nowMs: number,
  ) {
    const name = spec.column ?? roles.ts;
    requireCheckColumn(schema, spec, name, spec.column ? 'column' : 'max_age');
    try {
      this.time = resolveTimeColumn(schema, name, roles.tsUnit);
    } catch (e) {
      throw checkUsage(spec, (e as Error).message, 'column');
    }
  }
  add(batch: RecordBatch): void {
    const n = batch.numRows;
    if (this.times.length < n) {
      this.times = new Float64Array(n);
      this.packed = new Float64Array(n);
    }
    timesMs(batch.data.children[this.time.index], this.time, this.times, this.packed);
    const now = this.nowMs;
    let newest = this.newest;
    for (let i = 0; i < n; i++) {
      const t = this.times[i];
      if (t <= now && t > newest) newest = t;
    }
    this.newest = newest;
  }
  finish(): CheckResult[] {
    const s = this.spec;
    const col = this.time.name;
    const threshold = s.maxAgeMs! / 1000;
    if (this.newest === -Infinity) return [result(s, col, 'age_seconds', null, threshold, true, { now: isoOf(this.nowMs), reason: 'no row has a time at or before now' })];
    const age = (this.nowMs - this.newest) / 1000;
    return [result(s, col, 'age_seconds', age, threshold, age > threshold, { now: isoOf(this.nowMs), newest: isoOf(this.newest), age: msText(age * 1000), max_age: msText(s.maxAgeMs!) })];
  }
}

/** Binds a column-level check to the input's schema (exit 2 with the checks file's line for a missing column). */
export function bindColumnCheck(spec: CheckSpec, ctx: BindContext, nowMs: number): Runner {
  const { schema } = ctx;
  const index = spec.column !== undefined ? requireCheckColumn(schema, spec, spec.column) : -1;
  switch (spec.kind) {
    case 'not_null':
      return new NotNull(spec, index, ctx.worstLimit);
    case 'null_rate_max':
      return new NullRateMax(spec);
    case 'range':
      return new Range(spec, index, schema, ctx.worstLimit);
    case 'allowed_values':
    case 'regex':
      return new ValueTest(spec, index, schema, ctx.worstLimit);
    case 'unique':
      return new Unique(spec, index, schema, ctx.memoryLimit, ctx.worstLimit);
    case 'type':
      return new TypeCheck(spec, index, schema);
    case 'row_count':
      return new RowCount(spec);
    case 'freshness':
      return new Freshness(spec, schema, ctx.roles, nowMs);
    default:
      throw new Error(`not a column check: ${spec.kind}`);
  }
}


import { DateUnit, Type, type DataType, type Date_, type Dictionary, type Schema, type Vector } from 'apache-arrow';
import { errors, typeName, type BatchStream } from '@recdata/core';
import { formatDay, type Day } from '../registry/dates.js';
import type { ArmTotals } from '../stats/effects.js';

export const ARMS = ['treatment', 'control'] as const;
export type Arm = (typeof ARMS)[number];

/** One metric of one strategy: daily totals per arm. */
export interface MetricSeries {
  metric: string;
  kind: 'mean' | 'ratio';
  days: Map<Day, Partial<Record<Arm, ArmTotals>>>;
}

export interface MetricsData {
  /** strategy_id -> metric -> series. */
  byStrategy: Map<string, Map<string, MetricSeries>>;
  rows: number;
  firstDay: Day | null;
  lastDay: Day | null;
}

const isString = (t: DataType): boolean => t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8 || (t.typeId === Type.Dictionary && isString((t as Dictionary).dictionary));
const isDay = (t: DataType) => t.typeId === Type.Date && (t as Date_).unit === DateUnit.DAY;
const isInt = (t: DataType) => t.typeId === Type.Int;
const isFloat = (t: DataType) => t.typeId === Type.Float;

/** The columns of the metrics stream (docs/strategy-metrics.md), with the types accepted for each. */
export const METRIC_COLUMNS: { name: string; type: string; accept: (t: DataType) => boolean; required: boolean }[] = [
  { name: 'strategy_id', type: 'utf8', accept: isString, required: true },
  { name: 'date', type: 'date32', accept: isDay, required: true },
  { name: 'arm', type: 'utf8', accept: isString, required: true },
  { name: 'metric', type: 'utf8', accept: isString, required: true },
  { name: 'n', type: 'int64', accept: isInt, required: true },
  { name: 'sum', type: 'float64', accept: isFloat, required: true },
  { name: 'sum_sq', type: 'float64', accept: isFloat, required: true },
  { name: 'den_sum', type: 'float64', accept: isFloat, required: false },
  { name: 'den_sum_sq', type: 'float64', accept: isFloat, required: false },
  { name: 'num_den_sum', type: 'float64', accept: isFloat, required: false },
];
const RATIO_COLUMNS = ['den_sum', 'den_sum_sq', 'num_den_sum'];

/** Checks the schema, naming every missing or mistyped column in one message (exit 65). */
export function checkMetricsSchema(schema: Schema, source: string): { ratio: boolean } {
  const problems: string[] = [];
  const present = new Map(schema.fields.map((f) => [f.name, f.type]));
  for (const c of METRIC_COLUMNS) {
    const t = present.get(c.name);
    if (t === undefined) {
      if (c.required) problems.push(`missing column "${c.name}" (${c.type})`);
    } else if (!c.accept(t)) problems.push(`column "${c.name}" has type ${typeName(t)}, expected ${c.type}`);
  }
  const ratioPresent = RATIO_COLUMNS.filter((c) => present.has(c));
  if (ratioPresent.length > 0 && ratioPresent.length < RATIO_COLUMNS.length) {
    for (const c of RATIO_COLUMNS) if (!present.has(c)) problems.push(`missing column "${c}" (float64; ratio metrics need den_sum, den_sum_sq and num_den_sum)`);
  }
  if (problems.length > 0) {
    throw errors.schemaMismatch(`metrics stream: ${problems.join('; ')}; the stream has: ${schema.fields.map((f) => `${f.name} ${typeName(f.type)}`).join(', ') || '(no columns)'}`, {
      file: source,
    });
  }
  return { ratio: ratioPresent.length === RATIO_COLUMNS.length };
}

/**
 * Reads the daily aggregates into per-strategy, per-metric series. Bad values (a
 * null in a required column, an unknown arm, a negative n, a non-finite sum, a
 * ratio metric without its denominator, the same day twice) are exit 65 with the
 * row (0-based, over the whole stream).
 */
export async function readMetrics(stream: BatchStream, source: string): Promise<MetricsData> {
  const { ratio } = checkMetricsSchema(stream.schema, source);
  const byStrategy = new Map<string, Map<string, MetricSeries>>();
  let row = 0;
  let firstDay: Day | null = null;
  let lastDay: Day | null = null;
  const required = [
    ['strategy', 'strategy_id'],
    ['date', 'date'],
    ['arm', 'arm'],
    ['metric', 'metric'],
    ['n', 'n'],
    ['sum', 'sum'],
    ['sumSq', 'sum_sq'],
  ] as const;
  const bad = (message: string, column?: string) => errors.badInput(`metrics stream: ${message}`, { file: source, column, row });
  for await (const batch of stream) {
    const col = (name: string) => batch.getChild(name) as Vector;
    const c = {
      strategy: col('strategy_id'),
      date: col('date'),
      arm: col('arm'),
      metric: col('metric'),
      n: col('n'),
      sum: col('sum'),
      sumSq: col('sum_sq'),
    };
    const strategies = stringValues(c.strategy);
    const metricNames = stringValues(c.metric);
    const armNames = stringValues(c.arm);
    const den = ratio ? col('den_sum') : null;
    const denSq = ratio ? col('den_sum_sq') : null;
    const cross = ratio ? col('num_den_sum') : null;
    const days = c.date.data[0].values as Int32Array;
    const [nv, sumv, sumSqv] = [c.n, c.sum, c.sumSq].map((v) => v.data[0].values as ArrayLike<number | bigint>);
    const [denv, denSqv, crossv] = [den, denSq, cross].map((v) => (v ? (v.data[0].values as ArrayLike<number>) : null));
    const [denValid, denSqValid, crossValid] = [den, denSq, cross].map((v) => (v ? validity(v) : null));
    const anyNull = required.some(([key]) => c[key].nullCount > 0);
    for (let i = 0; i < batch.numRows; i++, row++) {
      if (anyNull) for (const [key, name] of required) if (!c[key].isValid(i)) throw bad(`null in required column "${name}"`, name);
      const strategy = strategies[i]!;
      const metric = metricNames[i]!;
      const arm = armNames[i]!;
      if (arm !== 'treatment' && arm !== 'control') throw bad(`expected arm treatment or control, got ${JSON.stringify(arm)}`, 'arm');
      const day = days[i];
      const n = Number(nv[i]);
      if (!Number.isSafeInteger(n) || n < 0) throw bad(`expected a count >= 0 in "n", got ${String(nv[i])}`, 'n');
      const totals: ArmTotals = { n, sum: Number(sumv[i]), sumSq: Number(sumSqv[i]) };
      if (!Number.isFinite(totals.sum) || !Number.isFinite(totals.sumSq) || totals.sumSq < 0) throw bad('expected finite sum and sum_sq >= 0', 'sum');
      const hasDen = denValid !== null && denValid(i);
      if (hasDen) {
        if (!denSqValid!(i) || !crossValid!(i)) throw bad('a ratio metric row needs den_sum, den_sum_sq and num_den_sum', 'den_sum_sq');
        totals.denSum = Number(denv![i]);
        totals.denSumSq = Number(denSqv![i]);
        totals.numDenSum = Number(crossv![i]);
        if (![totals.denSum, totals.denSumSq, totals.numDenSum].every(Number.isFinite) || totals.denSumSq < 0) throw bad('expected finite den_sum, den_sum_sq >= 0 and num_den_sum', 'den_sum');
      }
      let metrics = byStrategy.get(strategy);
      if (!metrics) byStrategy.set(strategy, (metrics = new Map()));
      let series = metrics.get(metric);
      if (!series) metrics.set(metric, (series = { metric, kind: hasDen ? 'ratio' : 'mean', days: new Map() }));
      if ((series.kind === 'ratio') !== hasDen) {
        throw bad(`metric "${metric}" of strategy "${strategy}" is a ${series.kind} metric in earlier rows but ${hasDen ? 'has' : 'lacks'} den_sum here`, 'den_sum');
      }
      let arms = series.days.get(day);
      if (!arms) series.days.set(day, (arms = {}));
      if (arms[arm]) throw bad(`a second row for strategy "${strategy}", metric "${metric}", arm ${arm} on ${formatDay(day)} (one row per day and arm)`);
      arms[arm] = totals;
      if (firstDay === null || day < firstDay) firstDay = day;
      if (lastDay === null || day > lastDay) lastDay = day;
    }
  }
  return { byStrategy, rows: row, firstDay, lastDay };
}

/**
 * A string column's values for one batch. The few distinct names (strategies,
 * metrics, arms) repeat on every row, so each distinct byte string is decoded once.
 */
function stringValues(v: Vector): (string | null)[] {
  const data = v.data[0];
  const out: (string | null)[] = new Array(v.length);
  if (data.type.typeId === Type.Dictionary) {
    const dict = stringValues(data.dictionary!);
    const codes = data.values as ArrayLike<number>;
    const valid = validity(v);
    for (let i = 0; i < v.length; i++) out[i] = valid(i) ? dict[Number(codes[i])] : null;
    return out;
  }
  if (data.type.typeId !== Type.Utf8) {
    for (let i = 0; i < v.length; i++) out[i] = v.isValid(i) ? String(v.get(i)) : null;
    return out;
  }
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const decoder = new TextDecoder();
  // FNV-1a of the bytes -> the strings seen with that hash (checked byte for byte).
  const cache = new Map<number, { a: number; b: number; s: string }[]>();
  const valid = validity(v);
  for (let i = 0; i < v.length; i++) {
    if (!valid(i)) {
      out[i] = null;
      continue;
    }
    const a = offsets[i];
    const b = offsets[i + 1];
    let h = 0x811c9dc5;
    for (let k = a; k < b; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
    let bucket = cache.get(h);
    if (!bucket) cache.set(h, (bucket = []));
    let hit: string | undefined;
    for (const e of bucket) {
      if (e.b - e.a !== b - a) continue;
      let same = true;
      for (let k = 0; k < b - a && same; k++) same = bytes[e.a + k] === bytes[a + k];
      if (same) {
        hit = e.s;
        break;
      }
    }
    if (hit === undefined) bucket.push({ a, b, s: (hit = decoder.decode(bytes.subarray(a, b))) });
    out[i] = hit;
  }
  return out;
}

/** Row i is not null: read from the validity bitmap (Vector.isValid dispatches per call). */
function validity(v: Vector): (i: number) => boolean {
  const data = v.data[0];
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return () => true;
  const offset = data.offset;
  return (i) => ((bitmap[(offset + i) >> 3] >> ((offset + i) & 7)) & 1) === 1;
}

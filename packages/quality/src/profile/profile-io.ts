import { Binary, Float64, RecordBatch, Schema, Uint64, Utf8, type Data } from 'apache-arrow';
import { batchStream, column, errors, field, makeBatch, utf8Column, type BatchStream } from '@recdata/core';
import { HyperLogLog } from '../sketch/hll.js';
import { KllSketch } from '../sketch/kll.js';
import { SpaceSaving } from '../sketch/space-saving.js';
import { ColumnProfile, SUMMARY_QUANTILES, DEFAULT_SKETCH_OPTIONS } from './column-profile.js';
import { partitionKeyOfLabel, PARTITION_UNITS, type PartitionUnit } from './partition.js';
import { Profile } from './profiler.js';

/** Schema metadata keys of a profile stream. */
export const PROFILE_META = {
  format: 'recdata.quality.profile',
  partition: 'recdata.quality.partition',
  rows: 'recdata.quality.rows',
  timeColumn: 'recdata.quality.time_column',
} as const;
export const PROFILE_FORMAT_VERSION = '1';

const QUANTILE_COLUMNS = SUMMARY_QUANTILES.map((q) => `p${Math.round(q * 100).toString().padStart(2, '0')}`);

/**
 * A profile as an Arrow stream: one row per (partition, column). The readable
 * columns (count ... p99, distinct) are for people and other tools; merging and
 * drift read the exact fields (count, nulls, nan, valid, min, max, mean, m2) and
 * the serialised sketches (kll, hll, top: space-saving as JSON).
 */
export function profileSchema(): Schema {
  return new Schema([
    field('partition', new Utf8(), false),
    field('column', new Utf8(), false),
    field('type', new Utf8(), false),
    field('kind', new Utf8(), false),
    field('count', new Uint64(), false),
    field('nulls', new Uint64(), false),
    field('nan', new Uint64(), false),
    field('valid', new Uint64(), false),
    field('min', new Float64()),
    field('max', new Float64()),
    field('mean', new Float64()),
    field('std', new Float64()),
    ...QUANTILE_COLUMNS.map((q) => field(q, new Float64())),
    field('distinct', new Float64()),
    field('m2', new Float64()),
    field('kll', new Binary()),
    field('hll', new Binary()),
    field('top', new Binary()),
  ]);
}

export function isProfileSchema(schema: Schema): boolean {
  return schema.metadata.get(PROFILE_META.format) !== undefined;
}

function float64Column(values: (number | null)[]): Data {
  const out = new Float64Array(values.length);
  const validity = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) {
      out[i] = v;
      validity[i >> 3] |= 1 << (i & 7);
    }
  });
  return column.float64(out, validity);
}

function uint64Column(values: number[]): Data {
  return column.uint64(BigUint64Array.from(values, (v) => BigInt(v)));
}

function binaryColumn(values: (Uint8Array | null)[]): Data {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((v, i) => {
    total += v?.length ?? 0;
    offsets[i + 1] = total;
  });
  const bytes = new Uint8Array(total);
  const validity = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v) {
      bytes.set(v, offsets[i]);
      validity[i >> 3] |= 1 << (i & 7);
    }
  });
  return column.binary(offsets, bytes, validity);
}

/** The profile as a one-batch stream (metadata says how it was made). */
export function profileToStream(profile: Profile, extraMetadata: Record<string, string> = {}): BatchStream {
  const meta = new Map<string, string>([
    [PROFILE_META.format, PROFILE_FORMAT_VERSION],
    [PROFILE_META.partition, profile.unit],
    [PROFILE_META.rows, String(profile.rows)],
    ...Object.entries(profile.meta),
    ...Object.entries(extraMetadata),
  ]);
  const base = profileSchema();
  const schema = new Schema(base.fields, meta);
  const rows: { partition: string; p: ColumnProfile }[] = [];
  for (const key of profile.keys()) for (const p of profile.partitions.get(key)!) rows.push({ partition: profile.label(key), p });
  const summaries = rows.map((r) => r.p.summary(0));
  const cols: Data[] = [
    utf8Column(rows.map((r) => r.partition)),
    utf8Column(rows.map((r) => r.p.name)),
    utf8Column(rows.map((r) => r.p.type)),
    utf8Column(rows.map((r) => r.p.kind)),
    uint64Column(rows.map((r) => r.p.count)),
    uint64Column(rows.map((r) => r.p.nulls)),
    uint64Column(rows.map((r) => r.p.nan)),
    uint64Column(rows.map((r) => r.p.valid)),
    float64Column(summaries.map((s) => s.min)),
    float64Column(summaries.map((s) => s.max)),
    float64Column(summaries.map((s) => s.mean)),
    float64Column(summaries.map((s) => s.std)),
    ...QUANTILE_COLUMNS.map((q) => float64Column(summaries.map((s) => s.quantiles?.[q] ?? null))),
    float64Column(summaries.map((s) => s.distinct)),
    float64Column(rows.map((r) => (r.p.kind === 'numeric' ? r.p.moments.m2 : null))),
    binaryColumn(rows.map((r) => r.p.kll?.toBytes() ?? null)),
    binaryColumn(rows.map((r) => r.p.hll?.toBytes() ?? null)),
    binaryColumn(rows.map((r) => r.p.top?.toBytes() ?? null)),
  ];
  return batchStream(schema, [makeBatch(schema, cols, rows.length)]);
}

/** Reads a profile back from its batches (exit 65 for a stream that is not a profile). */
export async function profileFromStream(stream: BatchStream, source: string): Promise<Profile> {
  const schema = stream.schema;
  if (!isProfileSchema(schema)) throw errors.badInput(`${source} is not a quality-scan profile (no ${PROFILE_META.format} metadata)`, { file: source });
  const version = schema.metadata.get(PROFILE_META.format);
  if (version !== PROFILE_FORMAT_VERSION) throw errors.badInput(`${source}: unsupported profile format version ${version}`, { file: source });
  const unit = (schema.metadata.get(PROFILE_META.partition) ?? 'none') as PartitionUnit;
  if (!PARTITION_UNITS.includes(unit)) throw errors.badInput(`${source}: unknown partition unit ${JSON.stringify(unit)}`, { file: source });
  const columns: Profile['columns'] = [];
  const partitions = new Map<number, Map<string, ColumnProfile>>();
  for await (const batch of stream) readRows(batch, unit, source, columns, partitions);
  const profile = new Profile(unit, columns);
  for (const [key, byName] of partitions) {
    profile.partitions.set(
      key,
      columns.map((c) => byName.get(c.name) ?? new ColumnProfile(c.name, c.type, c.kind, DEFAULT_SKETCH_OPTIONS)),
    );
  }
  profile.rows = Number(schema.metadata.get(PROFILE_META.rows) ?? 0);
  for (const [k, v] of schema.metadata) if (k.startsWith('recdata.quality.') && k !== PROFILE_META.format && k !== PROFILE_META.partition && k !== PROFILE_META.rows) profile.meta[k] = v;
  return profile;
}

function readRows(batch: RecordBatch, unit: PartitionUnit, source: string, columns: Profile['columns'], partitions: Map<number, Map<string, ColumnProfile>>): void {
  const get = (name: string) => {
    const c = batch.getChild(name);
    if (!c) throw errors.badInput(`${source}: profile lacks column ${name}`, { file: source, column: name });
    return c;
  };
  const [partition, name, type, kind, count, nulls, nan, valid, min, max, mean, m2, kll, hll, top] = [
    'partition', 'column', 'type', 'kind', 'count', 'nulls', 'nan', 'valid', 'min', 'max', 'mean', 'm2', 'kll', 'hll', 'top',
  ].map(get);
  for (let i = 0; i < batch.numRows; i++) {
    const where = { file: source, row: i };
    try {
      const key = partitionKeyOfLabel(partition.get(i) as string, unit);
      const colName = name.get(i) as string;
      const colKind = kind.get(i) as ColumnProfile['kind'];
      const colType = type.get(i) as string;
      if (!columns.some((c) => c.name === colName)) columns.push({ name: colName, type: colType, kind: colKind });
      const kllBytes = kll.get(i) as Uint8Array | null;
      const hllBytes = hll.get(i) as Uint8Array | null;
      const topBytes = top.get(i) as Uint8Array | null;
      const p = new ColumnProfile(colName, colType, colKind, DEFAULT_SKETCH_OPTIONS);
      p.count = Number(count.get(i));
      p.nulls = Number(nulls.get(i));
      p.nan = Number(nan.get(i));
      p.moments.n = Number(valid.get(i));
      if (colKind === 'numeric' && p.moments.n > 0) {
        p.range.min = min.get(i) as number;
        p.range.max = max.get(i) as number;
        p.moments.mean = mean.get(i) as number;
        p.moments.m2 = m2.get(i) as number;
      } else {
        p.moments.n = 0;
      }
      p.kll = kllBytes ? KllSketch.fromBytes(kllBytes) : null;
      p.hll = hllBytes ? HyperLogLog.fromBytes(hllBytes) : null;
      p.top = topBytes ? SpaceSaving.fromBytes(topBytes) : null;
      let byName = partitions.get(key);
      if (!byName) partitions.set(key, (byName = new Map()));
      byName.set(colName, p);
    } catch (e) {
      if ((e as { exitCode?: number }).exitCode) throw e;
      throw errors.badInput(`${source}: corrupt profile row (${(e as Error).message})`, where);
    }
  }
}

/**
 * Merges profiles (e.g. one per day into one for the week). Columns must agree in
 * type; partitions with the same label merge, others are kept side by side.
 * Counts, nulls, NaN, min, max and moments merge exactly (moments up to rounding);
 * quantiles, distinct counts and top values within their sketches' error.
 */
export function mergeProfiles(profiles: { profile: Profile; source: string }[]): Profile {
  if (profiles.length === 0) throw errors.usage('merge needs at least one profile');
  let unit = profiles[0].profile.unit;
  for (const { profile, source } of profiles) {
    if (profile.unit !== unit) {
      if (profile.unit === 'none' || unit === 'none') throw errors.schemaMismatch(`cannot merge a partitioned profile with an unpartitioned one (${source} is partitioned by ${profile.unit}, the first by ${unit})`, { file: source });
      // Coarsen to the coarser of the two units.
      const order = ['day', 'month', 'year'];
      if (order.indexOf(profile.unit) > order.indexOf(unit)) unit = profile.unit;
    }
  }
  const first = profiles[0].profile;
  const columns = [...first.columns];
  for (const { profile, source } of profiles.slice(1)) {
    for (const c of profile.columns) {
      const existing = columns.find((x) => x.name === c.name);
      if (!existing) columns.push(c);
      else if (existing.type !== c.type) throw errors.schemaMismatch(`column "${c.name}" is ${c.type} in ${source} but ${existing.type} in ${profiles[0].source}`, { file: source, column: c.name });
    }
  }
  const out = new Profile(unit, columns);
  for (const { profile } of profiles) {
    while (profile.unit !== unit) profile.coarsen();
    out.rows += profile.rows;
    for (const [k, v] of Object.entries(profile.meta)) out.meta[k] ??= v;
    for (const key of profile.keys()) {
      const cols = profile.partitions.get(key)!;
      let target = out.partitions.get(key);
      if (!target) {
        target = columns.map((c) => {
          const template = cols.find((x) => x.name === c.name);
          return template ? template.emptyLike() : new ColumnProfile(c.name, c.type, c.kind, DEFAULT_SKETCH_OPTIONS);
        });
        out.partitions.set(key, target);
      }
      for (const c of cols) target[columns.findIndex((x) => x.name === c.name)].merge(c);
    }
  }
  return out;
}

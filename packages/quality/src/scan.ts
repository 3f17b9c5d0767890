import fs from 'node:fs';
import os from 'node:os';
import { ArrowReader, errors, typeName, type BatchStream } from '@recdata/core';
import type { Schema } from 'apache-arrow';
import { resolveTimeColumn, type TimeColumn } from './columns/time.js';
import { gatherNumbers } from './columns/values.js';
import { bindColumnCheck } from './checks/column-checks.js';
import { bindDriftCheck, DriftRunner, type Reference } from './checks/drift-check.js';
import { ModalityRunner } from './checks/modality.js';
import type { CheckResult, FlaggedSink } from './checks/result.js';
import type { FinishContext, Runner } from './checks/runner.js';
import { SkewRunner } from './checks/skew.js';
import { TEMPORAL_KINDS, type CheckSpec, type ChecksFile } from './checks/spec.js';
import { bindTemporalChecks } from './checks/temporal-checks.js';
import { isoOf } from './checks/temporal.js';
import { binOf } from './drift/compare.js';
import { driftHeatmap, nullRateHeatmap, type Heatmap } from './report/heatmaps.js';
import { ColumnProfile, type ColumnSummary, type SketchOptions } from './profile/column-profile.js';
import type { PartitionUnit } from './profile/partition.js';
import { isProfileSchema, profileFromStream } from './profile/profile-io.js';
import { Profile, Profiler } from './profile/profiler.js';

export interface ScanOptions {
  checks: ChecksFile;
  nowMs: number;
  /** Partition for heatmaps: day (default when the input has a time column), month, year or none. */
  partition: PartitionUnit | 'auto';
  maxPartitions: number;
  sketch: SketchOptions;
  memoryLimit: number;
  /** Threads for profiling (this one included; numeric columns go to the others). */
  threads?: number;
  /** Worst rows kept per check. */
  worstLimit: number;
  /** A reference file (profile or data), or one loaded already. */
  reference: string | Reference | null;
  serving: { file: string; joinKey: string } | null;
  flagged: FlaggedSink | null;
  inputNames: string[];
  notice?: (message: string) => void;
}

export interface ScanSummary {
  checks: number;
  passed: number;
  failed: number;
  warned: number;
}

export interface ScanReport {
  summary: ScanSummary;
  checks: CheckResult[];
  input: {
    files: string[];
    rows: number;
    empty: boolean;
    columns: { name: string; type: string }[];
    partition: PartitionUnit;
    partitions: string[];
    now: string;
    reference: string | null;
    serving: string | null;
    checks_file: string | null;
  };
  profile: ColumnSummary[];
  heatmaps: { nullRate: Heatmap | null; drift: Heatmap | null };
}

export function summarize(checks: CheckResult[]): ScanSummary {
  return {
    checks: checks.length,
    passed: checks.filter((c) => c.status === 'pass').length,
    failed: checks.filter((c) => c.status === 'fail').length,
    warned: checks.filter((c) => c.status === 'warn').length,
  };
}

/** Opens a reference: a profile as is, or a data stream profiled now (one pass, same sketch settings). */
export async function loadReference(file: string, options: { sketch: SketchOptions; threads?: number }): Promise<Reference> {
  const reader = await ArrowReader.open([file]);
  let profile: Profile;
  let rereadable = false;
  if (isProfileSchema(reader.schema)) {
    profile = await profileFromStream(reader, file);
  } else {
    const profiler = new Profiler(reader.schema, { ...options.sketch, partition: 'none', time: null, maxPartitions: 1, threads: options.threads ?? 1 });
    try {
      for await (const batch of reader) await profiler.add(batch);
      profile = await profiler.finish();
    } finally {
      await profiler.close();
    }
    rereadable = file !== '-';
  }
  const whole = new Map(profile.whole().map((c) => [c.name, c]));
  return { source: file, profile, whole, rereadable };
}

/** A reference column whose type differs from the input's: exit 65 naming it. */
export function checkReferenceTypes(schema: Schema, reference: Reference): void {
  for (const f of schema.fields) {
    const r = reference.whole.get(f.name);
    if (r && r.type !== typeName(f.type)) throw errors.schemaMismatch(`column "${f.name}" is ${r.type} in the reference ${reference.source} but ${typeName(f.type)} in the input`, { column: f.name });
  }
}

/**
 * Threads worth using for these inputs: the request (default: the cores), but one
 * for files smaller than 16 MiB in all, where starting worker threads costs more
 * than it saves. The profile is the same whatever the count.
 */
export function threadsFor(paths: string[], requested: number | undefined): number {
  const cores = requested ?? os.availableParallelism();
  if (cores <= 1) return 1;
  if (paths.length === 0 || paths.includes('-')) return cores;
  let bytes = 0;
  for (const p of paths) {
    try {
      bytes += fs.statSync(p).size;
    } catch {
      return cores;
    }
  }
  return bytes < 16 * 1024 * 1024 ? 1 : cores;
}

/**
 * The scan: one pass over the input that profiles every column (per time
 * partition) and runs every check; the reference (if any) is read first, and a
 * data-stream reference is read a second time only for exact bin counts.
 */
export async function scan(input: BatchStream, options: ScanOptions): Promise<ScanReport> {
  const schema = input.schema;
  const file = options.checks;
  const roles = file.roles;

  // Time partitions for the heatmaps.
  let time: TimeColumn | null = null;
  let partition: PartitionUnit = options.partition === 'auto' ? 'day' : options.partition;
  if (partition !== 'none') {
    const hasTs = schema.fields.some((f) => f.name === roles.ts);
    if (!hasTs) {
      if (options.partition !== 'auto') throw errors.usage(`--partition ${partition} needs the time column "${roles.ts}" (set it with --ts-column or events.ts)`);
      partition = 'none';
    } else {
      try {
        time = resolveTimeColumn(schema, roles.ts, roles.tsUnit);
      } catch (e) {
        if (options.partition !== 'auto') throw e;
        partition = 'none';
      }
    }
  }

  const reference = typeof options.reference === 'string' ? await loadReference(options.reference, { sketch: options.sketch, threads: options.threads }) : options.reference;
  if (reference) checkReferenceTypes(schema, reference);

  // Bind every check to the schema (exit 2 at the checks file's line for a missing column).
  const runners: Runner[] = [];
  const bind = { schema, roles, memoryLimit: options.memoryLimit, worstLimit: options.worstLimit };
  const temporal = file.checks.filter((c) => TEMPORAL_KINDS.has(c.kind));
  const temporalRunners = bindTemporalChecks(temporal, file, schema, options.nowMs, options.worstLimit);
  let specs: CheckSpec[] = file.checks;
  if (reference && !specs.some((c) => c.kind === 'drift')) {
    // A reference without drift checks: auto drift on every column both have.
    specs = [
      ...specs,
      ...schema.fields
        .filter((f) => reference.whole.get(f.name) && reference.whole.get(f.name)!.kind !== 'other')
        .map((f): CheckSpec => ({ id: `drift:${f.name}`, kind: 'drift', severity: 'warn', file: null, line: null, keyLines: {}, column: f.name, method: 'auto' })),
    ];
  }
  for (const spec of specs) {
    if (TEMPORAL_KINDS.has(spec.kind)) runners.push(temporalRunners[temporal.indexOf(spec)]);
    else if (spec.kind === 'drift') runners.push(bindDriftCheck(spec, schema, reference));
    else if (spec.kind === 'modality_alignment') runners.push(new ModalityRunner(spec, schema, options.worstLimit));
    else runners.push(bindColumnCheck(spec, bind, options.nowMs));
  }
  if (options.serving) {
    const servingReader = await ArrowReader.open([options.serving.file]);
    const servingSchema = servingReader.schema;
    for await (const _ of servingReader) break; // only the schema now; the rows are read after the pass
    runners.push(new SkewRunner(file.skew, options.serving.file, servingSchema, schema, options.serving.joinKey, file.file));
  }

  // Exact reference bin counts for numeric binned drift checks (a second pass over a reference data file).
  const binned = runners.filter((r): r is DriftRunner => r instanceof DriftRunner && r.edges !== null);
  if (reference && reference.rereadable && binned.length > 0) await countReferenceBins(reference.source, binned);

  // The pass.
  const profiler = new Profiler(schema, { ...options.sketch, partition, time, maxPartitions: options.maxPartitions, threads: options.threads ?? 1 });
  profiler.onCoarsen = (unit) => options.notice?.(`more than ${options.maxPartitions} time partitions: partitioning by ${unit} instead`);
  const adders = runners.filter((r) => r.add);
  let firstRow = 0;
  let profile: Profile;
  try {
    for await (const batch of input) {
      const profiled = profiler.add(batch);
      const ctx = { flagged: options.flagged, partitionKeys: profiler.lastKeys, partitionUnit: profiler.lastUnit };
      for (const r of adders) r.add!(batch, firstRow, ctx);
      firstRow += batch.numRows;
      await profiled;
    }
    profile = await profiler.finish();
  } finally {
    await profiler.close();
  }
  const wholeColumns = profile.whole();
  const whole = new Map(wholeColumns.map((c) => [c.name, c]));
  // An empty input still has every column (with zero counts).
  if (wholeColumns.length === 0) for (const f of schema.fields) whole.set(f.name, new ColumnProfile(f.name, f.type, null, options.sketch));
  const ctx: FinishContext = { rows: profile.rows, profile, whole, nowMs: options.nowMs, worstLimit: options.worstLimit };
  const checks: CheckResult[] = [];
  for (const r of runners) checks.push(...(await r.finish(ctx)));

  const driftChecks = checks.filter((c) => c.kind === 'drift');
  return {
    summary: summarize(checks),
    checks,
    input: {
      files: options.inputNames,
      rows: profile.rows,
      empty: profile.rows === 0,
      columns: schema.fields.map((f) => ({ name: f.name, type: typeName(f.type) })),
      partition: profile.unit,
      partitions: profile.keys().map((k) => profile.label(k)),
      now: isoOf(options.nowMs),
      reference: reference?.source ?? null,
      serving: options.serving?.file ?? null,
      checks_file: file.file,
    },
    profile: schema.fields.map((f) => (whole.get(f.name) ?? new ColumnProfile(f.name, f.type, null, options.sketch)).summary()),
    heatmaps: {
      nullRate: nullRateHeatmap(profile),
      drift: driftHeatmap(profile, driftChecks, wholeColumns),
    },
  };
}

async function countReferenceBins(source: string, runners: DriftRunner[]): Promise<void> {
  const reader = await ArrowReader.open([source]);
  const counts = runners.map((r) => new Float64Array(r.edges!.length + 1));
  const indices = runners.map((r) => reader.schema.fields.findIndex((f) => f.name === r.spec.column));
  let values = new Float64Array(0);
  const stats = { nulls: 0, nan: 0 };
  for await (const batch of reader) {
    if (values.length < batch.numRows) values = new Float64Array(batch.numRows);
    runners.forEach((r, k) => {
      const n = gatherNumbers(batch.data.children[indices[k]], null, 0, batch.numRows, values, stats);
      const edges = r.edges!;
      const c = counts[k];
      for (let i = 0; i < n; i++) c[binOf(edges, values[i])]++;
    });
  }
  runners.forEach((r, k) => r.setReferenceCounts(counts[k]));
}

import type { RecordBatch, Schema } from 'apache-arrow';
import { errors } from '@recdata/core';
import { timesMs, type TimeColumn } from '../columns/time.js';
import { ColumnProfile, Scratch, type SketchOptions } from './column-profile.js';
import { coarsenKey, coarserUnit, partitionKeyOfMs, partitionLabel, type PartitionUnit } from './partition.js';

export interface ProfilerOptions extends SketchOptions {
  /** Partition rows by this unit of the time column (none: one partition). */
  partition: PartitionUnit;
  /** The time column (required when partition is not none). */
  time: TimeColumn | null;
  /** Past this many partitions, move to the next coarser unit. */
  maxPartitions: number;
  /** Only these columns (default: all). */
  columns?: string[];
}

/** A profile: column profiles per partition (one partition "all" when unpartitioned). */
export class Profile {
  unit: PartitionUnit;
  readonly columns: { name: string; type: string; kind: ColumnProfile['kind'] }[];
  /** Partition key → one ColumnProfile per column (same order as `columns`). */
  readonly partitions = new Map<number, ColumnProfile[]>();
  rows = 0;
  /** Extra facts kept with the profile (e.g. the time column, sketch settings). */
  readonly meta: Record<string, string> = {};

  constructor(unit: PartitionUnit, columns: { name: string; type: string; kind: ColumnProfile['kind'] }[]) {
    this.unit = unit;
    this.columns = columns;
  }

  /** Partition keys in time order (null time last). */
  keys(): number[] {
    return [...this.partitions.keys()].sort((a, b) => a - b);
  }

  label(key: number): string {
    return partitionLabel(key, this.unit);
  }

  /** The whole input: the merge of every partition (exact counts and moments; sketches within their error). */
  whole(): ColumnProfile[] {
    const keys = this.keys();
    if (keys.length === 1) return this.partitions.get(keys[0])!;
    const first = this.partitions.get(keys[0]);
    if (!first) return [];
    const out = first.map((c) => c.emptyLike());
    for (const k of keys) this.partitions.get(k)!.forEach((c, i) => out[i].merge(c));
    return out;
  }

  /** Moves every partition to the next coarser unit, merging those that fall together. */
  coarsen(): boolean {
    const next = coarserUnit(this.unit);
    if (!next) return false;
    const merged = new Map<number, ColumnProfile[]>();
    for (const k of this.keys()) {
      const nk = coarsenKey(k, this.unit);
      const target = merged.get(nk);
      const cols = this.partitions.get(k)!;
      if (!target) merged.set(nk, cols);
      else cols.forEach((c, i) => target[i].merge(c));
    }
    this.partitions.clear();
    for (const [k, v] of merged) this.partitions.set(k, v);
    this.unit = next;
    return true;
  }
}

/**
 * Profiles a stream in one pass: rows are routed to their time partition (batches
 * that fall in one partition go whole; others are split by a counting sort of
 * row indices, stable, so each partition sees its rows in input order) and every
 * column's profile is updated with its rows.
 */
export class Profiler {
  readonly profile: Profile;
  private readonly options: ProfilerOptions;
  private readonly indices: number[];
  private readonly scratch = new Scratch();
  private times = new Float64Array(0);
  private packed = new Float64Array(0);
  private keyOfRow = new Float64Array(0);
  private order = new Int32Array(0);
  /** The partition key of each row of the last batch added, and its unit (null when unpartitioned). */
  get lastKeys(): Float64Array | null {
    return this.profile.unit === 'none' && this.lastUnit === 'none' ? null : this.keyOfRow;
  }
  lastUnit: PartitionUnit = 'none';
  /** Called when the partition unit becomes coarser (for a notice). */
  onCoarsen: ((unit: PartitionUnit) => void) | null = null;

  constructor(schema: Schema, options: ProfilerOptions) {
    this.options = options;
    const names = options.columns ?? schema.fields.map((f) => f.name);
    this.indices = names.map((n) => {
      const i = schema.fields.findIndex((f) => f.name === n);
      if (i < 0) throw errors.missingColumn(n, schema.fields.map((f) => f.name));
      return i;
    });
    if (options.partition !== 'none' && !options.time) throw errors.usage('partitioning needs a time column');
    const probe = this.indices.map((i) => new ColumnProfile(schema.fields[i].name, schema.fields[i].type, null, options));
    this.profile = new Profile(options.partition, probe.map((c) => ({ name: c.name, type: c.type, kind: c.kind })));
    this.schemaFields = schema.fields.map((f) => f.type);
  }

  private readonly schemaFields: Schema['fields'][number]['type'][];

  private partitionColumns(key: number): ColumnProfile[] {
    let cols = this.profile.partitions.get(key);
    if (!cols) {
      cols = this.indices.map((i, c) => new ColumnProfile(this.profile.columns[c].name, this.schemaFields[i], null, this.options));
      this.profile.partitions.set(key, cols);
    }
    return cols;
  }

  add(batch: RecordBatch): void {
    const n = batch.numRows;
    this.profile.rows += n;
    if (n === 0) return;
    const children = batch.data.children;
    const unit = this.profile.unit;
    if (unit === 'none') {
      const cols = this.partitionColumns(0);
      for (let c = 0; c < this.indices.length; c++) cols[c].add(children[this.indices[c]], null, 0, n, this.scratch);
      return;
    }
    if (this.times.length < n) {
      this.times = new Float64Array(n);
      this.packed = new Float64Array(n);
      this.keyOfRow = new Float64Array(n);
      this.order = new Int32Array(n);
    }
    this.lastUnit = unit;
    const time = this.options.time!;
    timesMs(children[time.index], time, this.times, this.packed);
    const keys = this.keyOfRow;
    let first = NaN;
    let uniform = true;
    for (let i = 0; i < n; i++) {
      const k = partitionKeyOfMs(this.times[i], unit);
      keys[i] = k;
      if (i === 0) first = k;
      else if (k !== first) uniform = false;
    }
    if (uniform) {
      const cols = this.partitionColumns(first);
      for (let c = 0; c < this.indices.length; c++) cols[c].add(children[this.indices[c]], null, 0, n, this.scratch);
    } else {
      // Stable counting sort of the row indices by partition key.
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) counts.set(keys[i], (counts.get(keys[i]) ?? 0) + 1);
      const starts = new Map<number, number>();
      let pos = 0;
      for (const [k, c] of counts) {
        starts.set(k, pos);
        pos += c;
      }
      const cursor = new Map(starts);
      const order = this.order;
      for (let i = 0; i < n; i++) {
        const k = keys[i];
        const p = cursor.get(k)!;
        order[p] = i;
        cursor.set(k, p + 1);
      }
      for (const [k, start] of starts) {
        const end = start + counts.get(k)!;
        const cols = this.partitionColumns(k);
        for (let c = 0; c < this.indices.length; c++) cols[c].add(children[this.indices[c]], order, start, end, this.scratch);
      }
    }
    while (this.profile.partitions.size > this.options.maxPartitions && this.profile.coarsen()) this.onCoarsen?.(this.profile.unit);
  }
}

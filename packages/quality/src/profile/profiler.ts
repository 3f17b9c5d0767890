import { createRequire } from 'node:module';
import type { Data, RecordBatch, Schema } from 'apache-arrow';
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errors, WorkerPool } from '@recdata/core';
import { timesMs, type TimeColumn } from '../columns/time.js';
import { gatherNumbers } from '../columns/values.js';
import type { NumericChunk, NumericResult } from './numeric-worker.js';
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
  /** Threads in all (this one included): above 1, numeric columns are sketched in worker threads. */
  threads?: number;
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
 *
 * With `threads` > 1 the numeric columns' sketches (the costly part) move to
 * worker threads: this thread gathers each column's non-null values per partition
 * into a compact array and counts nulls and NaN; one worker per group of columns
 * updates the sketches in the same order a single thread would, so the profile is
 * the same, byte for byte, whatever the thread count.
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
  private readonly offload: Offload | null;
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
    const numeric = probe.map((c, i) => (c.kind === 'numeric' ? i : -1)).filter((i) => i >= 0);
    const workers = Math.min((options.threads ?? 1) - 1, numeric.length);
    this.offload = workers > 0 ? new Offload(workers, numeric, options) : null;
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

  /** Profiles one batch (waits only when the worker threads are two batches behind). */
  async add(batch: RecordBatch): Promise<void> {
    const n = batch.numRows;
    this.profile.rows += n;
    if (n === 0) return;
    const children = batch.data.children;
    const unit = this.profile.unit;
    const off = this.offload;
    if (unit === 'none') {
      const cols = this.partitionColumns(0);
      for (let c = 0; c < this.indices.length; c++) {
        if (off && off.owner[c] >= 0) off.gather(cols[c], c, 0, children[this.indices[c]], null, 0, n, this.scratch);
        else cols[c].add(children[this.indices[c]], null, 0, n, this.scratch);
      }
      if (off) await off.send();
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
    const feed = (key: number, idx: Int32Array | null, from: number, to: number) => {
      const cols = this.partitionColumns(key);
      for (let c = 0; c < this.indices.length; c++) {
        if (off && off.owner[c] >= 0) off.gather(cols[c], c, key, children[this.indices[c]], idx, from, to, this.scratch);
        else cols[c].add(children[this.indices[c]], idx, from, to, this.scratch);
      }
    };
    if (uniform) feed(first, null, 0, n);
    else {
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
      for (const [k, start] of starts) feed(k, order, start, start + counts.get(k)!);
    }
    if (off) await off.send();
    while (this.profile.partitions.size > this.options.maxPartitions) {
      const from = this.profile.unit;
      if (!this.profile.coarsen()) break;
      if (off) await off.coarsen(from, this.profile.unit);
      this.onCoarsen?.(this.profile.unit);
    }
  }

  /** Collects the worker threads' sketches into the profile (call once, after the last batch). */
  async finish(): Promise<Profile> {
    if (this.offload) {
      const results = await this.offload.finish();
      for (const r of results) this.profile.partitions.get(r.key)![r.column].installNumeric(r);
    }
    return this.profile;
  }

  /** Stops the worker threads (after finish, or after a failure). */
  async close(): Promise<void> {
    await this.offload?.close();
  }
}

const workerModule = (() => {
  // Built code runs numeric-worker.js, tests the TypeScript source (the pool loads
  // .ts task modules under tsx); inside the CLI's bundle this module is a chunk far
  // from either, so the package resolves its own entry by name.
  for (const name of ['./numeric-worker.js', './numeric-worker.ts']) {
    const url = new URL(name, import.meta.url);
    if (fs.existsSync(fileURLToPath(url))) return url.href;
  }
  return pathToFileURL(createRequire(import.meta.url).resolve('@recdata/quality/numeric-worker')).href;
})();

/** The worker threads of a Profiler: one single-thread pool per group of numeric columns, so each column's updates stay in order. */
class Offload {
  /** Column (index in the profile) → worker, or -1 for columns this thread profiles. */
  readonly owner: Int32Array;
  private readonly pools: WorkerPool[];
  private readonly session = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  private readonly chunks: NumericChunk[][];
  private readonly transfer: ArrayBuffer[][];
  private readonly pending: Promise<unknown>[][];
  private failure: unknown = null;

  constructor(workers: number, numeric: number[], options: ProfilerOptions) {
    this.owner = new Int32Array(Math.max(...numeric) + 1 || 0).fill(-1);
    const groups: number[][] = Array.from({ length: workers }, () => []);
    numeric.forEach((c, i) => {
      this.owner[c] = i % workers;
      groups[i % workers].push(c);
    });
    this.pools = groups.map(() => new WorkerPool(1));
    this.chunks = groups.map(() => []);
    this.transfer = groups.map(() => []);
    this.pending = groups.map(() => []);
    const sketch = { kllK: options.kllK, hllP: options.hllP, topCapacity: options.topCapacity };
    groups.forEach((cols, w) => this.track(w, this.pools[w].run(workerModule, 'numericInit', [this.session, cols, sketch, options.partition])));
  }

  private track(w: number, p: Promise<unknown>): Promise<unknown> {
    const q = p.catch((e) => {
      this.failure ??= e;
    });
    this.pending[w].push(q);
    return q;
  }

  /** Counts a column's nulls and NaN here and queues its values for its worker. */
  gather(col: ColumnProfile, c: number, key: number, data: Data, idx: Int32Array | null, from: number, to: number, scratch: Scratch): void {
    const values = new Float64Array(to - from);
    scratch.stats.nulls = 0;
    scratch.stats.nan = 0;
    const m = gatherNumbers(data, idx, from, to, values, scratch.stats);
    col.countOnly(scratch.stats.nulls, scratch.stats.nan, to - from);
    if (m === 0) return;
    const w = this.owner[c];
    const v = m === values.length ? values : values.slice(0, m);
    this.chunks[w].push({ column: c, key, values: v });
    this.transfer[w].push(v.buffer);
  }

  async send(): Promise<void> {
    for (let w = 0; w < this.pools.length; w++) {
      if (this.chunks[w].length === 0) continue;
      this.track(w, this.pools[w].run(workerModule, 'numericAdd', [this.session, this.chunks[w]], this.transfer[w]));
      this.chunks[w] = [];
      this.transfer[w] = [];
      // Two batches in flight per worker at most: memory stays bounded.
      while (this.pending[w].length > 2) await this.pending[w].shift();
    }
    if (this.failure) throw this.failure;
  }

  async coarsen(_from: PartitionUnit, to: PartitionUnit): Promise<void> {
    for (let w = 0; w < this.pools.length; w++) this.track(w, this.pools[w].run(workerModule, 'numericCoarsen', [this.session, to]));
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<NumericResult[]> {
    for (const p of this.pending) await Promise.all(p);
    if (this.failure) throw this.failure;
    const results = await Promise.all(this.pools.map((pool) => pool.run<NumericResult[]>(workerModule, 'numericFinish', [this.session])));
    return results.flat();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pools.map((p) => p.destroy()));
  }
}

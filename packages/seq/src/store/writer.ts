/**
 * The one writer of a seq-store: it holds the lock, logs every batch to the WAL
 * before it counts as accepted, keeps a memtable, flushes it to run files (one
 * per partition) in one manifest transaction, and compacts partitions whose runs
 * pass the trigger (ingest waits at the stall bound). Opening recovers from a
 * crash: files the manifest does not list are deleted (an interrupted flush or
 * compaction), and WAL records past the flushed LSN are replayed and flushed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RecordBatchReader, Schema, Timestamp, Type, type RecordBatch } from 'apache-arrow';
import { ArrowStreamWriter, errors, typeName, WorkerPool } from '@recdata/core';
import { encodeHeader, encodeSchema, LANE_DICT, type Partition } from '../format/header.js';
import type { TsUnitName } from '../encode/plan.js';
import { nativeSeq, type SeqBackend } from '../kernels.js';
import { tableVector } from '../lanes/arrow.js';
import { SAMPLE_ROWS } from '../tables/models.js';
import { decodeHeader } from '../format/header.js';
import { checkPolicy, DEFAULT_POLICY, pickRuns, type CompactionPolicy } from './compaction.js';
import { PayloadDecoder } from './decoder.js';
import { partitionsOfRows, writeRun, type RunContext } from './flush.js';
import { wordsOf } from '../codec/w64.js';
import type { IntLane } from '../lanes/lane.js';
import { fromFields, jobTransfer, runFlushJob, type ErrorFields, type FlushJob, type FlushOutput } from './flush-job.js';
import { workerModule } from '../dispatch.js';
import { LOCK_FILE, RUNS_DIR, StoreLayout, storeState, WAL_DIR } from './layout.js';
import { WriterLock } from './lock.js';
import { Manifest, MANIFEST_FILE, type FileRow, type NewFile, type StoreConfig } from './manifest.js';
import { Memtable } from './memtable.js';
import { mergeRuns } from './merge.js';
import { RunFile } from './run-file.js';
import { fsyncDir, removeSegmentsBefore, replayRecords, WalWriter, type SyncMode } from './wal.js';

export const DEFAULT_MEMTABLE_BYTES = 64 * 2 ** 20;
/** Events from which a flush or compaction uses the worker pool. */
const POOL_MIN_EVENTS = 1 << 18;

/** What a writer tells its observers (the crash test listens to both). */
export interface StoreHooks {
  /** Phases: recover, flush, flushed, compact, compacted, drop. */
  phase?: (name: string) => void;
  /** A record is durable: the batch with this LSN (and rows) is acknowledged. */
  ack?: (lsn: number, rows: number) => void;
}

export interface CreateOptions {
  user: string;
  ts: string;
  partition: Partition;
  /** Unit of an integer ts column. */
  tsUnit: TsUnitName;
}

export interface WriterOptions {
  sync?: SyncMode;
  memtableBytes?: number;
  policy?: Partial<CompactionPolicy>;
  /** Compact in the background past the trigger (default true). */
  autoCompact?: boolean;
  /** Drop rows with a null user or ts instead of failing. */
  dropNullKeys?: boolean;
  backend?: SeqBackend;
  threads?: number;
  /** The command, for the lock holder's description. */
  command?: string;
  hooks?: StoreHooks;
  /** Creates the store when the folder is missing or empty (else exit 66 there). */
  create?: CreateOptions & { schema: Schema };
  /** Explicit settings for an existing store: a difference is exit 2. */
  expect?: Partial<CreateOptions>;
}

export interface AppendResult {
  lsn: number;
  /** Resolves once the batch is durable (its WAL record synced, or flushed). */
  durable: Promise<void>;
}

/** Every RunFile-level and memtable counter a writer reports when it closes. */
export interface WriterSummary {
  events: number;
  batches: number;
  flushes: number;
  compactions: number;
  replayedRecords: number;
  removedOrphans: number;
  droppedNullKeys: number;
  firstLsn: number;
  lastLsn: number;
}

const UNITS_PER_SECOND: Record<TsUnitName, number> = { s: 1, ms: 1e3, us: 1e6, ns: 1e9 };

/** Arrow IPC stream bytes of one batch (schema, dictionaries, batch, end), as views. */
export async function batchToIpc(batch: RecordBatch): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const sink = {
    bytesWritten: 0,
    async write(c: Uint8Array | Uint8Array[]) {
      for (const x of Array.isArray(c) ? c : [c]) if (x.byteLength > 0) chunks.push(x);
    },
  };
  const w = new ArrowStreamWriter(sink as never);
  await w.writeSchema(batch.schema);
  await w.write(batch);
  await w.finish();
  return chunks;
}

function unitsPerSecondOf(schema: Schema, ts: string, tsUnit: TsUnitName): number {
  const t = schema.fields.find((x) => x.name === ts)?.type;
  if (t && t.typeId === Type.Timestamp) return [1, 1e3, 1e6, 1e9][(t as Timestamp).unit];
  return UNITS_PER_SECOND[tsUnit];
}

/** A batch's schema against the store's: the same names and types (exit 65 naming the difference). */
function checkSchema(store: Schema, input: Schema, dir: string): boolean {
  const a = store.fields;
  const b = input.fields;
  const names = (fs: { name: string }[]) => fs.map((f) => f.name).join(', ');
  if (a.length !== b.length || a.some((f, i) => f.name !== b[i].name)) {
    throw errors.schemaMismatch(`the input's columns [${names(b)}] are not the store's [${names(a)}]`, { file: dir });
  }
  let widen = false;
  for (let i = 0; i < a.length; i++) {
    const ta = typeName(a[i].type);
    const tb = typeName(b[i].type);
    if (ta !== tb) throw errors.schemaMismatch(`column "${a[i].name}" is ${tb} in the input, ${ta} in the store`, { column: a[i].name, file: dir });
    if (b[i].nullable && !a[i].nullable) widen = true;
  }
  return widen;
}

export class SeqStoreWriter {
  readonly dir: string;
  readonly layout: StoreLayout;
  private readonly manifest: Manifest;
  private readonly lock: WriterLock;
  private readonly options: WriterOptions;
  private readonly policy: CompactionPolicy;
  private readonly backend: SeqBackend;
  private readonly threads: number;
  private readonly memtableBytes: number;
  private readonly wal: WalWriter;
  private memtable: Memtable;
  private nextLsn: number;
  private nextFileId: number;
  /** Dictionary values the manifest has, per dictionary column. */
  private readonly persisted = new Map<number, number>();
  private files = new Map<number, FileRow[]>();
  private flushing: Promise<void> | null = null;
  /** The models of this session's flushes (see flushHeader). */
  private header: { bytes: Uint8Array; sampleRows: number } | null = null;
  private compacting: Promise<void> | null = null;
  private failure: unknown = null;
  private pool: WorkerPool | null = null;
  private readonly decoder: PayloadDecoder;
  private inputRows = 0;
  private closed = false;
  readonly summary: WriterSummary = { events: 0, batches: 0, flushes: 0, compactions: 0, replayedRecords: 0, removedOrphans: 0, droppedNullKeys: 0, firstLsn: 0, lastLsn: 0 };

  private constructor(dir: string, manifest: Manifest, lock: WriterLock, options: WriterOptions) {
    this.dir = dir;
    this.manifest = manifest;
    this.lock = lock;
    this.options = options;
    this.layout = new StoreLayout(dir, manifest.config());
    this.policy = checkPolicy({ ...DEFAULT_POLICY, ...options.policy, stall: options.policy?.stall ?? Math.max(options.policy?.trigger ?? DEFAULT_POLICY.trigger, DEFAULT_POLICY.trigger) + 3 });
    this.backend = options.backend ?? (nativeSeq() ? 'native' : 'js');
    this.threads = options.threads ?? 1;
    this.memtableBytes = options.memtableBytes ?? DEFAULT_MEMTABLE_BYTES;
    this.wal = new WalWriter(dir, options.sync ?? 'batch');
    this.nextLsn = manifest.flushedLsn + 1;
    this.nextFileId = manifest.nextFileId;
    this.decoder = new PayloadDecoder(this.backend, this.threads, () => this.sharedPool());
    this.seedDictionaries();
    this.memtable = this.newMemtable();
    for (const f of manifest.files()) this.partitionFiles(f.partition).push(f);
  }

  /** Opens (or creates) the store in `dir` for writing, recovering from a crash first. */
  static async open(dir: string, options: WriterOptions = {}): Promise<SeqStoreWriter> {
    let state = storeState(dir);
    if (state !== 'store' && !options.create) {
      if (state === 'missing') throw errors.cannotOpen(dir, 'no such folder');
      throw errors.badInput(`${dir} is not a recdata seq-store (no ${MANIFEST_FILE}; it is empty)`, { file: dir });
    }
    if (state === 'missing') fs.mkdirSync(dir, { recursive: true });
    const lock = WriterLock.acquire(dir, options.command ?? 'seq-store', () => {
      const m = Manifest.open(dir, { readonly: true });
      try {
        return m.writer();
      } finally {
        m.close();
      }
    });
    let manifest: Manifest | null = null;
    try {
      // Another writer may have created it between the look and the lock.
      state = fs.existsSync(path.join(dir, MANIFEST_FILE)) ? 'store' : state;
      if (state === 'store') manifest = Manifest.open(dir, { readonly: false });
      else {
        const c = options.create!;
        const config: StoreConfig = {
          schemaBytes: encodeSchema(new Schema(c.schema.fields, c.schema.metadata)),
          user: c.user,
          ts: c.ts,
          partition: c.partition,
          unitsPerSecond: unitsPerSecondOf(c.schema, c.ts, c.tsUnit),
        };
        // The layout checks the columns before anything is written.
        new StoreLayout(dir, config);
        manifest = Manifest.create(dir, config);
      }
      manifest.setWriter(lock.info);
      const w = new SeqStoreWriter(dir, manifest, lock, options);
      w.checkSettings();
      if (options.create && state === 'store') {
        if (checkSchema(w.layout.schema, options.create.schema, dir)) w.widenNullability(options.create.schema);
      }
      await w.recover();
      return w;
    } catch (e) {
      manifest?.close();
      lock.release();
      throw e;
    }
  }

  private checkSettings(): void {
    const e = this.options.expect ?? {};
    const c = this.layout.config;
    const have: Record<string, string> = { user: c.user, ts: c.ts, partition: c.partition };
    for (const [k, v] of Object.entries({ user: e.user, ts: e.ts, partition: e.partition })) {
      if (v !== undefined && v !== have[k]) throw errors.usage(`the store's ${k} is ${have[k]}; --${k} ${v} does not match it (a store keeps the settings it was created with)`);
    }
  }

  /** The store schema becomes nullable where an input is (its files do not change). */
  private widenNullability(input: Schema): void {
    const fields = this.layout.schema.fields.map((f, i) => (input.fields[i].nullable && !f.nullable ? f.clone({ nullable: true }) : f));
    const bytes = encodeSchema(new Schema(fields, this.layout.schema.metadata));
    this.manifest.setMeta('schema', Buffer.from(bytes));
    (this.layout as { config: StoreConfig }).config.schemaBytes = bytes;
  }

  private sharedPool(): WorkerPool {
    return (this.pool ??= new WorkerPool(this.threads));
  }

  private partitionFiles(p: number): FileRow[] {
    let list = this.files.get(p);
    if (!list) this.files.set(p, (list = []));
    return list;
  }

  private seedDictionaries(): void {
    const dict = this.manifest.dictionary();
    this.layout.plan.columns.forEach((c, k) => {
      if (c.lane !== LANE_DICT || !c.dict) return;
      const values = dict.get(k) ?? [];
      if (values.length > 0) {
        const offsets = new Int32Array(values.length + 1);
        let total = 0;
        values.forEach((v, i) => (offsets[i + 1] = total += v.length));
        const bytes = new Uint8Array(total);
        values.forEach((v, i) => bytes.set(v, offsets[i]));
        c.dict.mappingFor(tableVector({ offsets, bytes }, this.layout.dictionaryValueType(k)!), 0);
      }
      this.persisted.set(k, values.length);
    });
  }

  private newMemtable(): Memtable {
    return new Memtable(this.layout.plan, this.backend === 'native' ? nativeSeq() : null, this.memtableBytes);
  }

  /** Small flushes and compactions encode on this thread: starting workers costs more. */
  private context(events: number): RunContext {
    const threads = events >= POOL_MIN_EVENTS ? this.threads : 1;
    return { layout: this.layout, backend: this.backend, threads, pool: () => this.sharedPool(), nextId: () => this.nextFileId++ };
  }

  private phase(name: string): void {
    this.options.hooks?.phase?.(name);
  }

  // ---- recovery ---------------------------------------------------------------

  private async recover(): Promise<void> {
    this.phase('recover');
    this.summary.removedOrphans = this.removeOrphans();
    const { records } = replayRecords(this.dir, this.manifest.flushedLsn, true);
    for (const r of records) {
      const reader = RecordBatchReader.from(r.body);
      for (const batch of reader) {
        if (!reader.schema || batch.numRows === 0) continue;
        // Records were checked when written: rows with null keys were dropped then too.
        this.memtable.append(batch, 0, true);
      }
      this.memtable.covers(r.lsn, r.body.length, r.body.length + 20);
      this.nextLsn = Math.max(this.nextLsn, r.lsn + 1);
    }
    this.summary.replayedRecords = records.length;
    if (this.memtable.rows > 0 || records.length > 0) {
      const m = this.memtable;
      this.memtable = this.newMemtable();
      await this.flushMemtable(m);
    }
    removeSegmentsBefore(this.dir, Number.MAX_SAFE_INTEGER);
    await this.wal.open(this.nextLsn);
    this.summary.firstLsn = this.nextLsn;
    this.summary.lastLsn = this.nextLsn - 1;
  }

  /** Deletes run files (and leftovers) the manifest does not list. */
  private removeOrphans(): number {
    const listed = new Set(this.manifest.files().map((f) => f.path));
    const runs = path.join(this.dir, RUNS_DIR);
    let removed = 0;
    if (!fs.existsSync(runs)) return 0;
    for (const part of fs.readdirSync(runs)) {
      const pdir = path.join(runs, part);
      if (!fs.statSync(pdir).isDirectory()) {
        fs.rmSync(pdir, { force: true });
        removed++;
        continue;
      }
      for (const f of fs.readdirSync(pdir)) {
        const rel = path.posix.join(RUNS_DIR, part, f);
        if (!listed.has(rel)) {
          fs.rmSync(path.join(pdir, f), { force: true, recursive: true });
          removed++;
        }
      }
      if (fs.readdirSync(pdir).length === 0) fs.rmdirSync(pdir);
    }
    return removed;
  }

  // ---- ingest -------------------------------------------------------------------

  private check(): void {
    if (this.closed) throw errors.internal('the store writer is closed');
    if (this.failure) throw this.failure;
  }

  /**
   * Accepts a batch: into the memtable (checked), then to the WAL. Resolves once
   * accepted (after any flush or stall it triggers); `durable` says when it is
   * acknowledged.
   */
  async append(batch: RecordBatch): Promise<AppendResult> {
    this.check();
    if (batch.numRows === 0) return { lsn: this.nextLsn - 1, durable: Promise.resolve() };
    const dropped = this.memtable.append(batch, this.inputRows, this.options.dropNullKeys ?? false);
    this.inputRows += batch.numRows;
    this.summary.droppedNullKeys += dropped;
    const lsn = this.nextLsn++;
    let body: Uint8Array[];
    let durable: Promise<void>;
    try {
      body = await batchToIpc(batch);
      durable = this.wal.append(lsn, batch.numRows, body);
    } catch (e) {
      this.failure = e;
      throw e;
    }
    const bytes = body.reduce((s, b) => s + b.length, 0);
    this.memtable.covers(lsn, bytes, bytes + 20);
    this.summary.events += batch.numRows - dropped;
    this.summary.batches++;
    this.summary.lastLsn = lsn;
    const rows = batch.numRows;
    const acked = durable.then(() => this.options.hooks?.ack?.(lsn, rows));
    acked.catch(() => undefined);
    if (this.memtable.bytes >= this.memtableBytes) await this.rotate();
    await this.stallIfNeeded();
    return { lsn, durable: acked };
  }

  /** Starts flushing the memtable (waiting for the previous flush first). */
  private async rotate(): Promise<void> {
    if (this.flushing) await this.flushing;
    this.check();
    if (this.memtable.rows === 0 && this.memtable.lsnMax === 0) return;
    const m = this.memtable;
    this.memtable = this.newMemtable();
    await this.wal.open(this.nextLsn);
    const task = this.flushMemtable(m).then(
      () => {
        removeSegmentsBefore(this.dir, this.nextLsnOfSegment());
        this.scheduleCompaction();
      },
      (e) => {
        this.failure ??= e;
      },
    );
    this.flushing = task;
    void task.finally(() => {
      if (this.flushing === task) this.flushing = null;
    });
  }

  private nextLsnOfSegment(): number {
    const name = path.basename(this.wal.segment);
    return Number(name.slice(0, 16));
  }

  /** Flushes now and waits (tests, and the end of an ingest). */
  async flush(): Promise<void> {
    this.check();
    await this.rotate();
    if (this.flushing) await this.flushing;
    this.check();
  }

  private async flushMemtable(m: Memtable): Promise<void> {
    this.phase('flush');
    const lanes = m.lanes();
    let files: NewFile[] = [];
    try {
      if (lanes.rows > 0) {
        // Every partition between the smallest and largest ts may get a file: that many ids.
        let ids = this.layout.partitionOf(m.tsMax!) - this.layout.partitionOf(m.tsMin!) + 1;
        if (ids > 4096) {
          // Far-apart ts (extreme values): count the partitions themselves.
          const ts = lanes.cols[this.layout.plan.tsColumn] as IntLane;
          ids = new Set(partitionsOfRows(this.layout, wordsOf(ts.values), lanes.rows)).size;
        }
        const job: FlushJob = {
          dir: this.dir,
          config: this.layout.config,
          dictionaries: this.layout.plan.columns.map((c) => (c.lane === LANE_DICT && c.dict ? c.dict.toTable() : null)),
          header: this.header && (this.header.sampleRows >= SAMPLE_ROWS || lanes.rows <= this.header.sampleRows) ? this.withDictionaries(this.header.bytes) : null,
          lanes,
          lsnMin: m.lsnMin,
          lsnMax: m.lsnMax,
          firstId: this.nextFileId,
          ids,
          backend: this.backend,
        };
        this.nextFileId += ids;
        const out = await this.runFlush(job);
        files = out.files;
        if (out.header) this.header = out.header;
      }
      const dictionary = this.dictionaryAdditions();
      this.manifest.commitFlush(files, dictionary, m.lsnMax, this.nextFileId, {
        events_ingested: m.events,
        input_bytes: m.inputBytes,
        wal_bytes: m.walBytes,
        flush_bytes: files.reduce((s, f) => s + f.info.bytes, 0),
        flushes: 1,
      });
    } catch (e) {
      for (const f of files) fs.rmSync(this.layout.abs(f.path), { force: true });
      throw e;
    }
    for (const f of files) this.partitionFiles(f.info.partition).push(this.rowOf(f));
    this.wal.coveredUpTo(m.lsnMax);
    this.summary.flushes++;
    this.phase('flushed');
  }

  /** A large flush runs on a worker (its lanes move there); a small one here. */
  private async runFlush(job: FlushJob): Promise<FlushOutput> {
    if (this.threads <= 1 || job.lanes.rows < POOL_MIN_EVENTS) return runFlushJob(job);
    const reply = await this.sharedPool().run<{ ok: true; out: FlushOutput } | { ok: false; error: ErrorFields }>(workerModule(), 'flushTask', [job], jobTransfer(job));
    if (!reply.ok) throw fromFields(reply.error);
    return reply.out;
  }

  private rowOf(f: NewFile): FileRow {
    return { ...f.info, id: f.id, path: f.path, origin: f.origin, createdAt: new Date().toISOString() };
  }

  /** A header with its dictionary tables replaced by the store's dictionaries now (a superset). */
  private withDictionaries(headerBytes: Uint8Array): Uint8Array {
    const header = decodeHeader(headerBytes);
    let changed = false;
    this.layout.plan.columns.forEach((c, k) => {
      if (c.lane !== LANE_DICT || !c.dict) return;
      const t = header.columns[k].table;
      if (t && t.offsets.length - 1 === c.dict.size) return;
      header.columns[k].table = c.dict.toTable();
      changed = true;
    });
    return changed ? encodeHeader(header) : headerBytes;
  }

  /** A header for a compaction's output: an input's models, today's dictionaries. */
  private compactionHeader(inputs: RunFile[]): Uint8Array {
    const largest = inputs.reduce((a, b) => (b.meta.events > a.meta.events ? b : a));
    return this.withDictionaries(largest.meta.headerBytes);
  }

  private dictionaryAdditions(): { col: number; from: number; values: Uint8Array[] }[] {
    const out: { col: number; from: number; values: Uint8Array[] }[] = [];
    this.layout.plan.columns.forEach((c, k) => {
      if (c.lane !== LANE_DICT || !c.dict) return;
      const have = this.persisted.get(k) ?? 0;
      if (c.dict.size <= have) return;
      const t = c.dict.toTable();
      const values: Uint8Array[] = [];
      for (let i = have; i < c.dict.size; i++) values.push(t.bytes.slice(t.offsets[i], t.offsets[i + 1]));
      out.push({ col: k, from: have, values });
      this.persisted.set(k, c.dict.size);
    });
    return out;
  }

  // ---- compaction ---------------------------------------------------------------

  private maxRuns(): number {
    let max = 0;
    for (const list of this.files.values()) max = Math.max(max, list.length);
    return max;
  }

  private async stallIfNeeded(): Promise<void> {
    while (this.maxRuns() >= this.policy.stall) {
      this.scheduleCompaction(true);
      if (!this.compacting) break;
      await this.compacting;
      this.check();
    }
  }

  private scheduleCompaction(evenIfOff = false): void {
    if (this.compacting || this.failure || this.closed) return;
    if (this.options.autoCompact === false && !evenIfOff) return;
    const task = this.compactLoop(false).catch((e) => {
      this.failure ??= e;
    });
    this.compacting = task;
    void task.finally(() => {
      if (this.compacting === task) this.compacting = null;
    });
  }

  /** Compacts partitions until none needs it (all partitions with 2+ runs when `full`). */
  private async compactLoop(full: boolean): Promise<void> {
    const done = new Set<number>();
    for (;;) {
      let best: { p: number; pick: [number, number]; runs: number } | null = null;
      for (const [p, list] of this.files) {
        if (full && done.has(p)) continue;
        const pick = pickRuns(list.map((f) => f.bytes), this.policy, full);
        if (pick && (!best || list.length > best.runs)) best = { p, pick, runs: list.length };
      }
      if (!best) return;
      const list = this.files.get(best.p)!;
      await this.compactRuns(best.p, list.slice(best.pick[0], best.pick[1]));
      done.add(best.p);
    }
  }

  /** Merges runs of one partition (neighbours in age order) into one. */
  private async compactRuns(partition: number, inputs: FileRow[]): Promise<void> {
    this.phase('compact');
    const files = inputs.map((f) => RunFile.open(this.layout.abs(f.path), this.layout.abs(f.path), (p) => this.layout.partitionStart(p), { bytes: f.bytes, partition: f.partition }));
    let out: NewFile | null = null;
    try {
      const header = this.compactionHeader(files);
      const windows = mergeRuns(files, { layout: this.layout, decoder: this.decoder, backend: this.backend, range: null });
      out = await writeRun(this.context(inputs.reduce((a, f) => a + f.events, 0)), partition, windows, header, { min: Math.min(...inputs.map((f) => f.lsnMin)), max: Math.max(...inputs.map((f) => f.lsnMax)) }, 'compact');
      if (out) fsyncDir(path.dirname(this.layout.abs(out.path)));
      this.manifest.commitCompaction(
        inputs.map((f) => f.id),
        out ? [out] : [],
        this.nextFileId,
        { compact_bytes: out?.info.bytes ?? 0, compactions: 1 },
      );
    } catch (e) {
      if (out) fs.rmSync(this.layout.abs(out.path), { force: true });
      throw e;
    } finally {
      for (const f of files) {
        this.decoder.release(f);
        f.close();
      }
    }
    const list = this.partitionFiles(partition);
    const gone = new Set(inputs.map((f) => f.id));
    const at = list.findIndex((f) => gone.has(f.id));
    const kept = list.filter((f) => !gone.has(f.id));
    if (out) kept.splice(at, 0, this.rowOf(out));
    this.files.set(partition, kept);
    for (const f of inputs) fs.rmSync(this.layout.abs(f.path), { force: true });
    this.summary.compactions++;
    this.phase('compacted');
  }

  /** Merges every partition's runs into one (seq-store compact). */
  async compactAll(): Promise<number> {
    this.check();
    if (this.memtable.rows > 0) await this.flush();
    if (this.compacting) await this.compacting;
    this.check();
    const before = this.summary.compactions;
    await this.compactLoop(true);
    return this.summary.compactions - before;
  }

  // ---- retention ----------------------------------------------------------------

  /** Drops every partition that ends at or before `ts` (whole partitions only). */
  async dropBefore(ts: bigint): Promise<{ files: number; events: number; partitions: number }> {
    this.check();
    if (this.memtable.rows > 0) await this.flush();
    if (this.compacting) await this.compacting;
    this.phase('drop');
    const doomed: FileRow[] = [];
    const parts = new Set<number>();
    for (const [p, list] of this.files) {
      if (this.layout.spec === null) continue;
      if (this.layout.partitionStart(p + 1) <= ts) {
        doomed.push(...list);
        parts.add(p);
      }
    }
    if (doomed.length === 0) return { files: 0, events: 0, partitions: 0 };
    const events = doomed.reduce((s, f) => s + f.events, 0);
    this.manifest.commitDrop(
      doomed.map((f) => f.id),
      events,
    );
    for (const p of parts) this.files.delete(p);
    for (const f of doomed) fs.rmSync(this.layout.abs(f.path), { force: true });
    this.removeOrphans();
    return { files: doomed.length, events, partitions: parts.size };
  }

  // ---- closing ------------------------------------------------------------------

  /** Flushes what is left, finishes compactions, and releases the lock. */
  async close(): Promise<WriterSummary> {
    if (this.closed) return this.summary;
    try {
      this.check();
      if (this.memtable.rows > 0) await this.rotate();
      if (this.flushing) await this.flushing;
      this.check();
      while (this.compacting) await this.compacting;
      this.check();
      await this.wal.close();
      // Everything is in run files now: the log is empty.
      removeSegmentsBefore(this.dir, Number.MAX_SAFE_INTEGER);
    } catch (e) {
      await this.abort();
      throw e;
    }
    this.closed = true;
    await this.release();
    return this.summary;
  }

  /** Stops without flushing (after a failure): the WAL keeps what was accepted. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wal.abandon();
    try {
      if (this.flushing) await this.flushing;
      while (this.compacting) await this.compacting;
    } catch {
      /* the failure that brought us here is reported */
    }
    await this.release();
  }

  private async release(): Promise<void> {
    await this.decoder.close();
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
    try {
      this.manifest.setWriter(null);
    } catch {
      /* best effort */
    }
    this.manifest.close();
    this.lock.release();
  }
}

export { LOCK_FILE, WAL_DIR };

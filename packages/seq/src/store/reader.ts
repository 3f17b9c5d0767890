/**
 * Reading a seq-store: any number of readers, each on a consistent snapshot. A
 * snapshot is one read transaction of the manifest (its files, dictionary and
 * schema at one version) whose run files are opened before the transaction ends
 * is trusted; a file a compaction deleted meanwhile (ENOENT) means a newer
 * version exists, and the snapshot is taken again. Open files stay readable
 * after they are unlinked, so a long scan is never cut short by a compaction.
 *
 * `get` looks one user up in every run of every partition of the range (Bloom
 * filter, sparse index, one table block, one payload per run); `scan` merges
 * each partition's runs in user windows. A partition is read only when the range
 * needs it, so a damaged file affects only reads of its partition.
 */
import fs from 'node:fs';
import { Schema, type RecordBatch, type Vector } from 'apache-arrow';
import { errors, RecdataError, type BatchStream } from '@recdata/core';
import { nativeSeq, type SeqBackend } from '../kernels.js';
import { appendRange, builderFor, gatherLane } from '../lanes/builders.js';
import type { Lane } from '../lanes/lane.js';
import { PayloadDecoder } from './decoder.js';
import { StoreLayout, storeState } from './layout.js';
import { listSegments } from './wal.js';
import { Manifest, MANIFEST_FILE, type FileRow } from './manifest.js';
import { groupWindow, lookupUser, mergeRuns, rowsInRange } from './merge.js';
import { dedupe, dedupeColumns, dictionaryVectors, ordered, outputSchema, toBatches, type OrderedEvents, type OutputFormat } from './output.js';
import { RunFile } from './run-file.js';
import type { TsRange } from './time.js';
import type { UserKey } from './user-key.js';

export interface ReaderOptions {
  backend?: SeqBackend;
  threads?: number;
  /**
   * When a crashed writer left WAL records and no writer holds the lock, replay
   * them first (default true): the reader briefly becomes the writer.
   */
  recover?: boolean;
}

export interface ReadOptions {
  format?: OutputFormat;
  /** Newest write wins for events with equal (user, ts, key columns). */
  dedupe?: boolean;
  /** The key columns besides user and ts (default item_id, action). */
  dedupeKey?: string[];
  batchSize?: number;
  /** Leave out partitions with a damaged file (each reported through onSkip) instead of failing. */
  skipCorrupt?: boolean;
  onSkip?: (partition: string, error: RecdataError) => void;
}

export const DEFAULT_DEDUPE_KEY = ['item_id', 'action'];
const SNAPSHOT_TRIES = 20;

/** A consistent view: the files of some partitions, open, at one manifest version. */
export class Snapshot {
  readonly version: number;
  /** The partitions it covers. */
  readonly first: number;
  readonly last: number;
  readonly dictionaries: (Vector | null)[];
  /** Files per partition, oldest first, partitions ascending. */
  readonly partitions: Map<number, RunFile[]>;
  /** Files that could not be opened (damaged), per partition. */
  readonly damaged: Map<number, RecdataError>;
  readonly rows: FileRow[];
  private readonly onRelease: () => void;

  constructor(version: number, first: number, last: number, dictionaries: (Vector | null)[], partitions: Map<number, RunFile[]>, damaged: Map<number, RecdataError>, rows: FileRow[], onRelease: () => void) {
    this.version = version;
    this.first = first;
    this.last = last;
    this.dictionaries = dictionaries;
    this.partitions = partitions;
    this.damaged = damaged;
    this.rows = rows;
    this.onRelease = onRelease;
  }

  release(): void {
    this.onRelease();
  }
}

interface CachedFile {
  file: RunFile;
  pins: number;
  stale: boolean;
}

export class SeqStoreReader {
  readonly dir: string;
  readonly layout: StoreLayout;
  readonly notes: string[] = [];
  private readonly manifest: Manifest;
  private readonly backend: SeqBackend;
  private readonly threads: number;
  private readonly cache = new Map<number, CachedFile>();
  private readonly decoder: PayloadDecoder;
  private schemaBytes: Uint8Array;
  private current: Snapshot | null = null;

  private constructor(dir: string, manifest: Manifest, options: ReaderOptions) {
    this.dir = dir;
    this.manifest = manifest;
    this.layout = new StoreLayout(dir, manifest.config());
    this.schemaBytes = this.layout.config.schemaBytes;
    this.backend = options.backend ?? (nativeSeq() ? 'native' : 'js');
    this.threads = options.threads ?? 1;
    this.decoder = new PayloadDecoder(this.backend, this.threads);
  }

  /** Opens a store for reading: exit 66 when there is nothing at `dir`, 65 when it is not a store. */
  static async open(dir: string, options: ReaderOptions = {}): Promise<SeqStoreReader> {
    const state = storeState(dir);
    if (state === 'missing') throw errors.cannotOpen(dir, 'no such folder');
    if (state === 'empty') throw errors.badInput(`${dir} is not a recdata seq-store (no ${MANIFEST_FILE}; it is empty)`, { file: dir });
    const notes: string[] = [];
    if (options.recover !== false && listSegments(dir).length > 0) await tryRecover(dir, notes);
    const reader = new SeqStoreReader(dir, Manifest.open(dir, { readonly: true }), options);
    reader.notes.push(...notes);
    return reader;
  }

  /** The schema of the events (the store's, at the latest snapshot). */
  get schema(): Schema {
    return this.layout.schema;
  }

  /**
   * A snapshot of the partitions that hold any of `range` (all when null): the
   * manifest read in one transaction, every file opened.
   */
  snapshot(range: TsRange | null = null): Snapshot {
    const { first, last } = this.layout.partitionsOf(range ?? { from: null, to: null });
    return this.snapshotOfPartitions(first, last);
  }

  private snapshotOfPartitions(first: number, last: number): Snapshot {
    for (let attempt = 0; attempt < SNAPSHOT_TRIES; attempt++) {
      const view = this.manifest.read(() => ({
        version: this.manifest.version,
        rows: this.manifest.files(first, last),
        dictionary: this.manifest.dictionary(),
        schema: this.manifest.config().schemaBytes,
      }));
      if (!sameBytes(view.schema, this.schemaBytes)) {
        // Widened nullability (the only change a schema may see).
        (this.layout as { config: { schemaBytes: Uint8Array } }).config.schemaBytes = view.schema;
        (this as { layout: StoreLayout }).layout = new StoreLayout(this.dir, { ...this.layout.config, schemaBytes: view.schema });
        this.schemaBytes = view.schema;
      }
      const opened: CachedFile[] = [];
      const partitions = new Map<number, RunFile[]>();
      const damaged = new Map<number, RecdataError>();
      let lost = false;
      for (const row of view.rows) {
        let c = this.cache.get(row.id);
        if (!c) {
          try {
            const abs = this.layout.abs(row.path);
            c = { file: RunFile.open(abs, abs, (p) => this.layout.partitionStart(p), { bytes: row.bytes, partition: row.partition }), pins: 0, stale: false };
            this.cache.set(row.id, c);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
              lost = true;
              break;
            }
            if (e instanceof RecdataError && e.exitCode === 65) {
              if (!damaged.has(row.partition)) damaged.set(row.partition, e);
              continue;
            }
            throw e;
          }
        }
        c.pins++;
        opened.push(c);
        let list = partitions.get(row.partition);
        if (!list) partitions.set(row.partition, (list = []));
        list.push(c.file);
      }
      if (lost) {
        for (const c of opened) c.pins--;
        continue;
      }
      // Files of these partitions that are no longer listed are gone for good.
      const live = new Set(view.rows.map((r) => r.id));
      for (const [id, c] of this.cache) {
        const p = c.file.meta.partition;
        if (!live.has(id) && p >= first && p <= last) c.stale = true;
      }
      this.sweep();
      let released = false;
      return new Snapshot(view.version, first, last, dictionaryVectors(this.layout, view.dictionary), partitions, damaged, view.rows, () => {
        if (released) return;
        released = true;
        for (const c of opened) c.pins--;
        this.sweep();
      });
    }
    throw errors.tryAgain(`${this.dir} changed ${SNAPSHOT_TRIES} times while a snapshot was being opened; try again`);
  }

  private sweep(): void {
    for (const [id, c] of this.cache) {
      if (c.stale && c.pins === 0) {
        this.decoder.release(c.file);
        c.file.close();
        this.cache.delete(id);
      }
    }
  }

  /**
   * The snapshot for lookups: the current one while the manifest has not changed
   * and it covers the range; else a new one covering both (a reader that looks up
   * many users keeps its files open, as a table cache).
   */
  private lookupSnapshot(range: TsRange | null): Snapshot {
    const version = this.manifest.version;
    const want = this.layout.partitionsOf(range ?? { from: null, to: null });
    const cur = this.current;
    if (cur && cur.version === version && cur.first <= want.first && cur.last >= want.last) return cur;
    const first = cur && cur.version === version ? Math.min(cur.first, want.first) : want.first;
    const last = cur && cur.version === version ? Math.max(cur.last, want.last) : want.last;
    const next = this.snapshotOfPartitions(first, last);
    cur?.release();
    this.current = next;
    return next;
  }

  /**
   * One user's events in the range, in ts order (ties: write order), one
   * sequence per partition; null when there are none.
   */
  get(user: UserKey, range: TsRange | null, options: ReadOptions = {}): OrderedEvents | null {
    const snap = this.lookupSnapshot(range);
    {
      const { first, last } = this.layout.partitionsOf(range ?? { from: null, to: null });
      const parts: { partition: number; user: Lane; cols: Lane[]; starts: Int32Array }[] = [];
      for (const [p, files] of snap.partitions) {
        if (p < first || p > last) continue;
        const damage = snap.damaged.get(p);
        if (damage) {
          if (options.skipCorrupt) {
            options.onSkip?.(this.layout.partitionLabel(p), damage);
            continue;
          }
          throw damage;
        }
        try {
          const found: { user: Lane; cols: Lane[] }[] = [];
          for (const f of files) {
            const hit = lookupUser(f, user, range, this.decoder);
            if (hit) found.push(hit);
          }
          if (found.length === 0) continue;
          let lanes = concatLanes(found);
          const ts = lanes.cols[this.layout.plan.tsColumn] as Extract<Lane, { kind: 'int' }>;
          const keep = rowsInRange(ts.values, range);
          if (keep) {
            if (keep.length === 0) continue;
            lanes = { user: gatherLane(lanes.user, keep, 0, keep.length), cols: lanes.cols.map((c) => gatherLane(c, keep, 0, keep.length)) };
          }
          const n = lanes.user.kind === 'int' ? lanes.user.values.length : lanes.user.offsets.length - 1;
          const o = found.length === 1 && !keep ? { user: lanes.user, cols: lanes.cols, starts: Int32Array.of(0, n), partitions: [p] } : ordered(groupWindow(this.layout, this.backend, lanes), p);
          parts.push({ partition: p, user: o.user, cols: o.cols, starts: o.starts });
        } catch (e) {
          if (options.skipCorrupt && e instanceof RecdataError && e.exitCode === 65) {
            options.onSkip?.(this.layout.partitionLabel(p), e);
            continue;
          }
          throw e;
        }
      }
      if (parts.length === 0) return null;
      let ev = joinPartitions(parts);
      if (options.dedupe) ev = dedupe(this.layout, ev, dedupeColumns(this.layout, options.dedupeKey ?? DEFAULT_DEDUPE_KEY));
      return ev;
    }
  }

  /** The dictionaries of the snapshot lookups use. */
  private dictionariesNow(range: TsRange | null): (Vector | null)[] {
    return this.lookupSnapshot(range).dictionaries;
  }

  /** `get` as an Arrow stream in an output format. */
  getStream(user: UserKey, range: TsRange | null, options: ReadOptions = {}): BatchStream {
    const format = options.format ?? 'events';
    const schema = outputSchema(this.layout, format);
    if (options.dedupe) dedupeColumns(this.layout, options.dedupeKey ?? DEFAULT_DEDUPE_KEY);
    const ev = this.get(user, range, options);
    const dictionaries = this.dictionariesNow(range);
    const layout = this.layout;
    return {
      schema,
      async *[Symbol.asyncIterator]() {
        if (ev) yield* toBatches(layout, format, schema, ev, dictionaries, options.batchSize ?? 65536);
      },
    };
  }

  /**
   * Every event of the range as a stream: partition by partition (ascending), in
   * each by user then ts (ties: write order). The files are opened when the
   * stream is made: what it returns is one snapshot, whatever happens meanwhile.
   */
  scan(range: TsRange | null, options: ReadOptions = {}): BatchStream & { events: () => number } {
    const format = options.format ?? 'events';
    const schema = outputSchema(this.layout, format);
    const keyCols = options.dedupe ? dedupeColumns(this.layout, options.dedupeKey ?? DEFAULT_DEDUPE_KEY) : [];
    const snap = this.snapshot(range);
    const layout = this.layout;
    // Decoded on this thread: a merge asks for one window at a time, so a pool adds
    // transfers and start-up without overlap (measured: 2 threads 20x slower in process,
    // 1.8x slower through the CLI, on a one-day scan of 150k events).
    const decoder = new PayloadDecoder(this.backend, 1);
    const backend = this.backend;
    const { first, last } = layout.partitionsOf(range ?? { from: null, to: null });
    let events = 0;
    const parts = new Set<number>([...snap.partitions.keys(), ...snap.damaged.keys()]);
    async function* batches(): AsyncGenerator<RecordBatch> {
      try {
        for (const p of [...parts].sort((a, b) => a - b)) {
          if (p < first || p > last) continue;
          const files = snap.partitions.get(p) ?? [];
          // With --skip-corrupt a partition is checked whole before any of it is written.
          const bad = !snap.damaged.has(p) && options.skipCorrupt ? files.find((f) => !f.checkFileCrc()) : undefined;
          const damage = snap.damaged.get(p) ?? (bad ? errors.badInput('corrupt run file: file checksum mismatch', { file: bad.name }) : undefined);
          if (damage) {
            const e = damage;
            if (!options.skipCorrupt) throw e;
            options.onSkip?.(layout.partitionLabel(p), e);
            continue;
          }
          const batchSize = options.batchSize ?? 65536;
          for await (const w of mergeRuns(files, { layout, decoder, backend, range })) {
            let ev = ordered(w, p);
            if (options.dedupe) ev = dedupe(layout, ev, keyCols);
            events += ev.starts[ev.starts.length - 1];
            yield* toBatches(layout, format, schema, ev, snap.dictionaries, batchSize);
          }
        }
      } finally {
        snap.release();
        await decoder.close();
      }
    }
    return { schema, events: () => events, [Symbol.asyncIterator]: () => batches() };
  }

  /** Version, files and counters in one read (stats). */
  manifestView<T>(fn: (m: Manifest) => T): T {
    return this.manifest.read(() => fn(this.manifest));
  }

  async close(): Promise<void> {
    this.current?.release();
    this.current = null;
    for (const c of this.cache.values()) c.file.close();
    this.cache.clear();
    await this.decoder.close();
    this.manifest.close();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function laneLength(l: Lane): number {
  return l.kind === 'int' ? l.values.length : l.offsets.length - 1;
}

function concatLanes(parts: { user: Lane; cols: Lane[] }[]): { user: Lane; cols: Lane[] } {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((s, p) => s + laneLength(p.user), 0);
  const user = builderFor(parts[0].user, total);
  const cols = parts[0].cols.map((c) => builderFor(c, total));
  for (const p of parts) {
    const n = laneLength(p.user);
    appendRange(user, p.user, 0, n);
    p.cols.forEach((c, k) => appendRange(cols[k], c, 0, n));
  }
  return { user: user.finish(), cols: cols.map((b) => b.finish()) };
}

function joinPartitions(parts: { partition: number; user: Lane; cols: Lane[]; starts: Int32Array }[]): OrderedEvents {
  const joined = concatLanes(parts);
  const starts = new Int32Array(parts.length + 1);
  parts.forEach((p, i) => (starts[i + 1] = starts[i] + laneLength(p.user)));
  return { user: joined.user, cols: joined.cols, starts, partitions: parts.map((p) => p.partition) };
}

/**
 * Replays a crashed writer's WAL when no writer holds the lock (a writer that is
 * alive flushes its own). Failures do not stop the read: the committed snapshot
 * is still consistent; they become notes.
 */
async function tryRecover(dir: string, notes: string[]): Promise<void> {
  const { SeqStoreWriter } = await import('./writer.js');
  try {
    const w = await SeqStoreWriter.open(dir, { command: 'a reader replaying a crashed writer\'s log', autoCompact: false });
    const s = w.summary;
    await w.close();
    if (s.replayedRecords > 0) notes.push(`replayed ${s.replayedRecords} write-ahead log records of a writer that stopped without closing the store`);
  } catch (e) {
    if (e instanceof RecdataError && e.exitCode === 75) return;
    notes.push(`the write-ahead log was not replayed (${e instanceof RecdataError ? e.describe() : (e as Error).message}); reading what the manifest lists`);
  }
}

export { fs };

/**
 * The manifest of a seq-store: one SQLite file (WAL mode) that says what the store
 * holds. A run file is part of the store exactly when a committed transaction
 * lists it; every change (a flush, a compaction, a drop) is one transaction, so
 * readers, who read in one read transaction, always see a consistent version.
 * Tables (docs/store.md, "Manifest"):
 *   meta        key/value: format, schema, user, ts, partition, ts unit, the
 *               flushed LSN, the next file id, the version, the writer
 *   files       one row per live run file: partition, path, LSN range, counts,
 *               bytes, key range, ts range, index and Bloom filter locations, CRC
 *   dictionary  the store-wide dictionary of each dictionary column (codes are
 *               stable: values are only appended)
 *   counters    bytes and events written so far (write amplification)
 *   partitions  a view over files: runs, events and bytes per partition
 */
import path from 'node:path';
import { errors, inTransaction, openDatabase, type Database } from '@recdata/core';
import type { RunInfo } from './run-file.js';

export const MANIFEST_FILE = 'manifest.db';
export const STORE_FORMAT = 'recdata-seq-store/1';
/** PRAGMA application_id of a seq-store manifest ("RDSS"). */
export const MANIFEST_APPLICATION_ID = 0x52445353;

const SCHEMA = [
  `create table meta (key text primary key, value) without rowid`,
  `create table files (
     id integer primary key,
     partition integer not null,
     path text not null unique,
     origin text not null,
     lsn_min integer not null,
     lsn_max integer not null,
     sequences integer not null,
     events integer not null,
     bytes integer not null,
     user_min blob not null,
     user_max blob not null,
     ts_min integer not null,
     ts_max integer not null,
     index_offset integer not null,
     index_length integer not null,
     bloom_offset integer not null,
     bloom_length integer not null,
     crc integer not null,
     created_at text not null
   )`,
  `create index files_by_partition on files (partition, lsn_min)`,
  `create table dictionary (col integer not null, code integer not null, value blob not null, primary key (col, code)) without rowid`,
  `create table counters (name text primary key, value integer not null) without rowid`,
  `create view partitions as
     select partition, count(*) as runs, sum(sequences) as sequences, sum(events) as events, sum(bytes) as bytes, min(ts_min) as ts_min, max(ts_max) as ts_max
     from files group by partition`,
];

export const COUNTERS = ['events_ingested', 'input_bytes', 'wal_bytes', 'flush_bytes', 'compact_bytes', 'flushes', 'compactions', 'dropped_events'] as const;
export type CounterName = (typeof COUNTERS)[number];

export interface StoreConfig {
  /** The events' Arrow schema as an IPC Schema message. */
  schemaBytes: Uint8Array;
  user: string;
  ts: string;
  partition: 'none' | 'hour' | 'day';
  /** ts units per second (from the timestamp type, or --ts-unit for integer ts). */
  unitsPerSecond: number;
}

export interface FileRow extends RunInfo {
  id: number;
  path: string;
  origin: 'flush' | 'compact';
  createdAt: string;
}

export interface WriterInfo {
  pid: number;
  host: string;
  since: string;
  command: string;
}

interface RawFile {
  id: bigint;
  partition: bigint;
  path: string;
  origin: string;
  lsn_min: bigint;
  lsn_max: bigint;
  sequences: bigint;
  events: bigint;
  bytes: bigint;
  user_min: Uint8Array;
  user_max: Uint8Array;
  ts_min: bigint;
  ts_max: bigint;
  index_offset: bigint;
  index_length: bigint;
  bloom_offset: bigint;
  bloom_length: bigint;
  crc: bigint;
  created_at: string;
}

function fileRow(r: RawFile): FileRow {
  return {
    id: Number(r.id),
    partition: Number(r.partition),
    path: r.path,
    origin: r.origin as FileRow['origin'],
    lsnMin: Number(r.lsn_min),
    lsnMax: Number(r.lsn_max),
    sequences: Number(r.sequences),
    events: Number(r.events),
    bytes: Number(r.bytes),
    crc: Number(r.crc),
    userMin: new Uint8Array(r.user_min),
    userMax: new Uint8Array(r.user_max),
    tsMin: r.ts_min,
    tsMax: r.ts_max,
    indexOffset: Number(r.index_offset),
    indexLength: Number(r.index_length),
    bloomOffset: Number(r.bloom_offset),
    bloomLength: Number(r.bloom_length),
    createdAt: r.created_at,
  };
}

/** A file about to be listed: where it is and what it holds. */
export interface NewFile {
  id: number;
  path: string;
  origin: FileRow['origin'];
  info: RunInfo;
}

export class Manifest {
  readonly db: Database;
  readonly file: string;

  private constructor(db: Database, file: string) {
    this.db = db;
    this.file = file;
  }

  /** Opens the manifest of `dir` (exit 65 when it is not a seq-store manifest). */
  static open(dir: string, options: { readonly: boolean }): Manifest {
    const file = path.join(dir, MANIFEST_FILE);
    const db = openDatabase(file, { applicationId: MANIFEST_APPLICATION_ID, kind: 'seq-store manifest', create: false, readonly: options.readonly });
    if (!options.readonly) db.pragma('synchronous = FULL');
    const m = new Manifest(db, file);
    const format = m.meta('format');
    if (format !== STORE_FORMAT) {
      db.close();
      throw errors.badInput(`${file} is not a ${STORE_FORMAT} manifest (format ${JSON.stringify(format ?? null)})`, { file });
    }
    return m;
  }

  /** Creates the manifest of a new store (the caller holds the writer lock). */
  static create(dir: string, config: StoreConfig): Manifest {
    const file = path.join(dir, MANIFEST_FILE);
    const db = openDatabase(file, { applicationId: MANIFEST_APPLICATION_ID, kind: 'seq-store manifest', create: true, init: SCHEMA });
    db.pragma('synchronous = FULL');
    const m = new Manifest(db, file);
    inTransaction(db, () => {
      const set = db.prepare('insert or replace into meta (key, value) values (?, ?)');
      set.run('schema', Buffer.from(config.schemaBytes));
      set.run('user', config.user);
      set.run('ts', config.ts);
      set.run('partition', config.partition);
      set.run('units_per_second', config.unitsPerSecond);
      set.run('created_at', new Date().toISOString());
      set.run('flushed_lsn', 0);
      set.run('next_file_id', 1);
      set.run('version', 1);
      for (const c of COUNTERS) db.prepare('insert into counters (name, value) values (?, 0)').run(c);
      // Last: a manifest without its format key is not a store (a crash mid-create).
      set.run('format', STORE_FORMAT);
    });
    return m;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private metaStatement: ReturnType<Database['prepare']> | null = null;

  meta(key: string): unknown {
    this.metaStatement ??= this.db.prepare('select value from meta where key = ?').safeIntegers(true);
    const row = this.metaStatement.get(key) as { value: unknown } | undefined;
    return row?.value;
  }

  metaNumber(key: string): number {
    const v = this.meta(key);
    return typeof v === 'bigint' ? Number(v) : Number(v ?? 0);
  }

  setMeta(key: string, value: unknown): void {
    this.db.prepare('insert or replace into meta (key, value) values (?, ?)').run(key, value as never);
  }

  config(): StoreConfig {
    const schema = this.meta('schema');
    if (!(schema instanceof Uint8Array)) throw errors.badInput(`${this.file} has no events schema`, { file: this.file });
    return {
      schemaBytes: new Uint8Array(schema),
      user: String(this.meta('user')),
      ts: String(this.meta('ts')),
      partition: String(this.meta('partition')) as StoreConfig['partition'],
      unitsPerSecond: this.metaNumber('units_per_second'),
    };
  }

  /** Live files, by partition then age; only partitions in [from, to] when given. */
  files(from?: number, to?: number): FileRow[] {
    const rows = (
      from === undefined
        ? this.db.prepare('select * from files order by partition, lsn_min, id').safeIntegers(true).all()
        : this.db.prepare('select * from files where partition between ? and ? order by partition, lsn_min, id').safeIntegers(true).all(from, to ?? from)
    ) as RawFile[];
    return rows.map(fileRow);
  }

  /** Every dictionary column's values, in code order. */
  dictionary(): Map<number, Uint8Array[]> {
    const out = new Map<number, Uint8Array[]>();
    for (const r of this.db.prepare('select col, code, value from dictionary order by col, code').all() as { col: number; code: number; value: Uint8Array }[]) {
      let list = out.get(r.col);
      if (!list) out.set(r.col, (list = []));
      if (r.code !== list.length) throw errors.badInput(`${this.file}: dictionary column ${r.col} skips code ${list.length}`, { file: this.file });
      list.push(new Uint8Array(r.value));
    }
    return out;
  }

  counters(): Record<CounterName, number> {
    const out = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<CounterName, number>;
    for (const r of this.db.prepare('select name, value from counters').all() as { name: CounterName; value: number }[]) out[r.name] = Number(r.value);
    return out;
  }

  get version(): number {
    return this.metaNumber('version');
  }

  get flushedLsn(): number {
    return this.metaNumber('flushed_lsn');
  }

  get nextFileId(): number {
    return this.metaNumber('next_file_id');
  }

  /** Runs a read in one transaction: everything it reads is one version. */
  read<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private insertFiles(files: NewFile[]): void {
    const insert = this.db.prepare(`insert into files (id, partition, path, origin, lsn_min, lsn_max, sequences, events, bytes, user_min, user_max, ts_min, ts_max,
      index_offset, index_length, bloom_offset, bloom_length, crc, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const now = new Date().toISOString();
    for (const f of files) {
      const i = f.info;
      insert.run(f.id, i.partition, f.path, f.origin, i.lsnMin, i.lsnMax, i.sequences, i.events, i.bytes, Buffer.from(i.userMin), Buffer.from(i.userMax), i.tsMin, i.tsMax, i.indexOffset, i.indexLength, i.bloomOffset, i.bloomLength, i.crc, now);
    }
  }

  private bump(counts: Partial<Record<CounterName, number>>, nextFileId: number): void {
    const add = this.db.prepare('update counters set value = value + ? where name = ?');
    for (const [k, v] of Object.entries(counts)) if (v) add.run(v, k);
    this.db.prepare("update meta set value = value + 1 where key = 'version'").run();
    this.db.prepare("update meta set value = max(value, ?) where key = 'next_file_id'").run(nextFileId);
  }

  /** A flush: its files, the new dictionary values, the LSN now covered by files. */
  commitFlush(files: NewFile[], dictionary: { col: number; from: number; values: Uint8Array[] }[], flushedLsn: number, nextFileId: number, counts: Partial<Record<CounterName, number>>, beforeCommit?: () => void): void {
    inTransaction(this.db, () => {
      this.insertFiles(files);
      const add = this.db.prepare('insert or ignore into dictionary (col, code, value) values (?, ?, ?)');
      for (const d of dictionary) d.values.forEach((v, i) => add.run(d.col, d.from + i, Buffer.from(v)));
      this.db.prepare("update meta set value = max(value, ?) where key = 'flushed_lsn'").run(flushedLsn);
      this.bump(counts, nextFileId);
      beforeCommit?.();
    });
  }

  /** A compaction: the inputs go, the output comes, in one step. */
  commitCompaction(removed: number[], added: NewFile[], nextFileId: number, counts: Partial<Record<CounterName, number>>, beforeCommit?: () => void): void {
    inTransaction(this.db, () => {
      const del = this.db.prepare('delete from files where id = ?');
      for (const id of removed) {
        if (del.run(id).changes !== 1) throw errors.internal(`compaction input ${id} is no longer in the manifest`);
      }
      this.insertFiles(added);
      this.bump(counts, nextFileId);
      beforeCommit?.();
    });
  }

  /** Drops files (retention). */
  commitDrop(removed: number[], events: number): void {
    inTransaction(this.db, () => {
      const del = this.db.prepare('delete from files where id = ?');
      for (const id of removed) del.run(id);
      this.bump({ dropped_events: events }, 0);
    });
  }

  /** Adds to counters outside a flush (ingested input, WAL bytes). */
  count(counts: Partial<Record<CounterName, number>>): void {
    const add = this.db.prepare('update counters set value = value + ? where name = ?');
    inTransaction(this.db, () => {
      for (const [k, v] of Object.entries(counts)) if (v) add.run(v, k);
    });
  }

  writer(): WriterInfo | null {
    const v = this.meta('writer');
    if (typeof v !== 'string' || v === '') return null;
    try {
      return JSON.parse(v) as WriterInfo;
    } catch {
      return null;
    }
  }

  setWriter(info: WriterInfo | null): void {
    inTransaction(this.db, () => this.setMeta('writer', info ? JSON.stringify(info) : ''));
  }
}

/**
 * The blob store: objects (images, text, audio, embeddings) stored once per
 * content under their SHA-256 (objects/ab/cd/<key>, written to a temporary name,
 * fsynced and renamed: a reader never sees half an object), and an SQLite index
 * (index.db) with one row per put: the key, size, mime type, when, the source
 * name, and user metadata columns (item_id, modality, ...) added as they are
 * first used. Several rows may share one object (deduplicated); `gc` deletes
 * objects no row references (and temporary files a crash left behind).
 *
 * A put holds the index's write lock from writing its object to committing its
 * row, and gc holds it for its whole sweep, so gc never deletes an object that a
 * concurrent put is about to reference.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errors, openDatabase, type Database } from '@recdata/core';
import { checkKey, keyOf, OBJECTS_DIR, objectPath } from './key.js';
import { sniffMime } from './mime.js';
import { compileWhere, parseWhere, type Value } from './where.js';

export const BLOB_INDEX_FILE = 'index.db';
/** PRAGMA application_id of a blob-store index ("RDBS"). */
const BLOB_APPLICATION_ID = 0x52444253;
export const BUILTIN_COLUMNS = ['key', 'size', 'mime', 'created', 'name'] as const;
const TEMP_PREFIX = '.tmp-';

const SCHEMA = [
  `create table blobs (id integer primary key, key text not null, size integer not null, mime text not null, created text not null, name text)`,
  `create index blobs_by_key on blobs (key)`,
  `create table meta (key text primary key, value) without rowid`,
  `insert into meta (key, value) values ('format', 'recdata-blob-store/1')`,
];

const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export type MetaValue = string | number | bigint | null;

export interface PutResult {
  key: string;
  size: number;
  mime: string;
  /** False when the store already held these bytes (deduplicated). */
  stored: boolean;
}

export interface BlobRow {
  [column: string]: MetaValue;
}

/** A --meta value as typed: an integer, a number, or text. */
export function metaValue(text: string): MetaValue {
  if (/^-?\d{1,18}$/.test(text)) return Number.isSafeInteger(Number(text)) ? Number(text) : BigInt(text);
  if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(text) && Number.isFinite(Number(text))) return Number(text);
  return text;
}

/** Checks a user metadata column name (exit 2): a plain identifier, not a built-in column. */
export function checkColumnName(name: string): string {
  if (!COLUMN_NAME.test(name)) throw errors.usage(`metadata column ${JSON.stringify(name)} is not a plain name (letters, digits, _; not starting with a digit)`);
  if ((BUILTIN_COLUMNS as readonly string[]).includes(name.toLowerCase()) || name.toLowerCase() === 'id') throw errors.usage(`metadata column ${JSON.stringify(name)} is a built-in column (${BUILTIN_COLUMNS.join(', ')})`);
  return name;
}

/** What a folder is: missing, empty, or a blob store; anything else is exit 65. */
function folderState(dir: string): 'missing' | 'empty' | 'store' {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return 'missing';
  }
  if (!st.isDirectory()) throw errors.badInput(`${dir} is not a recdata blob-store (not a folder)`, { file: dir });
  if (fs.existsSync(path.join(dir, BLOB_INDEX_FILE))) return 'store';
  const entries = fs.readdirSync(dir);
  if (entries.length === 0) return 'empty';
  throw errors.badInput(`${dir} is not a recdata blob-store (no ${BLOB_INDEX_FILE}; it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`, { file: dir });
}

function fsyncPath(p: string): void {
  try {
    const fd = fs.openSync(p, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* folders cannot be synced on every file system */
  }
}

export class BlobStore {
  readonly dir: string;
  private readonly db: Database;
  private columnList: string[];

  private constructor(dir: string, db: Database) {
    this.dir = dir;
    this.db = db;
    this.columnList = this.readColumns();
  }

  /** Opens the store in `dir`; `create` makes it when the folder is missing or empty. */
  static open(dir: string, options: { create?: boolean; readonly?: boolean } = {}): BlobStore {
    const state = folderState(dir);
    if (state !== 'store' && !options.create) {
      if (state === 'missing') throw errors.cannotOpen(dir, 'no such folder');
      throw errors.badInput(`${dir} is not a recdata blob-store (no ${BLOB_INDEX_FILE}; it is empty)`, { file: dir });
    }
    if (state === 'missing') fs.mkdirSync(dir, { recursive: true });
    const db = openDatabase(path.join(dir, BLOB_INDEX_FILE), { applicationId: BLOB_APPLICATION_ID, kind: 'blob-store index', create: state !== 'store', init: SCHEMA, readonly: options.readonly && state === 'store' });
    return new BlobStore(dir, db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private readColumns(): string[] {
    return (this.db.prepare('select name from pragma_table_info(?) order by cid').all('blobs') as { name: string }[]).map((r) => r.name).filter((n) => n !== 'id');
  }

  /** The index's columns: the built-in ones, then user metadata columns. */
  get columns(): string[] {
    return this.columnList;
  }

  private ensureColumns(names: string[]): void {
    for (const name of names) {
      checkColumnName(name);
      if (this.columnList.some((c) => c.toLowerCase() === name.toLowerCase())) continue;
      // A checked identifier, quoted: the only SQL text a user's word becomes.
      this.db.exec(`alter table blobs add column "${name}"`);
      this.columnList = this.readColumns();
    }
  }

  private abs(key: string): string {
    return path.join(this.dir, ...objectPath(key).split('/'));
  }

  /** Writes the object unless it is there (temp name, fsync, rename). */
  private storeObject(key: string, bytes: Uint8Array): boolean {
    const file = this.abs(key);
    if (fs.existsSync(file)) return false;
    const folder = path.dirname(file);
    fs.mkdirSync(folder, { recursive: true });
    const temp = path.join(folder, `${TEMP_PREFIX}${key}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
    try {
      const fd = fs.openSync(temp, 'wx');
      try {
        let done = 0;
        while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, file);
    } catch (e) {
      fs.rmSync(temp, { force: true });
      throw errors.ioWrite(file, (e as Error).message);
    }
    fsyncPath(folder);
    return true;
  }

  /** Stores `bytes` and adds a row for it, in one step under the index's write lock. */
  put(bytes: Uint8Array, options: { name?: string | null; mime?: string | null; meta?: Record<string, MetaValue> } = {}): PutResult {
    const key = keyOf(bytes);
    const mime = options.mime ?? sniffMime(bytes, options.name ?? null);
    const meta = options.meta ?? {};
    const names = Object.keys(meta);
    let stored = false;
    this.db
      .transaction(() => {
        this.ensureColumns(names);
        stored = this.storeObject(key, bytes);
        const cols = ['key', 'size', 'mime', 'created', 'name', ...names.map((n) => this.columnList.find((c) => c.toLowerCase() === n.toLowerCase())!)];
        const sql = `insert into blobs (${cols.map((c) => `"${c}"`).join(', ')}) values (${cols.map(() => '?').join(', ')})`;
        this.db.prepare(sql).run(key, bytes.length, mime, new Date().toISOString(), options.name ?? null, ...names.map((n) => meta[n]));
      })
      .immediate();
    return { key, size: bytes.length, mime, stored };
  }

  /** Whether a row references the key. */
  has(key: string): boolean {
    return this.db.prepare('select 1 from blobs where key = ? limit 1').get(checkKey(key)) !== undefined;
  }

  /** The bytes of an object, checked against its key (a changed byte is exit 65 naming the file). */
  get(keyText: string): Uint8Array {
    const key = checkKey(keyText);
    const file = this.abs(key);
    if (!this.has(key)) throw errors.badInput(`no object with key ${key} in ${this.dir}`, { file: this.dir });
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw errors.badInput(`the index lists ${key} but its object cannot be read: ${(e as Error).message}`, { file });
    }
    if (keyOf(bytes) !== key) throw errors.badInput(`object ${key} is damaged: its bytes no longer hash to its key`, { file });
    return bytes;
  }

  /** Rows matching a filter (all when null), oldest first. */
  list(where: string | null): BlobRow[] {
    const cols = this.columnList.map((c) => `"${c}"`).join(', ');
    let sql = `select ${cols} from blobs`;
    let params: Value[] = [];
    if (where !== null) {
      const compiled = compileWhere(parseWhere(where), this.columnList);
      sql += ` where ${compiled.sql}`;
      params = compiled.params;
    }
    return this.db.prepare(`${sql} order by id`).safeIntegers(true).all(...params).map((r) => {
      const row = r as Record<string, unknown>;
      for (const k of Object.keys(row)) if (typeof row[k] === 'bigint' && Number.isSafeInteger(Number(row[k]))) row[k] = Number(row[k]);
      return row as BlobRow;
    });
  }

  /** Deletes the rows matching a filter (their objects stay until gc); returns how many. */
  remove(where: string): number {
    const compiled = compileWhere(parseWhere(where), this.columnList);
    return this.db.prepare(`delete from blobs where ${compiled.sql}`).run(...compiled.params).changes;
  }

  /** Deletes objects no row references, and temporary files left by a crash. */
  gc(): { removed: number; bytes: number; kept: number } {
    let removed = 0;
    let bytes = 0;
    let kept = 0;
    this.db
      .transaction(() => {
        const referenced = new Set((this.db.prepare('select distinct key from blobs').all() as { key: string }[]).map((r) => r.key));
        const root = path.join(this.dir, OBJECTS_DIR);
        if (!fs.existsSync(root)) return;
        for (const a of fs.readdirSync(root)) {
          const da = path.join(root, a);
          if (!fs.statSync(da).isDirectory()) continue;
          for (const b of fs.readdirSync(da)) {
            const db = path.join(da, b);
            if (!fs.statSync(db).isDirectory()) continue;
            for (const f of fs.readdirSync(db)) {
              const file = path.join(db, f);
              if (referenced.has(f)) {
                kept++;
                continue;
              }
              bytes += fs.statSync(file).size;
              fs.rmSync(file, { force: true });
              removed++;
            }
            if (fs.readdirSync(db).length === 0) fs.rmdirSync(db);
          }
          if (fs.readdirSync(da).length === 0) fs.rmdirSync(da);
        }
      })
      .immediate();
    return { removed, bytes, kept };
  }
}

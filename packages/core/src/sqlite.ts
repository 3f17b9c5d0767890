import fs from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { errors } from './errors.js';

export type Database = BetterSqlite3.Database;

export interface OpenOptions {
  /** A 32-bit tag stored in the header (PRAGMA application_id) that says which recdata file this is. */
  applicationId: number;
  /** What the file is, for messages ("schema registry", "seq-store manifest"). */
  kind: string;
  /** Create the file when it does not exist. */
  create: boolean;
  /** Statements that create the schema of a new file (run in one transaction). */
  init?: string[];
  readonly?: boolean;
}

/**
 * Opens a recdata SQLite file (better-sqlite3, loaded only when needed). A file
 * that exists but is not this kind of recdata file is exit 65; a missing file
 * without `create` is exit 66. WAL mode: readers see a consistent snapshot while
 * one writer commits.
 */
export function openDatabase(file: string, options: OpenOptions): Database {
  const require = createRequire(import.meta.url);
  const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
  const exists = fs.existsSync(file);
  if (!exists && !options.create) throw errors.cannotOpen(file, `no ${options.kind} here`);
  let db: Database;
  try {
    db = new Sqlite(file, { readonly: options.readonly ?? false, fileMustExist: !options.create });
  } catch (e) {
    throw errors.cannotOpen(file, (e as Error).message);
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const hasTables = (db.prepare("select count(*) as n from sqlite_master").get() as { n: number }).n > 0;
    if (appId === 0 && !hasTables && !options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`application_id = ${options.applicationId | 0}`);
      if (options.init) db.transaction(() => options.init!.forEach((sql) => db.exec(sql)))();
    } else if (appId !== (options.applicationId | 0)) {
      throw errors.badInput(`${file} is not a recdata ${options.kind}`, { file });
    }
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw errors.badInput(`${file} is not a recdata ${options.kind} (not an SQLite database)`, { file });
    throw e;
  }
}

/** Runs `fn` in one transaction: all of it commits, or none of it. */
export function inTransaction<T>(db: Database, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/**
 * The writer lock: one writer per store. The LOCK file is a small SQLite database
 * whose write lock the writer holds for its whole life (BEGIN IMMEDIATE, never
 * committed). The operating system drops that lock when the process ends, however
 * it ends (a SIGKILL included), so a crashed writer never leaves a stale lock;
 * a second writer fails at once and says who holds it (pid, host, since: the
 * manifest's `writer` entry). Readers never take it.
 */
import os from 'node:os';
import path from 'node:path';
import { errors, openDatabase, type Database } from '@recdata/core';
import { LOCK_FILE } from './layout.js';
import type { WriterInfo } from './manifest.js';

/** PRAGMA application_id of a seq-store lock file ("RDSL"). */
const LOCK_APPLICATION_ID = 0x5244534c;

export class WriterLock {
  private db: Database | null;
  readonly info: WriterInfo;

  private constructor(db: Database, info: WriterInfo) {
    this.db = db;
    this.info = info;
  }

  /**
   * Takes the lock of the store in `dir`, or fails with exit 75 naming the holder
   * (`holder()` reads it from the manifest, when there is one yet).
   */
  static acquire(dir: string, command: string, holder: () => WriterInfo | null): WriterLock {
    const file = path.join(dir, LOCK_FILE);
    const db = openDatabase(file, { applicationId: LOCK_APPLICATION_ID, kind: 'seq-store lock', create: true });
    try {
      db.pragma('busy_timeout = 0');
      db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY' || /locked|busy/i.test((e as Error).message)) {
        let who: WriterInfo | null = null;
        try {
          who = holder();
        } catch {
          /* the manifest may not exist yet (a store being created) */
        }
        const by = who ? `pid ${who.pid} on ${who.host} (${who.command}) since ${who.since}` : 'another process (the store is being created)';
        throw errors.tryAgain(`${dir} is locked by another writer: ${by}; one writer at a time (readers need no lock)`);
      }
      throw e;
    }
    return new WriterLock(db, { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), command });
  }

  release(): void {
    const db = this.db;
    this.db = null;
    if (!db) return;
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  }
}

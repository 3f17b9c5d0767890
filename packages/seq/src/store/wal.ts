/**
 * The write-ahead log: what ingest has accepted and not yet flushed to run files.
 * A segment (wal/<first LSN, 16 digits>.wal) is the magic "RSQWAL" 0x00 0x01 then
 * records:
 *
 *   u32 body length, u32 CRC-32C of the 12 bytes that follow and the body,
 *   u64 LSN, u32 rows, body (an Arrow IPC stream: schema, dictionaries, one batch)
 *
 * all little-endian. A batch is acknowledged once its record is durable: --sync
 * always fsyncs every record before the next is written; batch (the default)
 * groups the records written while one fsync runs into the next fsync; none
 * leaves it to the operating system (survives a crash of the process, not of
 * the machine). Replay reads records in LSN order and stops at a torn tail (a
 * record cut short or failing its CRC at the end of the newest segment, which
 * was never acknowledged); damage anywhere else is exit 65 naming the segment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errors } from '@recdata/core';
import { crc32cUpdate } from '../codec/crc32c.js';
import { nativeSeq } from '../kernels.js';
import { WAL_DIR } from './layout.js';

export type SyncMode = 'none' | 'batch' | 'always';
export const SYNC_MODES: SyncMode[] = ['none', 'batch', 'always'];

export const WAL_MAGIC = new Uint8Array([0x52, 0x53, 0x51, 0x57, 0x41, 0x4c, 0x00, 0x01]);
const RECORD_HEADER = 20;

export interface WalRecord {
  lsn: number;
  rows: number;
  body: Uint8Array;
}

/** CRC-32C of bytes[from, end): the native kernel when the addon is there. */
function checksum(bytes: Uint8Array, from: number): number {
  const native = nativeSeq();
  return native ? native.crc32c(bytes.subarray(from)) >>> 0 : crc32cUpdate(0, bytes, from, bytes.length);
}

function segmentName(firstLsn: number): string {
  return `${String(firstLsn).padStart(16, '0')}.wal`;
}

/** Segments in LSN order: [first LSN, path]. */
export function listSegments(dir: string): { first: number; file: string }[] {
  const walDir = path.join(dir, WAL_DIR);
  if (!fs.existsSync(walDir)) return [];
  return fs
    .readdirSync(walDir)
    .filter((f) => /^\d{16}\.wal$/.test(f))
    .map((f) => ({ first: Number(f.slice(0, 16)), file: path.join(walDir, f) }))
    .sort((a, b) => a.first - b.first);
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* not every file system syncs folders; the files themselves are synced */
  }
}

export { fsyncDir };

/** Appends records to the newest segment and tells when each is durable. */
export class WalWriter {
  private readonly dir: string;
  private readonly sync: SyncMode;
  private fd = -1;
  private file = '';
  /** LSN of the last record written, and of the last known durable. */
  private written = 0;
  private durable = 0;
  private syncing: Promise<void> | null = null;
  private waiters: { lsn: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  bytesWritten = 0;

  constructor(dir: string, sync: SyncMode) {
    this.dir = dir;
    this.sync = sync;
  }

  get segment(): string {
    return this.file;
  }

  /** Starts a new segment whose first record will have LSN `firstLsn`. */
  async open(firstLsn: number): Promise<void> {
    await this.closeSegment();
    const walDir = path.join(this.dir, WAL_DIR);
    fs.mkdirSync(walDir, { recursive: true });
    this.file = path.join(walDir, segmentName(firstLsn));
    try {
      this.fd = fs.openSync(this.file, 'w');
      fs.writeSync(this.fd, WAL_MAGIC);
      if (this.sync !== 'none') fs.fsyncSync(this.fd);
    } catch (e) {
      throw errors.ioWrite(this.file, (e as Error).message);
    }
    if (this.sync !== 'none') fsyncDir(walDir);
    this.written = firstLsn - 1;
    this.durable = firstLsn - 1;
  }

  /**
   * Writes one record; the promise returned resolves once it is durable under the
   * sync mode (for `always`, before append returns).
   */
  append(lsn: number, rows: number, body: Uint8Array[]): Promise<void> {
    if (this.failure) throw this.failure;
    const length = body.reduce((s, b) => s + b.length, 0);
    // One buffer: one checksum pass (native when the addon is there) and one write.
    const record = new Uint8Array(RECORD_HEADER + length);
    const dv = new DataView(record.buffer);
    dv.setUint32(0, length, true);
    dv.setUint32(8, lsn >>> 0, true);
    dv.setUint32(12, Math.floor(lsn / 4294967296), true);
    dv.setUint32(16, rows, true);
    let at = RECORD_HEADER;
    for (const b of body) {
      record.set(b, at);
      at += b.length;
    }
    dv.setUint32(4, checksum(record, 8), true);
    try {
      let done = 0;
      while (done < record.length) done += fs.writeSync(this.fd, record, done, record.length - done);
    } catch (e) {
      throw errors.ioWrite(this.file, (e as Error).message);
    }
    this.bytesWritten += RECORD_HEADER + length;
    this.written = lsn;
    if (this.sync === 'none') {
      this.durable = lsn;
      return Promise.resolve();
    }
    if (this.sync === 'always') {
      try {
        fs.fsyncSync(this.fd);
      } catch (e) {
        throw errors.ioWrite(this.file, (e as Error).message);
      }
      this.durable = lsn;
      return Promise.resolve();
    }
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ lsn, resolve, reject }));
    this.kick();
    return p;
  }

  /** Group commit: one fsync in flight; what is written meanwhile waits for the next. */
  private kick(): void {
    if (this.syncing || this.written <= this.durable) return;
    const target = this.written;
    const fd = this.fd;
    this.syncing = new Promise<void>((done) => {
      fs.fsync(fd, (err) => {
        this.syncing = null;
        if (err) {
          this.failure = errors.ioWrite(this.file, err.message);
          for (const w of this.waiters) w.reject(this.failure);
          this.waiters = [];
        } else {
          this.durable = Math.max(this.durable, target);
          this.waiters = this.waiters.filter((w) => {
            if (w.lsn > this.durable) return true;
            w.resolve();
            return false;
          });
          this.kick();
        }
        done();
      });
    });
  }

  /** Waits until everything written is durable. */
  async drain(): Promise<void> {
    while (this.syncing || (this.sync === 'batch' && this.written > this.durable)) {
      this.kick();
      if (this.syncing) await this.syncing;
    }
    if (this.failure) throw this.failure;
  }

  /** Records up to `lsn` are in run files now: acknowledge their waiters. */
  coveredUpTo(lsn: number): void {
    this.durable = Math.max(this.durable, Math.min(lsn, this.written));
    this.waiters = this.waiters.filter((w) => {
      if (w.lsn > lsn) return true;
      w.resolve();
      return false;
    });
  }

  private async closeSegment(): Promise<void> {
    if (this.fd < 0) return;
    await this.drain();
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  async close(): Promise<void> {
    await this.closeSegment();
  }

  /** Closes without waiting (after a failure). */
  abandon(): void {
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
    this.fd = -1;
    for (const w of this.waiters) w.reject(this.failure ?? errors.ioWrite(this.file, 'the store was closed before the record was durable'));
    this.waiters = [];
  }
}

/** Removes the segments that start before LSN `first` (their records are all in run files). */
export function removeSegmentsBefore(dir: string, first: number): void {
  for (const s of listSegments(dir)) if (s.first < first) fs.rmSync(s.file, { force: true });
}

/**
 * Reads one segment. A bad record ends it: `tornAt` is its offset (the caller
 * decides whether that is a torn tail or damage).
 */
export function readSegment(file: string): { records: WalRecord[]; tornAt: number | null; reason: string | null } {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const records: WalRecord[] = [];
  if (bytes.length < WAL_MAGIC.length || WAL_MAGIC.some((b, i) => bytes[i] !== b)) {
    return { records, tornAt: 0, reason: bytes.length < WAL_MAGIC.length ? 'the segment is shorter than its magic' : 'the segment does not start with the WAL magic' };
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = WAL_MAGIC.length;
  let last = 0;
  while (at < bytes.length) {
    if (bytes.length - at < RECORD_HEADER) return { records, tornAt: at, reason: 'a record header is cut short' };
    const length = dv.getUint32(at, true);
    const crc = dv.getUint32(at + 4, true);
    const lsn = dv.getUint32(at + 8, true) + dv.getUint32(at + 12, true) * 4294967296;
    const rows = dv.getUint32(at + 16, true);
    const end = at + RECORD_HEADER + length;
    if (end > bytes.length) return { records, tornAt: at, reason: 'a record is cut short' };
    if (checksum(bytes.subarray(0, end), at + 8) !== crc) return { records, tornAt: at, reason: 'record checksum mismatch' };
    if (lsn <= last) return { records, tornAt: at, reason: `LSN ${lsn} after ${last}` };
    last = lsn;
    records.push({ lsn, rows, body: bytes.subarray(at + RECORD_HEADER, end) });
    at = end;
  }
  return { records, tornAt: null, reason: null };
}

/**
 * Every record after `afterLsn`, in order, for replay. The newest segment may end
 * in a torn record (a crash while writing it): it is cut off there when
 * `truncate` (the writer replays), and only reported otherwise. A bad record in
 * an older segment is damage: exit 65 naming the segment.
 */
export function replayRecords(dir: string, afterLsn: number, truncate: boolean): { records: WalRecord[]; torn: { file: string; at: number; reason: string } | null } {
  const segments = listSegments(dir);
  const out: WalRecord[] = [];
  let torn: { file: string; at: number; reason: string } | null = null;
  let last = afterLsn;
  segments.forEach((s, i) => {
    const { records, tornAt, reason } = readSegment(s.file);
    if (tornAt !== null) {
      if (i < segments.length - 1) throw errors.badInput(`damaged write-ahead log segment: ${reason}`, { file: s.file, byteOffset: tornAt });
      torn = { file: s.file, at: tornAt, reason: reason! };
      if (truncate) {
        if (tornAt < WAL_MAGIC.length) fs.rmSync(s.file, { force: true });
        else fs.truncateSync(s.file, tornAt);
      }
    }
    for (const r of records) {
      if (r.lsn <= last) continue;
      out.push(r);
      last = r.lsn;
    }
  });
  return { records: out, torn };
}

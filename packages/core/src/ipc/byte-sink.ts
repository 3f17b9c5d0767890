import fs from 'node:fs';
import path from 'node:path';
import { ClosedOutputError, errors } from '../errors.js';
import { registerTempPath, releaseTempPath } from '../temp.js';
import { makeStdioBlocking, sleepSync } from './blocking.js';

/** Small pieces are gathered until this many bytes, then written in one writev. */
const COALESCE_BYTES = 256 << 10;

function writevOnce(fd: number, chunks: Uint8Array[]): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.writev(fd, chunks as NodeJS.ArrayBufferView[], (err, n) => (err ? reject(err) : resolve(n)));
  });
}

function dropWritten(chunks: Uint8Array[], written: number): Uint8Array[] {
  let skip = written;
  const rest: Uint8Array[] = [];
  for (const c of chunks) {
    if (skip >= c.byteLength) {
      skip -= c.byteLength;
      continue;
    }
    rest.push(skip > 0 ? c.subarray(skip) : c);
    skip = 0;
  }
  return rest;
}

/**
 * Writes to a file descriptor with writev from the thread pool, one write in flight
 * at a time: the caller prepares the next batch while the previous one drains
 * (backpressure without an unbounded queue). Chunks are written as given, never
 * copied, so they must not change until written.
 */
export class FdByteSink {
  readonly name: string;
  readonly fd: number;
  private readonly ownsFd: boolean;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private inflight: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private triedBlocking = false;
  bytesWritten = 0;

  constructor(fd: number, name: string, ownsFd: boolean) {
    this.fd = fd;
    this.name = name;
    this.ownsFd = ownsFd;
  }

  static stdout(): FdByteSink {
    return new FdByteSink(1, 'stdout', false);
  }

  /** Queues chunks; issues a write once enough bytes are gathered. */
  async write(chunks: Uint8Array | Uint8Array[]): Promise<void> {
    if (Array.isArray(chunks)) {
      for (const c of chunks) if (c.byteLength > 0) this.pending.push(c), (this.pendingBytes += c.byteLength);
    } else if (chunks.byteLength > 0) {
      this.pending.push(chunks);
      this.pendingBytes += chunks.byteLength;
    }
    if (this.pendingBytes >= COALESCE_BYTES) await this.issue();
  }

  /**
   * Writes now, on this thread, before returning (the relay's path: its pieces live
   * in a reused buffer). Must not be mixed with queued writes still in flight.
   */
  writeSync(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.byteLength) {
      try {
        offset += fs.writeSync(this.fd, chunk, offset, chunk.byteLength - offset);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          if (!this.triedBlocking && this.fd === 1) {
            this.triedBlocking = true;
            if (makeStdioBlocking(1)) continue;
          }
          sleepSync(1);
          continue;
        }
        this.failure = e;
        this.throwIfFailed();
      }
    }
    this.bytesWritten += chunk.byteLength;
  }

  /** Counts bytes that something else (the addon's relayBytes) wrote to this descriptor. */
  countExternal(n: number): void {
    this.bytesWritten += n;
  }

  /**
   * Starts writing what is queued now instead of gathering more (waiting, as write()
   * does, only for the write before it): the end of a record batch, whose reader
   * downstream may answer it before sending more input.
   */
  async send(): Promise<void> {
    await this.issue();
  }

  /** Writes everything queued and waits until it is written. */
  async flush(): Promise<void> {
    await this.issue();
    await this.inflight;
    this.throwIfFailed();
  }

  private async issue(): Promise<void> {
    await this.inflight;
    this.throwIfFailed();
    if (this.pendingBytes === 0) return;
    const chunks = this.pending;
    const total = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.inflight = this.writeAll(chunks, total).catch((e) => {
      this.failure = e;
    });
  }

  private async writeAll(chunks: Uint8Array[], total: number): Promise<void> {
    let left = chunks;
    let remaining = total;
    while (remaining > 0) {
      let n: number;
      try {
        n = await writevOnce(this.fd, left);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // An output descriptor in non-blocking mode: nothing was written; wait and retry.
        if (code === 'EAGAIN') {
          if (!this.triedBlocking && this.fd === 1) {
            this.triedBlocking = true;
            if (makeStdioBlocking(1)) continue;
          }
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        throw e;
      }
      this.bytesWritten += n;
      remaining -= n;
      if (remaining > 0) {
        left = dropWritten(left, n);
        if (n === 0) await new Promise((r) => setTimeout(r, 1));
      }
    }
  }

  private throwIfFailed(): void {
    if (this.failure === null) return;
    const e = this.failure as NodeJS.ErrnoException;
    if (e.code === 'EPIPE' || e.code === 'ECONNRESET') throw new ClosedOutputError();
    throw errors.ioWrite(this.name, e.message ?? String(e));
  }

  close(): void {
    if (this.ownsFd) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
  }
}

/**
 * An output file that appears only when complete: bytes go to a temporary name
 * in the same folder, renamed over the target by `commit()`; `abort()` (or the
 * process exiting first) removes the temporary file.
 */
export class AtomicFileSink extends FdByteSink {
  readonly target: string;
  private readonly tempPath: string;

  private constructor(fd: number, target: string, tempPath: string) {
    super(fd, target, true);
    this.target = target;
    this.tempPath = tempPath;
  }

  static create(target: string): AtomicFileSink {
    const dir = path.dirname(path.resolve(target));
    const temp = path.join(dir, `.${path.basename(target)}.recdata-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
    let fd: number;
    try {
      fd = fs.openSync(temp, 'wx', 0o644);
    } catch (e) {
      throw errors.ioWrite(target, (e as Error).message);
    }
    registerTempPath(temp);
    return new AtomicFileSink(fd, target, temp);
  }

  async commit(): Promise<void> {
    await this.flush();
    this.close();
    try {
      fs.renameSync(this.tempPath, this.target);
    } catch (e) {
      this.abort();
      throw errors.ioWrite(this.target, (e as Error).message);
    }
    releaseTempPath(this.tempPath);
  }

  abort(): void {
    this.close();
    try {
      fs.unlinkSync(this.tempPath);
    } catch {
      /* never created or already gone */
    }
    releaseTempPath(this.tempPath);
  }
}

/**
 * stdout, or an atomic file for `-o FILE` (`-` also means stdout). A target that
 * exists and is not a regular file (/dev/null, a FIFO, a terminal) is written
 * directly: renaming over it would replace the device.
 */
export function openOutput(file: string | undefined): FdByteSink {
  if (!file || file === '-') return FdByteSink.stdout();
  let special = false;
  try {
    special = !fs.statSync(file).isFile();
  } catch {
    /* does not exist yet: an ordinary new file */
  }
  if (special) {
    try {
      return new FdByteSink(fs.openSync(file, 'w'), file, true);
    } catch (e) {
      throw errors.ioWrite(file, (e as Error).message);
    }
  }
  return AtomicFileSink.create(file);
}

/** Finishes an output: renames a file into place; for stdout only flushes. */
export async function commitOutput(sink: FdByteSink): Promise<void> {
  if (sink instanceof AtomicFileSink) await sink.commit();
  else await sink.flush();
}

/** Abandons an output after a failure: a file output leaves nothing behind. */
export function abortOutput(sink: FdByteSink): void {
  if (sink instanceof AtomicFileSink) sink.abort();
}

import fs from 'node:fs';
import { loadNative } from '../native/loader.js';
import { makeStdioBlocking } from './blocking.js';

/** Reads big chunks; small requests are served from them without a syscall. */
const CHUNK_BYTES = 1 << 20;


/**
 * Reads on the main thread: a blocking read costs one syscall, where a thread-pool
 * read also costs two thread hops, and with 64 KiB pipes those hops dominate.
 * Writes still drain in the thread pool meanwhile. A descriptor found in
 * non-blocking mode (EAGAIN) is switched back to blocking when it is stdin, and
 * otherwise polled with short pauses.
 */
class Reads {
  private triedBlocking = false;
  constructor(private readonly fd: number) {}
  async read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    for (;;) {
      try {
        return fs.readSync(this.fd, buf, offset, length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') throw e;
        if (!this.triedBlocking && this.fd === 0) {
          this.triedBlocking = true;
          if (makeStdioBlocking(0)) continue;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }
}

/** Uninitialised memory: every byte is overwritten by the read before anyone sees it. */
function allocate(n: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

/**
 * A sequential reader over a file descriptor (a file, a pipe, stdin).
 *
 * `read(n)` hands out views into freshly allocated chunks, never into a buffer
 * that is reused later: record batches built on those views stay valid after the
 * reader moves on, so a pipeline can write them out without copying.
 */
export class FdByteSource {
  readonly name: string;
  readonly fd: number;
  private readonly reads: Reads;
  private readonly ownsFd: boolean;
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private eof = false;
  /** Bytes handed out so far: the byte offset of the next read. */
  position = 0;

  private readonly chunkBytes: number;

  constructor(fd: number, name: string, ownsFd: boolean, chunkBytes = CHUNK_BYTES) {
    this.chunkBytes = chunkBytes;
    this.fd = fd;
    this.name = name;
    this.ownsFd = ownsFd;
    this.reads = new Reads(fd);
  }

  static openFile(path: string, chunkBytes?: number): FdByteSource {
    return new FdByteSource(fs.openSync(path, 'r'), path, true, chunkBytes);
  }

  static stdin(chunkBytes?: number): FdByteSource {
    return new FdByteSource(0, 'stdin', false, chunkBytes);
  }

  /**
   * False when the next read would block: nothing is buffered and nothing waits on
   * the descriptor (a pipe whose writer may be waiting for our output). True when
   * it cannot tell (no native addon): the caller then reads as it always did.
   */
  inputWaiting(): boolean {
    if (this.end > this.start || this.eof) return true;
    const ready = loadNative().addon?.inputReady;
    return typeof ready === 'function' ? ready(this.fd) : true;
  }

  /** True when no byte is left (reads ahead at most one chunk to know). */
  async atEnd(): Promise<boolean> {
    if (this.end > this.start) return false;
    if (this.eof) return true;
    await this.fill(1);
    return this.end === this.start;
  }

  /**
   * Exactly n bytes, or fewer only when the input ends first. Large requests are
   * read straight into their own buffer (one copy, from the kernel).
   */
  async read(n: number): Promise<Uint8Array> {
    const buffered = this.end - this.start;
    if (buffered >= n) {
      const out = this.buf.subarray(this.start, this.start + n);
      this.start += n;
      this.position += n;
      return out;
    }
    if (n <= this.chunkBytes >> 2) {
      await this.fill(n);
      const take = Math.min(n, this.end - this.start);
      const out = this.buf.subarray(this.start, this.start + take);
      this.start += take;
      this.position += take;
      return out;
    }
    const out = allocate(n);
    out.set(this.buf.subarray(this.start, this.end));
    let filled = buffered;
    this.start = this.end;
    while (filled < n && !this.eof) {
      const got = await this.reads.read(out, filled, n - filled);
      if (got === 0) this.eof = true;
      filled += got;
    }
    this.position += filled;
    return filled === n ? out : out.subarray(0, filled);
  }

  /**
   * Hands the next n bytes to `consume` piece by piece without keeping them: the
   * buffered bytes first, then reads into `scratch`, which is reused, so a piece
   * is only valid during its call. Small pieces stay in the CPU cache between the
   * read and the write, which is what makes a relay as fast as `cat`.
   * Returns how many bytes were passed (fewer than n only at the end of input).
   */
  async stream(n: number, scratch: Uint8Array, consume: (piece: Uint8Array) => void): Promise<number> {
    let passed = 0;
    const buffered = Math.min(n, this.end - this.start);
    if (buffered > 0) {
      consume(this.buf.subarray(this.start, this.start + buffered));
      this.start += buffered;
      passed = buffered;
    }
    while (passed < n && !this.eof) {
      const got = await this.reads.read(scratch, 0, Math.min(scratch.length, n - passed));
      if (got === 0) {
        this.eof = true;
        break;
      }
      consume(scratch.subarray(0, got));
      passed += got;
    }
    this.position += passed;
    return passed;
  }

  /**
   * The last n bytes of a regular file, read without moving the position; null
   * when the input is not seekable (a pipe), see slurpRest().
   */
  readTail(n: number): Uint8Array | null {
    let size: number;
    try {
      const st = fs.fstatSync(this.fd);
      if (!st.isFile()) return null;
      size = st.size;
    } catch {
      return null;
    }
    if (n > size) return null;
    const out = allocate(n);
    const got = fs.readSync(this.fd, out, 0, n, size - n);
    return got === n ? out : null;
  }

  /**
   * Reads the rest of the input into memory; later reads are served from it and
   * `bufferedTail` can look at its end. Only for an IPC file on a pipe, whose
   * schema sits in the footer at the very end.
   */
  async slurpRest(): Promise<void> {
    const parts: Uint8Array[] = [this.buf.subarray(this.start, this.end)];
    let total = this.end - this.start;
    while (!this.eof) {
      const chunk = allocate(this.chunkBytes);
      const got = await this.reads.read(chunk, 0, chunk.length);
      if (got === 0) this.eof = true;
      parts.push(chunk.subarray(0, got));
      total += got;
    }
    const all = allocate(total);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    this.buf = all;
    this.start = 0;
    this.end = total;
  }

  /** The last n buffered bytes (after slurpRest), or null when fewer are buffered. */
  bufferedTail(n: number): Uint8Array | null {
    return this.end - this.start >= n ? this.buf.subarray(this.end - n, this.end) : null;
  }

  /**
   * Moves the next n bytes to another descriptor with the addon's relayBytes
   * (splice between pipes: the bytes never enter this process). Bytes already
   * buffered go first through `writeBuffered`. Returns how many were moved.
   */
  relayTo(n: number, outFd: number, writeBuffered: (piece: Uint8Array) => void, relayBytes: (inFd: number, outFd: number, n: number) => number): number {
    let moved = Math.min(n, this.end - this.start);
    if (moved > 0) {
      writeBuffered(this.buf.subarray(this.start, this.start + moved));
      this.start += moved;
    }
    if (moved < n && !this.eof) {
      const got = relayBytes(this.fd, outFd, n - moved);
      if (got < n - moved) this.eof = true;
      moved += got;
    }
    this.position += moved;
    return moved;
  }

  /** Skips everything up to the end of the input. */
  async drain(): Promise<void> {
    while (!(await this.atEnd())) {
      this.position += this.end - this.start;
      this.start = this.end;
    }
  }

  /** Ensures at least `want` bytes are buffered, unless the input ends first. */
  private async fill(want: number): Promise<void> {
    const buffered = this.end - this.start;
    if (buffered >= want || this.eof) return;
    if (this.buf.length - this.start < want) {
      // A fresh chunk: bytes already handed out as views must never change, so the
      // old chunk is left alone; only its unread tail moves.
      const next = allocate(Math.max(this.chunkBytes, want));
      next.set(this.buf.subarray(this.start, this.end));
      this.buf = next;
      this.start = 0;
      this.end = buffered;
    }
    // The tail past `end` was never handed out, so reading into it is safe.
    while (this.end - this.start < want && !this.eof) {
      const got = await this.reads.read(this.buf, this.end, this.buf.length - this.end);
      if (got === 0) this.eof = true;
      this.end += got;
    }
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

/**
 * Decoding a run file's payloads with the file's own seq header: on the calling
 * thread (lookups: a few payloads, latency matters) or through core's worker pool
 * shared by every file of an operation (scans and compactions). A damaged payload
 * is exit 65 naming the file and the byte offset in it.
 */
import { WorkerPool } from '@recdata/core';
import { CorruptPayload } from '../codec/bytes.js';
import { ChunkRunner } from '../dispatch.js';
import { CorruptSequence, decodeChunk, type DecodedChunk } from '../format/payload.js';
import { nativeSeq, type SeqBackend } from '../kernels.js';
import { corruptRun, type RunFile } from './run-file.js';

export class PayloadDecoder {
  readonly backend: SeqBackend;
  readonly threads: number;
  private pool: WorkerPool | null = null;
  private readonly sharedPool: (() => WorkerPool) | null;
  private readonly runners = new Map<RunFile, ChunkRunner>();

  /** `sharedPool`: a pool owned by the caller (not destroyed by close). */
  constructor(backend: SeqBackend, threads: number, sharedPool: (() => WorkerPool) | null = null) {
    this.backend = backend;
    this.threads = threads;
    this.sharedPool = sharedPool;
  }

  private getPool(): WorkerPool {
    if (this.sharedPool) return this.sharedPool();
    return (this.pool ??= new WorkerPool(this.threads));
  }

  /** Decodes payloads [offsets[i], offsets[i + 1]) of `bytes`, read from the file at `base`. */
  decodeNow(file: RunFile, bytes: Uint8Array, offsets: Int32Array, expected: Uint32Array, base: number): DecodedChunk {
    try {
      if (this.backend === 'native') {
        const native = nativeSeq()!;
        file.nativeModel ??= native.seqModel(file.meta.headerBytes);
        return native.seqDecodeChunk(file.nativeModel, bytes, offsets, expected, true);
      }
      return decodeChunk(file.header, bytes, offsets, expected);
    } catch (e) {
      throw this.corrupt(file, e, offsets, base);
    }
  }

  /** The same, on the pool when the operation is large enough to start it. */
  async decode(file: RunFile, bytes: Uint8Array, offsets: Int32Array, expected: Uint32Array, base: number): Promise<DecodedChunk> {
    if (this.threads <= 1) return this.decodeNow(file, bytes, offsets, expected, base);
    let runner = this.runners.get(file);
    if (!runner) {
      runner = new ChunkRunner(file.meta.headerBytes, this.backend, this.threads, () => this.getPool());
      this.runners.set(file, runner);
    }
    // The pool takes (detaches) what it is sent: keep the offsets for messages.
    const kept = offsets.slice();
    try {
      return await runner.decode(bytes, offsets, expected.slice());
    } catch (e) {
      throw this.corrupt(file, e, kept, base);
    }
  }

  private corrupt(file: RunFile, e: unknown, offsets: Int32Array, base: number): Error {
    const c = e as CorruptSequence & { sequence?: number; offset?: number };
    if (e instanceof CorruptSequence || (typeof c.sequence === 'number' && typeof c.offset === 'number')) {
      const at = base + offsets[c.sequence] + c.offset;
      return corruptRun(file.name, new CorruptPayload(c.message, at), 'corrupt payload');
    }
    return e as Error;
  }

  /** Forgets a file's runner (its header) once the file is done with. */
  release(file: RunFile): void {
    this.runners.delete(file);
  }

  async close(): Promise<void> {
    this.runners.clear();
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
  }
}

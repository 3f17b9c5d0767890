/**
 * Runs chunk kernels inline or on core's worker pool. The pool starts at the
 * fourth chunk (starting workers costs more than a few chunks take: a small input
 * never pays for it); results come back in chunk order (mapOrdered), so the
 * output does not depend on the thread count.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkerPool } from '@recdata/core';
import type { DecodedChunk, EncodedChunk } from './format/payload.js';
import { CorruptSequence } from './format/payload.js';
import { runDecode, runEncode, type SeqBackend } from './kernels.js';
import { laneBuffers, type Lane } from './lanes/lane.js';

/**
 * dist/worker.js when built, worker.ts from the sources (core's pool loads
 * TypeScript task modules under tsx); inside the CLI's bundle this module is a
 * chunk far from either, so the package resolves its own entry by name.
 */
export function workerModule(): string {
  for (const name of ['worker.js', 'worker.ts']) {
    const url = new URL(`./${name}`, import.meta.url);
    if (fs.existsSync(fileURLToPath(url))) return url.href;
  }
  return pathToFileURL(createRequire(import.meta.url).resolve('@recdata/seq/worker')).href;
}

/** The chunk (1-based) from which the pool is used. */
const POOL_FROM_CHUNK = 4;

type DecodeReply = ({ ok: true } & DecodedChunk) | { ok: false; sequence: number; offset: number; message: string; column: number };

export class ChunkRunner {
  private readonly header: Uint8Array;
  private readonly shared: Uint8Array;
  readonly backend: SeqBackend;
  readonly threads: number;
  private pool: WorkerPool | null = null;
  /** A pool owned by someone else (the seq-store shares one across files): not destroyed by close(). */
  private readonly sharedPool: (() => WorkerPool) | null;
  private calls = 0;

  constructor(header: Uint8Array, backend: SeqBackend, threads: number, sharedPool: (() => WorkerPool) | null = null) {
    this.header = header;
    const sab = new SharedArrayBuffer(header.length);
    this.shared = new Uint8Array(sab);
    this.shared.set(header);
    this.backend = backend;
    this.threads = threads;
    this.sharedPool = sharedPool;
  }

  private usePool(): WorkerPool | null {
    this.calls++;
    if (this.threads <= 1) return null;
    // A shared pool is running already (or worth starting: its owner has many chunks).
    if (this.sharedPool) return this.sharedPool();
    if (this.calls < POOL_FROM_CHUNK) return null;
    this.pool ??= new WorkerPool(this.threads);
    return this.pool;
  }

  /** How many chunks to keep in flight. */
  get concurrency(): number {
    return Math.max(1, this.threads * 2);
  }

  async encode(starts: Int32Array, lanes: Lane[]): Promise<EncodedChunk> {
    const pool = this.usePool();
    if (!pool) return runEncode(this.header, this.backend, starts, lanes);
    return pool.run<EncodedChunk>(workerModule(), 'encodeTask', [this.shared, this.backend, starts, lanes], [starts.buffer, ...lanes.flatMap(laneBuffers)]);
  }

  async decode(bytes: Uint8Array, offsets: Int32Array, expected: Uint32Array | null): Promise<DecodedChunk> {
    const pool = this.usePool();
    if (!pool) return runDecode(this.header, this.backend, bytes, offsets, expected);
    const transfer: ArrayBufferLike[] = [bytes.buffer, offsets.buffer];
    if (expected) transfer.push(expected.buffer);
    const reply = await pool.run<DecodeReply>(workerModule(), 'decodeTask', [this.shared, this.backend, bytes, offsets, expected], transfer);
    if (!reply.ok) {
      const e = new CorruptSequence(reply.sequence, reply.offset, reply.message);
      (e as CorruptSequence & { column: number }).column = reply.column;
      throw e;
    }
    return { starts: reply.starts, lanes: reply.lanes };
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
  }
}

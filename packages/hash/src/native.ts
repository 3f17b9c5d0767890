// The hash kernels' side of the native addon (native/src/hash.cc), typed.
import { loadNative } from '@recdata/core';
import { CorruptColumnError, type HashJob } from './job.js';

/** The addon's offload queue (native/src/hash-queue.h): a pool of threads behind a bounded queue. */
export interface NativeHashQueue {
  /** Starts a job; resolves with its null count when the job completes. */
  submit(job: HashJob): Promise<number>;
  /** Lets the threads finish what was submitted, then stops them. */
  close(): void;
  readonly inFlight: number;
  readonly depth: number;
  readonly threads: number;
}

export interface HashAddon {
  /** Runs a job on this thread; returns the output's null count. */
  hashJob(job: HashJob): number;
  HashQueue: new (threads: number, depth: number) => NativeHashQueue;
  /** Runs a job on the GPU (only in builds with CUDA). */
  hashJobCuda?: (job: HashJob) => number;
}

/** The addon's hash kernels, or null when the addon did not load or lacks them. */
export function hashAddon(): HashAddon | null {
  const { addon } = loadNative();
  if (!addon || !addon.families().includes('hash')) return null;
  return addon as unknown as HashAddon;
}

/** Kernel errors about the data become CorruptColumnError; anything else is a bug. */
export function nativeError(e: unknown): Error {
  const err = e as Error & { code?: string };
  if (err && err.code === 'RECDATA_HASH_CORRUPT') return new CorruptColumnError(err.message);
  return err instanceof Error ? err : new Error(String(err));
}

// The offload backend: hash jobs go through a bounded submit/complete queue to
// whatever executes them, so the JavaScript thread keeps decoding and encoding
// Arrow batches meanwhile. HashOffloadDevice is the interface a DPU or SmartNIC
// driver would implement; docs/offload.md states its contract. The only
// implementation here is HostOffloadQueue: the native kernels on a dedicated pool
// of CPU threads. No hardware in this project implements the interface.
import type { HashJob } from './job.js';
import { hashAddon, nativeError, type NativeHashQueue } from './native.js';

export interface HashOffloadDevice {
  /** What executes the jobs, for --verbose and reports. */
  readonly name: string;
  /** Jobs in flight at most; submit() waits for a completion beyond it. */
  readonly depth: number;
  /**
   * Queues a job. The job's buffers stay valid and unchanged until the returned
   * promise settles; the device writes `output` and `validity` and nothing else,
   * and resolves with the null count (or rejects, leaving the output undefined).
   * Completions may arrive in any order.
   */
  submit(job: HashJob): Promise<number>;
  /** Waits for every submitted job, then releases the device. */
  close(): Promise<void>;
}

/** The native kernels on `threads` CPU threads behind a queue of `depth` jobs. */
export class HostOffloadQueue implements HashOffloadDevice {
  readonly name: string;
  readonly depth: number;
  private readonly queue: NativeHashQueue;
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(threads: number, depth = threads * 4) {
    const addon = hashAddon();
    if (!addon) throw new Error('the native addon has no hash kernels');
    this.queue = new addon.HashQueue(threads, depth);
    this.depth = depth;
    this.name = `host offload queue (${threads} native thread${threads === 1 ? '' : 's'}, depth ${depth})`;
  }

  async submit(job: HashJob): Promise<number> {
    if (this.closed) throw new Error('submit after close');
    while (this.inFlight >= this.depth) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.inFlight++;
    try {
      return await this.queue.submit(job);
    } catch (e) {
      throw nativeError(e);
    } finally {
      this.inFlight--;
      this.waiters.shift()?.();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.queue.close();
  }
}

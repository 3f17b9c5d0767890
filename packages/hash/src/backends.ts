// The four ways a hash job runs, behind one interface: js (the TypeScript twin),
// native (the C++ kernels on this thread, one call per job), offload (the native
// kernels on a dedicated thread pool behind a bounded queue, or any other
// HashOffloadDevice), cuda (the GPU kernels). All give the same bits.
import { chooseBackend, requestedBackend, type KernelSupport } from '@recdata/core';
import { CorruptColumnError, type HashJob } from './job.js';
import { runHashJobJs } from './kernel-js.js';
import { hashAddon, nativeError } from './native.js';
import { HostOffloadQueue, type HashOffloadDevice } from './offload.js';

export type HashBackend = 'js' | 'native' | 'offload' | 'cuda';

export interface HashExecutor {
  readonly backend: HashBackend;
  /** In words, for --verbose. */
  readonly description: string;
  /** True when run() returns a number; false when it returns a promise (offload). */
  readonly synchronous: boolean;
  /** Runs a job and gives its null count (a promise for offload). */
  run(job: HashJob): number | Promise<number>;
  /** Releases threads or devices; the executor is unusable afterwards. */
  close(): Promise<void>;
}

export interface ExecutorOptions {
  /** offload: threads in the host queue (default 2). */
  threads?: number;
  /** offload: jobs in flight at most (default 4 per thread). */
  depth?: number;
  /** offload: a device to use instead of the host queue. */
  device?: HashOffloadDevice;
}

class SyncExecutor implements HashExecutor {
  readonly synchronous = true;
  constructor(
    readonly backend: HashBackend,
    readonly description: string,
    private readonly fn: (job: HashJob) => number,
  ) {}
  run(job: HashJob): number {
    if (job.rows === 0) return 0;
    try {
      return this.fn(job);
    } catch (e) {
      throw e instanceof CorruptColumnError ? e : nativeError(e);
    }
  }
  async close(): Promise<void> {}
}

class OffloadExecutor implements HashExecutor {
  readonly backend = 'offload' as const;
  readonly synchronous = false;
  readonly description: string;
  constructor(private readonly device: HashOffloadDevice) {
    this.description = device.name;
  }
  run(job: HashJob): Promise<number> {
    return job.rows === 0 ? Promise.resolve(0) : this.device.submit(job);
  }
  close(): Promise<void> {
    return this.device.close();
  }
}

/**
 * An executor for a backend. Callers pick the backend (see @recdata/core's
 * chooseBackend); this throws a plain Error when the addon lacks what it needs.
 */
export function createExecutor(backend: HashBackend, options: ExecutorOptions = {}): HashExecutor {
  if (backend === 'js') return new SyncExecutor('js', 'the TypeScript reference kernels', runHashJobJs);
  if (backend === 'offload' && options.device) return new OffloadExecutor(options.device);
  const addon = hashAddon();
  if (!addon) throw new Error('the native addon has no hash kernels');
  switch (backend) {
    case 'native':
      return new SyncExecutor('native', 'the native kernels, one call per column per batch', (job) => addon.hashJob(job));
    case 'cuda': {
      const cuda = addon.hashJobCuda;
      if (!cuda) throw new Error('the native addon was built without CUDA');
      return new SyncExecutor('cuda', 'the CUDA kernels', (job) => cuda(job));
    }
    case 'offload': {
      const threads = options.threads ?? 2;
      return new OffloadExecutor(new HostOffloadQueue(threads, options.depth ?? threads * 4));
    }
  }
}

/** What the hash kernels offer, for @recdata/core's backend selection. */
export const HASH_KERNELS: KernelSupport = { family: 'hash', cuda: true, offload: true };

/**
 * Picks the backend as `--backend` does (auto: CUDA when a device is present,
 * else native, else js; exit 69 when an explicit request cannot be met) and opens
 * an executor for it. `request` undefined means RECDATA_BACKEND, else auto.
 */
export function openExecutor(request: string | undefined, options: ExecutorOptions = {}): { executor: HashExecutor; notes: string[] } {
  const choice = chooseBackend(requestedBackend(request), HASH_KERNELS);
  return { executor: createExecutor(choice.backend, options), notes: choice.notes };
}

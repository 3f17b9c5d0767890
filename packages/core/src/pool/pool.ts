import { createRequire } from 'node:module';
import type { Piscina as PiscinaClass } from 'piscina';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import type { PoolTask } from './worker.js';

function workerFile(): string {
  // Built code runs dist/pool/worker.js, tests run the TypeScript source under tsx,
  // and inside the CLI's bundle this module is a chunk far from either: there the
  // package resolves its own worker entry by name.
  for (const ext of ['.js', '.ts']) {
    const p = fileURLToPath(new URL(`./worker${ext}`, import.meta.url));
    if (fs.existsSync(p)) return p;
  }
  return createRequire(import.meta.url).resolve('@recdata/core/worker');
}

/**
 * A pool of worker threads (piscina) sized by --threads. Tasks run a named export
 * of a module inside a worker; buffers listed in `transfer` move instead of copying.
 */
export class WorkerPool {
  readonly threads: number;
  private readonly piscina: PiscinaClass;

  constructor(threads: number) {
    this.threads = threads;
    // piscina is loaded on first use: most commands never start a pool.
    const { Piscina } = createRequire(import.meta.url)('piscina') as { Piscina: typeof PiscinaClass };
    this.piscina = new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
  }

  run<R>(module: string, fn: string, args: unknown[], transfer: ArrayBufferLike[] = []): Promise<R> {
    const task: PoolTask = { module, fn, args };
    const unique = [...new Set(transfer)] as ArrayBuffer[];
    return this.piscina.run(task, { transferList: unique as any });
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}

/** A source that can tell whether its next item is there without blocking (ArrowReader). */
export interface ReadinessProbe {
  nextReady(): boolean;
}

function probeOf(source: unknown): ReadinessProbe | null {
  return typeof (source as Partial<ReadinessProbe>).nextReady === 'function' ? (source as ReadinessProbe) : null;
}

/**
 * Maps an async function over a source with at most `concurrency` calls in flight,
 * yielding results in source order (so output bytes do not depend on timing).
 * When the source can tell that its next item has not arrived (ArrowReader on a
 * pipe), finished results are handed out before waiting for it: the writer of the
 * input may be waiting for this output before it sends more (a request and
 * response over a pipe, as recdata.ray's workers do), and a read that blocks would
 * hold them. Input that is there is still read ahead, `concurrency` items deep.
 */
export async function* mapOrdered<T, R>(source: AsyncIterable<T>, fn: (item: T) => Promise<R>, concurrency: number): AsyncGenerator<R> {
  const queue: Promise<R>[] = [];
  let failed: unknown = null;
  const track = (p: Promise<R>) => {
    p.catch((e) => {
      failed ??= e;
    });
    return p;
  };
  const probe = probeOf(source);
  const it = source[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (;;) {
      while (queue.length > 0 && probe !== null && !probe.nextReady()) {
        yield await queue.shift()!;
        if (failed) throw failed;
      }
      const next = await it.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      queue.push(track(fn(next.value)));
      if (queue.length >= concurrency) yield await queue.shift()!;
      if (failed) throw failed;
    }
    while (queue.length > 0) yield await queue.shift()!;
  } finally {
    // Let calls still in flight settle so none rejects unobserved.
    await Promise.allSettled(queue);
    // As for-await does when a loop ends early: let the source close its inputs.
    if (!exhausted) await it.return?.();
  }
}

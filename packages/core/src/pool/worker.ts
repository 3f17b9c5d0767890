import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Piscina as PiscinaClass } from 'piscina';

/**
 * The one worker entry of recdata's pool. A task names a module and one of its
 * exported functions: capability packages keep their worker-side code in their own
 * modules, and core never imports them.
 */
export interface PoolTask {
  module: string;
  fn: string;
  args: unknown[];
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Imports a task's module. Under tsx (tests run the TypeScript sources), Node 20
 * does not carry the ESM loader hooks into worker threads, but tsx's require hook
 * is there: a .ts module that import() cannot load is required instead.
 */
async function load(specifier: string): Promise<Record<string, unknown>> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    const path = specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier;
    return createRequire(path)(path) as Record<string, unknown>;
  }
}

export default async function runTask(task: PoolTask): Promise<unknown> {
  let mod = modules.get(task.module);
  if (!mod) {
    mod = load(task.module);
    modules.set(task.module, mod);
  }
  const fn = (await mod)[task.fn];
  if (typeof fn !== 'function') throw new Error(`worker task ${task.module}#${task.fn} is not a function`);
  return fn(...task.args);
}

/**
 * Wraps a worker's result so that the listed buffers move to the main thread
 * instead of being copied. Piscina unwraps only what Piscina.move() marked, so the
 * wrapper goes through it (a bare wrapper would arrive as an empty object).
 */
export function transferResult<T>(value: T, buffers: ArrayBufferLike[]): T {
  // Loaded here, not at the top: this module is also imported (for this function's
  // name) by every command's start-up, where piscina is not needed.
  const Piscina = (createRequire(import.meta.url)('piscina') as { Piscina: typeof PiscinaClass }).Piscina;
  const unique = [...new Set(buffers)];
  return Piscina.move({
    [Piscina.transferableSymbol]: unique,
    [Piscina.valueSymbol]: value,
  } as never) as unknown as T;
}

import { Piscina } from 'piscina';

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

export default async function runTask(task: PoolTask): Promise<unknown> {
  let mod = modules.get(task.module);
  if (!mod) {
    mod = import(task.module) as Promise<Record<string, unknown>>;
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
  const unique = [...new Set(buffers)];
  return Piscina.move({
    [Piscina.transferableSymbol]: unique,
    [Piscina.valueSymbol]: value,
  } as never) as unknown as T;
}

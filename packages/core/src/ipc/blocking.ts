/**
 * Node puts stdio pipes in non-blocking mode as soon as process.stdin/stdout is
 * first touched (oclif and many libraries touch stdout when they load). recdata
 * reads and writes those descriptors directly, and a non-blocking descriptor turns
 * every full pipe into EAGAIN and a retry loop. This puts them back in blocking
 * mode through the handle Node already holds (uv_stream_set_blocking).
 */
export function makeStdioBlocking(fd: 0 | 1): boolean {
  const stream = fd === 0 ? process.stdin : process.stdout;
  const handle = (stream as unknown as { _handle?: { setBlocking?: (b: boolean) => number } })._handle;
  if (!handle || typeof handle.setBlocking !== 'function') return false;
  return handle.setBlocking(true) === 0;
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** A synchronous pause, for a descriptor that stays non-blocking. */
export function sleepSync(ms: number): void {
  Atomics.wait(SLEEPER, 0, 0, ms);
}

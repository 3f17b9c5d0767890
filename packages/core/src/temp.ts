import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Temporary files and folders that must not outlive the process, whether it ends
 * normally, fails, or is interrupted (SIGINT/SIGTERM/SIGHUP). A SIGKILL cannot be
 * caught; temporary names are prefixed so they can be recognised and removed.
 */
const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const p of live) {
    try {
      fs.rmSync(p, { recursive: true, force: true });
    } catch {
      /* best effort at exit */
    }
  }
  live.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      removeAll();
      process.exit(code);
    });
  }
}

export function registerTempPath(p: string): void {
  hook();
  live.add(p);
}

export function releaseTempPath(p: string): void {
  live.delete(p);
}

/** A fresh private folder under `base` (default: the OS temp folder), removed at exit. */
export function makeTempDir(prefix: string, base?: string): string {
  const dir = fs.mkdtempSync(path.join(base ?? os.tmpdir(), `recdata-${prefix}-`));
  registerTempPath(dir);
  return dir;
}

/** Removes a temporary folder now (on success) rather than at exit. */
export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  releaseTempPath(dir);
}

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What every build of the addon exposes; kernel families add their own functions. */
export interface NativeAddon {
  /** Version of the addon's ABI contract with the TypeScript side. */
  abiVersion(): number;
  /** True when the addon was compiled with nvcc. */
  cudaCompiled: boolean;
  /** CUDA devices, or the reason there are none. */
  cudaDevices(): { devices: { index: number; name: string; memoryBytes: number; computeCapability: string }[]; error: string | null };
  /** Names of the kernel families compiled in, e.g. ["device", "hash"]. */
  families(): string[];
  /** CPU features the running machine offers, e.g. ["sse4.2", "avx2"]. */
  cpuFeatures(): string[];
  /** Raises a pipe's buffer (F_SETPIPE_SZ); returns the new size, or -1. */
  setPipeSize(fd: number, bytes: number): number;
  /**
   * Moves n bytes from inFd to outFd, blocking (splice when either is a pipe, else a
   * copy loop); returns the count moved, less than n only at end of input. Throws an
   * Error whose `.code` is the errno name, e.g. 'EPIPE' when the output is closed.
   */
  relayBytes(inFd: number, outFd: number, n: number): number;
  /** True when a read of fd would not block (bytes waiting, end of input, a file); absent from older builds. */
  inputReady?(fd: number): boolean;
  [kernel: string]: unknown;
}

/** The TypeScript side of the addon contract: bumped with every breaking change in native/src/addon.cc. */
export const NATIVE_ABI_VERSION = 1;

export interface LoadFailure {
  path: string;
  error: string;
  remedy: string;
}

export interface NativeStatus {
  addon: NativeAddon | null;
  path: string | null;
  failures: LoadFailure[];
}

let cached: NativeStatus | null = null;

/** The folder holding native/binding.gyp, found by walking up from this file. */
export function findNativeDir(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'native', 'binding.gyp'))) return path.join(dir, 'native');
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * Loads the addon once. Tries `RECDATA_NATIVE_ADDON`, then the local build, and
 * keeps every failure with its remedy (shown by `recdata doctor` and --verbose).
 * `RECDATA_BACKEND=js` or `RECDATA_NO_NATIVE=1` skips loading altogether.
 */
export function loadNative(): NativeStatus {
  if (cached) return cached;
  const failures: LoadFailure[] = [];
  if (process.env.RECDATA_NO_NATIVE === '1') {
    cached = { addon: null, path: null, failures: [{ path: '-', error: 'RECDATA_NO_NATIVE=1 is set', remedy: 'unset RECDATA_NO_NATIVE' }] };
    return cached;
  }
  const candidates: string[] = [];
  if (process.env.RECDATA_NATIVE_ADDON) candidates.push(process.env.RECDATA_NATIVE_ADDON);
  const nativeDir = findNativeDir();
  if (nativeDir) {
    candidates.push(path.join(nativeDir, 'build', 'Release', 'recdata.node'));
    candidates.push(path.join(nativeDir, 'build', 'Debug', 'recdata.node'));
  }
  if (candidates.length === 0) {
    failures.push({ path: '-', error: 'native/ folder not found next to @recdata/core', remedy: 'set RECDATA_NATIVE_ADDON to the built recdata.node' });
  }
  const require = createRequire(import.meta.url);
  for (const p of candidates) {
    if (!fs.existsSync(p)) {
      failures.push({ path: p, error: 'not built', remedy: 'run `npm run build` (node-gyp needs g++, make and python3)' });
      continue;
    }
    try {
      const addon = require(p) as NativeAddon;
      const abi = addon.abiVersion();
      if (abi !== NATIVE_ABI_VERSION) {
        failures.push({ path: p, error: `ABI version ${abi}, expected ${NATIVE_ABI_VERSION}`, remedy: 'rebuild: `npm run build`' });
        continue;
      }
      cached = { addon, path: p, failures };
      return cached;
    } catch (e) {
      failures.push({ path: p, error: (e as Error).message.split('\n')[0], remedy: 'rebuild for this Node.js: `npm run build`' });
    }
  }
  cached = { addon: null, path: null, failures };
  return cached;
}

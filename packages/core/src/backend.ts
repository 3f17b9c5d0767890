import os from 'node:os';
import { errors } from './errors.js';
import { loadNative, type NativeAddon } from './native/loader.js';

export const BACKENDS = ['auto', 'cuda', 'native', 'offload', 'js'] as const;
export type BackendRequest = (typeof BACKENDS)[number];
export type Backend = Exclude<BackendRequest, 'auto'>;

export interface KernelSupport {
  /** The native addon has this kernel family (e.g. "hash"). */
  family: string;
  /** A CUDA version of the kernel exists. */
  cuda: boolean;
  /** The kernel can run on the offload queue. */
  offload?: boolean;
}

export interface BackendChoice {
  backend: Backend;
  addon: NativeAddon | null;
  /** Why auto chose what it chose, or why a fallback happened (for --verbose). */
  notes: string[];
}

/** `--backend` or RECDATA_BACKEND, else auto. Throws a usage error for an unknown name. */
export function requestedBackend(flag: string | undefined): BackendRequest {
  const value = flag ?? process.env.RECDATA_BACKEND ?? 'auto';
  if (!(BACKENDS as readonly string[]).includes(value)) throw errors.badFlagValue('backend', BACKENDS.join('|'), value);
  return value as BackendRequest;
}

/** `--threads` or the number of cores. */
export function resolveThreads(flag: number | undefined): number {
  const n = flag ?? os.availableParallelism();
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw errors.badFlagValue('threads', 'an integer from 1 to 1024', flag);
  return n;
}

let cudaDeviceCache: { count: number; reason: string | null } | null = null;

export function cudaAvailability(): { count: number; reason: string | null } {
  if (cudaDeviceCache) return cudaDeviceCache;
  const { addon, failures } = loadNative();
  if (!addon) cudaDeviceCache = { count: 0, reason: `the native addon did not load (${failures.map((f) => f.error).join('; ')})` };
  else if (!addon.cudaCompiled) cudaDeviceCache = { count: 0, reason: 'the addon was built without CUDA (nvcc not found at build time, or RECDATA_WITH_CUDA=0)' };
  else {
    const { devices, error } = addon.cudaDevices();
    cudaDeviceCache = { count: devices.length, reason: devices.length > 0 ? null : error ?? 'no CUDA device found' };
  }
  return cudaDeviceCache;
}

/**
 * Picks the backend for a kernel: `auto` takes CUDA when a device is present and
 * the kernel has a CUDA version, else native when the addon loads, else JS. An
 * explicit request that cannot be met is exit 69 with the reason.
 */
export function chooseBackend(request: BackendRequest, kernel: KernelSupport): BackendChoice {
  const notes: string[] = [];
  const { addon, failures } = request === 'js' ? { addon: null, failures: [] } : loadNative();
  const hasFamily = !!addon && addon.families().includes(kernel.family);
  const nativeReason = !addon
    ? `the native addon did not load: ${failures.map((f) => `${f.path}: ${f.error} (${f.remedy})`).join('; ')}`
    : `the native addon has no "${kernel.family}" kernels`;
  switch (request) {
    case 'js':
      return { backend: 'js', addon: null, notes };
    case 'native':
    case 'offload':
      if (request === 'offload' && kernel.offload === false) throw errors.backendUnavailable('offload', `the ${kernel.family} kernels have no offload path`);
      if (!hasFamily) throw errors.backendUnavailable(request, nativeReason);
      return { backend: request, addon, notes };
    case 'cuda': {
      if (!kernel.cuda) throw errors.backendUnavailable('cuda', `the ${kernel.family} kernels have no CUDA version`);
      if (!hasFamily) throw errors.backendUnavailable('cuda', nativeReason);
      const cuda = cudaAvailability();
      if (cuda.count === 0) throw errors.backendUnavailable('cuda', cuda.reason ?? 'no CUDA device');
      return { backend: 'cuda', addon, notes };
    }
    case 'auto': {
      if (hasFamily && kernel.cuda) {
        const cuda = cudaAvailability();
        if (cuda.count > 0) return { backend: 'cuda', addon, notes: ['auto: a CUDA device is present'] };
        notes.push(`auto: no CUDA (${cuda.reason})`);
      }
      if (hasFamily) return { backend: 'native', addon, notes: [...notes, 'auto: native addon loaded'] };
      notes.push(`auto: falling back to JS because ${nativeReason}`);
      return { backend: 'js', addon: null, notes };
    }
  }
}

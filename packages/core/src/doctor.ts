import os from 'node:os';
import { cudaAvailability } from './backend.js';
import { loadNative } from './native/loader.js';
import { RECDATA_VERSION } from './version.js';

export interface DoctorReport {
  recdata: string;
  node: string;
  platform: string;
  cpu: { model: string; cores: number; features: string[] };
  native: { loaded: boolean; path: string | null; families: string[]; failures: { path: string; error: string; remedy: string }[] };
  cuda: { compiled: boolean; devices: { index: number; name: string; memoryBytes: number; computeCapability: string }[]; reason: string | null };
  workerThreads: number;
  backendEnv: string | null;
}

/** What this machine offers recdata: the addon, CPU features, CUDA, threads. */
export function doctorReport(): DoctorReport {
  const status = loadNative();
  const addon = status.addon;
  const cuda = addon?.cudaCompiled ? addon.cudaDevices() : null;
  return {
    recdata: RECDATA_VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), features: addon ? addon.cpuFeatures() : [] },
    native: { loaded: !!addon, path: status.path, families: addon ? addon.families() : [], failures: status.failures },
    cuda: {
      compiled: !!addon?.cudaCompiled,
      devices: cuda?.devices ?? [],
      reason: cudaAvailability().reason,
    },
    workerThreads: os.availableParallelism(),
    backendEnv: process.env.RECDATA_BACKEND ?? null,
  };
}

export function doctorText(r: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`recdata ${r.recdata} on Node.js ${r.node} (${r.platform})`);
  lines.push(`cpu: ${r.cpu.model}, ${r.cpu.cores} cores${r.cpu.features.length ? `, features: ${r.cpu.features.join(' ')}` : ''}`);
  if (r.native.loaded) lines.push(`native addon: loaded from ${r.native.path} (kernels: ${r.native.families.join(', ') || 'none'})`);
  else {
    lines.push('native addon: not loaded, the JS kernels will be used');
    for (const f of r.native.failures) lines.push(`  ${f.path}: ${f.error} -> ${f.remedy}`);
  }
  lines.push(`cuda: ${r.cuda.compiled ? 'compiled in' : 'not compiled in'}`);
  if (r.cuda.devices.length > 0) {
    for (const d of r.cuda.devices) lines.push(`  device ${d.index}: ${d.name}, ${(d.memoryBytes / 2 ** 30).toFixed(1)} GiB, compute ${d.computeCapability}`);
  } else lines.push(`  no CUDA device: ${r.cuda.reason}`);
  lines.push(`worker threads: ${r.workerThreads} (set with --threads)`);
  lines.push(`backend: ${r.backendEnv ? `RECDATA_BACKEND=${r.backendEnv}` : 'auto'} (set with --backend)`);
  return lines.join('\n') + '\n';
}

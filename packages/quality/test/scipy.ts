import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's .venv python (scripts/test-tools.mjs makes it, with system packages) when present, else python3. */
const venv = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.venv', 'bin', 'python3');
export const PYTHON = fs.existsSync(venv) ? venv : 'python3';

/**
 * SciPy as an independent reference: runs a Python snippet that reads JSON from
 * stdin (as `data`) and prints JSON. Tests skip with a message where python3 or
 * SciPy is missing (scripts/test-tools.mjs installs it).
 */
const probe = spawnSync(PYTHON, ['-c', 'import scipy, numpy; print(scipy.__version__)'], { encoding: 'utf8' });
export const scipyVersion: string | null = probe.status === 0 ? probe.stdout.trim() : null;
export const SKIP_SCIPY = scipyVersion ? false : 'python3 with SciPy is not available (python3 -m pip install --retries 0 --timeout 3 scipy)';

export function python<T>(script: string, data: unknown): T {
  const program = `import json, sys\nimport numpy as np\nfrom scipy import stats, spatial, special\ndata = json.load(sys.stdin)\n${script}\n`;
  const r = spawnSync(PYTHON, ['-c', program], { input: JSON.stringify(data), encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  // Python's json writes Infinity and NaN, which JSON.parse rejects: 1e999 parses as Infinity.
  return JSON.parse(r.stdout.replace(/-Infinity\b/g, '-1e999').replace(/\bInfinity\b/g, '1e999').replace(/\bNaN\b/g, 'null')) as T;
}

/** A seeded generator for test data (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

// Python (SciPy, pyarrow, ...) as an independent reference in tests, shared by
// every package: the project's .venv python when present (scripts/test-tools.mjs
// makes it, with the system's numpy and scipy), else python3. Tests that need it
// skip with a message when it is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const venv = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '.venv', 'bin', 'python3');
export const PYTHON = fs.existsSync(venv) ? venv : 'python3';

const probe = spawnSync(PYTHON, ['-c', 'import scipy, numpy; print(scipy.__version__)'], { encoding: 'utf8' });
export const scipyVersion: string | null = probe.status === 0 ? probe.stdout.trim() : null;
export const SKIP_SCIPY: false | string = scipyVersion ? false : 'python3 with SciPy is not available (python3 -m pip install --retries 0 --timeout 3 scipy)';

/**
 * Runs a Python snippet that reads JSON from stdin (as `data`, with numpy as np and
 * scipy's stats, spatial and special imported) and prints JSON.
 */
export function python<T>(script: string, data: unknown): T {
  const program = `import json, sys\nimport numpy as np\nfrom scipy import stats, spatial, special\ndata = json.load(sys.stdin)\n${script}\n`;
  const r = spawnSync(PYTHON, ['-c', program], { input: JSON.stringify(data), encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  // Python's json writes Infinity and NaN, which JSON.parse rejects: 1e999 parses as Infinity.
  return JSON.parse(r.stdout.replace(/-Infinity\b/g, '-1e999').replace(/\bInfinity\b/g, '1e999').replace(/\bNaN\b/g, 'null')) as T;
}

/**
 * Evaluates SciPy calls: `calls` are [function path, args] pairs such as
 * ['stats.t.ppf', [0.975, 10]]; returns one result per call.
 */
export function scipyCalls(calls: [string, unknown[]][]): unknown[] {
  return python<unknown[]>(
    ['out = []', 'for name, args in data:', '    r = eval(name)(*args)', '    out.append(json.loads(json.dumps(r, default=lambda o: o.tolist() if hasattr(o, "tolist") else float(o))))', 'print(json.dumps(out))'].join('\n'),
    calls,
  );
}

/** A small seeded generator for test data (mulberry32): the same sequence everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

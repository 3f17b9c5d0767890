import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = path.join(ROOT, 'fixtures', 'strategy');

/**
 * Evaluates SciPy expressions in the system python3: `calls` are [function path, args]
 * pairs such as ['stats.t.ppf', [0.975, 10]]; returns null (the caller skips, saying
 * why) when python3 or SciPy is missing.
 */
export function scipy(calls: [string, unknown[]][]): unknown[] | null {
  const script = [
    'import json, sys',
    'import numpy as np',
    'from scipy import stats',
    'out = []',
    'for name, args in json.load(sys.stdin):',
    '    fn = eval(name)',
    '    r = fn(*args)',
    '    out.append(json.loads(json.dumps(r, default=lambda o: o.tolist() if hasattr(o, "tolist") else float(o))))',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(calls), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) {
    if (/No module named|ENOENT/.test(`${r.stderr ?? ''}${r.error?.message ?? ''}`)) return null;
    throw new Error(`python3 failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout) as unknown[];
}

export const hasScipy = (() => {
  const r = spawnSync('python3', ['-c', 'import scipy'], { stdio: 'ignore' });
  return r.status === 0;
})();
export const SCIPY_MISSING = 'python3 with scipy is not installed (scripts/test-tools.mjs installs it)';

export function hasGit(): boolean {
  return spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function tempDir(name: string): string {
  const base = process.env.RECDATA_TEST_OUTPUT ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `${name}-`));
}

export function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/** Every regular file under dir (relative paths, sorted), .git excluded. */
export function listTree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name === '.git') continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listTree(dir, p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export function run(cmd: string, args: string[], cwd: string, input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, input, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_SYSTEM: '/dev/null' } });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** A git repository holding a copy of `tree`, committed: the place to try `git apply`. */
export function gitRepoOf(tree: string, name: string): string {
  const dir = tempDir(name);
  copyTree(tree, dir);
  for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'fixture']]) {
    const r = run('git', args, dir);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  }
  return dir;
}

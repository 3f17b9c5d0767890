import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

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

const sourceCache = new Map<string, ts.SourceFile>();

/**
 * Type-checks a TypeScript or JavaScript project with the compiler API (what tsc
 * does), reading `overrides` (absolute path -> text) instead of the files on disk.
 */
export function typecheck(dir: string, configName: string, overrides = new Map<string, string>()): string[] {
  const cfg = ts.readConfigFile(path.join(dir, configName), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, dir);
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => overrides.get(path.resolve(f)) ?? readFile(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError) => {
    const text = overrides.get(path.resolve(f));
    if (text !== undefined) return ts.createSourceFile(f, text, lang);
    // The standard library is parsed once for every check in the process.
    const key = `${f}\0${typeof lang === 'object' ? lang.languageVersion : lang}`;
    let sf = sourceCache.get(key);
    if (!sf) {
      sf = getSourceFile(f, lang, onError);
      if (sf) sourceCache.set(key, sf);
    }
    return sf;
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  // The project's own files (the standard library is not ours to check, and checking lib.dom takes seconds).
  const own = parsed.fileNames.map((f) => program.getSourceFile(f)!);
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...own.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ];
  return diagnostics.map((d) => `${d.file ? `${path.relative(dir, d.file.fileName)}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

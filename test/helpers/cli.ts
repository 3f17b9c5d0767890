import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC, type Table } from 'apache-arrow';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(ROOT, 'packages', 'cli', 'bin', 'run.js');
/** ../shared/datasets of the checkout, or of a folder above it (worktrees sit deeper); RECDATA_DATASETS overrides. */
export const DATASETS = ((): string => {
  if (process.env.RECDATA_DATASETS) return process.env.RECDATA_DATASETS;
  for (let dir = path.dirname(ROOT); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const p = path.join(dir, 'shared', 'datasets');
    if (fs.existsSync(p)) return p;
  }
  return path.resolve(ROOT, '..', 'shared', 'datasets');
})();

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface CliOptions {
  /** Bytes for stdin, or a file to pipe in; stdin is closed when absent. */
  input?: Buffer | Uint8Array | string | { file: string };
  env?: Record<string, string>;
  cwd?: string;
  /** Run a standalone binary (e.g. dpu-hash) instead of `recdata`. */
  bin?: string;
}

/** Runs the built `recdata` CLI (the artifact, not the sources) with real pipes. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const bin = options.bin ? path.join(ROOT, 'packages', 'cli', 'bin', `${options.bin}.js`) : CLI;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, OCLIF_SKIP_UPDATE_CHECK: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => {
      /* the command may exit before reading all of its input */
    });
    const input = options.input;
    if (input === undefined) child.stdin.end();
    else if (typeof input === 'object' && 'file' in input) fs.createReadStream(input.file).pipe(child.stdin);
    else child.stdin.end(input);
  });
}

/** Runs a shell pipeline (real pipes between real processes); `recdata` is the built CLI. */
export function runShell(script: string, options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const prelude = `recdata() { "${process.execPath}" "${CLI}" "$@"; }\n`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `set -o pipefail\n${prelude}${script}`], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, OCLIF_SKIP_UPDATE_CHECK: '1', ...options.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

export function readTable(bytes: Uint8Array): Table {
  return tableFromIPC(bytes);
}

/** A fresh folder under test-output/ for one test's files. */
export function scratchDir(name: string): string {
  const base = process.env.RECDATA_TEST_OUTPUT ?? path.join(ROOT, 'test-output');
  const dir = path.join(base, name.replace(/[^a-zA-Z0-9_.-]+/g, '-'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Asserts the one-line error contract: `recdata <command>: ...`, one line, no stack. */
export function errorLine(result: CliResult): string {
  const lines = result.stderr.split('\n').filter((l) => l.length > 0 && !l.includes('Warning: oclif update'));
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}:\n${result.stderr}`);
  if (!/^recdata [a-z-]+( [a-z-]+)?: /.test(lines[0])) throw new Error(`error line lacks the "recdata <command>: " prefix: ${lines[0]}`);
  return lines[0];
}

export function datasetPath(...parts: string[]): string | null {
  const p = path.join(DATASETS, ...parts);
  return fs.existsSync(p) ? p : null;
}

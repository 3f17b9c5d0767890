// Shared pieces of the benchmarks: timing whole commands (interleaved with their
// peer, so that a noisy neighbour hurts both sides alike), cached input files,
// DuckDB, and the result format that BENCHMARKS.md is made from.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(ROOT, 'packages', 'cli', 'bin', 'run.js');
export const BIN = path.join(ROOT, 'node_modules', '.bin');
export const DATA_DIR = path.join(ROOT, 'out', 'bench-data');
export const RESULTS_DIR = path.join(ROOT, 'scripts', 'bench', 'results');
export const DATASETS = path.resolve(ROOT, '..', 'shared', 'datasets');

/** BENCH_SCALE multiplies the default sizes (1 = minutes for the whole suite). */
export const SCALE = Number(process.env.BENCH_SCALE ?? '1');
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);

export interface BenchRow {
  /** What is measured, e.g. "pipe throughput (MB/s)". */
  metric: string;
  recdata: number;
  /** The peer's figure on the same data in the same run; null where there is no peer. */
  peer: number | null;
  peerName: string | null;
  /** recdata / peer for higher-is-better metrics, peer / recdata for lower-is-better. */
  ratio: number | null;
  /** The target, in words and as a number the ratio (or value) is held to. */
  target?: { text: string; min?: number; max?: number; on: 'ratio' | 'value' };
  met?: boolean;
  unit?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  date: string;
  machine: string;
  scale: number;
  rows: BenchRow[];
  notes: string[];
}

export function machine(): string {
  return `${os.cpus()[0]?.model ?? 'cpu'} x${os.availableParallelism()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** A row comparing a higher-is-better figure with its peer's. */
export function higherIsBetter(metric: string, recdata: number, peerName: string | null, peer: number | null, target?: BenchRow['target'], unit?: string): BenchRow {
  const ratio = peer ? recdata / peer : null;
  return withTarget({ metric, recdata, peer, peerName, ratio, target, unit });
}

/** A row comparing a lower-is-better figure (time, bytes) with its peer's. */
export function lowerIsBetter(metric: string, recdata: number, peerName: string | null, peer: number | null, target?: BenchRow['target'], unit?: string): BenchRow {
  const ratio = peer ? peer / recdata : null;
  return withTarget({ metric, recdata, peer, peerName, ratio, target, unit });
}

function withTarget(row: BenchRow): BenchRow {
  if (!row.target) return row;
  const v = row.target.on === 'ratio' ? row.ratio : row.recdata;
  if (v === null) return row;
  row.met = (row.target.min === undefined || v >= row.target.min) && (row.target.max === undefined || v <= row.target.max);
  return row;
}

/** Wall-clock seconds of a shell command (bash -c, pipefail). Throws when it fails. */
export function timeShell(script: string, env: Record<string, string> = {}): number {
  const start = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', `set -o pipefail\n${script}`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OCLIF_SKIP_UPDATE_CHECK: '1', ...env } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`benchmark command failed (${r.status}): ${script}\n${r.stderr?.toString().slice(-2000)}`);
  return seconds;
}

/**
 * Times two commands alternately, `repeat` times each, and returns each side's
 * median: alternating spreads the machine's noise over both sides.
 */
export function timePair(a: string, b: string, repeat = 5, env: Record<string, string> = {}): { a: number; b: number; aRuns: number[]; bRuns: number[] } {
  const aRuns: number[] = [];
  const bRuns: number[] = [];
  timeShell(a, env); // warm the page cache and the code paths once, untimed
  timeShell(b, env);
  for (let i = 0; i < repeat; i++) {
    if (i % 2 === 0) {
      aRuns.push(timeShell(a, env));
      bRuns.push(timeShell(b, env));
    } else {
      bRuns.push(timeShell(b, env));
      aRuns.push(timeShell(a, env));
    }
  }
  return { a: median(aRuns), b: median(bRuns), aRuns, bRuns };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median seconds of an in-process async function. */
export async function timeAsync(fn: () => Promise<unknown>, repeat = 3): Promise<number> {
  const runs: number[] = [];
  await fn();
  for (let i = 0; i < repeat; i++) {
    const start = process.hrtime.bigint();
    await fn();
    runs.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(runs);
}

/** `recdata ...` as a shell word list, using the built CLI. */
export function recdata(args: string): string {
  return `"${process.execPath}" "${CLI}" ${args}`;
}

/** An input file made once per size and kept in out/bench-data/ (not in the repository). */
export async function cachedFile(name: string, make: (file: string) => void | Promise<void>): Promise<string> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, name);
  if (!fs.existsSync(file)) {
    const temp = `${file}.partial`;
    await make(temp);
    fs.renameSync(temp, file);
  }
  return file;
}

export function run(script: string): void {
  timeShell(script);
}

export function fileBytes(file: string): number {
  return fs.statSync(file).size;
}

/** DuckDB in process (@duckdb/node-api), with as many threads as we have cores. */
export async function duckdb() {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: String(os.availableParallelism()) });
  const connection = await instance.connect();
  return {
    async run(sql: string) {
      return connection.run(sql);
    },
    async rows(sql: string): Promise<Record<string, unknown>[]> {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjects() as Record<string, unknown>[];
    },
    async time(sql: string, repeat = 3): Promise<number> {
      return timeAsync(() => connection.run(sql), repeat);
    },
    close() {
      connection.closeSync?.();
      instance.closeSync?.();
    },
  };
}

export function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export function mb(bytes: number): number {
  return bytes / 1e6;
}

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface DemoContext {
  root: string;
  /** ./out/demo: every stage writes its outputs here. */
  out: string;
  /** Events in the generated log (DEMO_EVENTS). */
  events: number;
  /** Files stages hand to later stages, by name (e.g. events: out/demo/events.arrow). */
  files: Record<string, string>;
}

export interface StageResult {
  rows?: number;
  bytes?: number;
  note?: string;
}

export interface DemoStage {
  name: string;
  run(ctx: DemoContext): Promise<StageResult> | StageResult;
}

/** Runs a shell pipeline with the built binaries first on PATH; throws with its stderr when it fails. */
export function sh(ctx: DemoContext, script: string): string {
  const r = spawnSync('bash', ['-c', `set -euo pipefail\n${script}`], {
    cwd: ctx.out,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${path.join(ctx.root, 'node_modules', '.bin')}:${process.env.PATH}`, OCLIF_SKIP_UPDATE_CHECK: '1' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`${script}\n${r.stderr}`);
  return r.stdout;
}

export function size(file: string): number {
  return fs.statSync(file).size;
}

/** Rows in an Arrow stream file (read in process). */
export async function countRows(file: string): Promise<number> {
  const { ArrowReader } = await import('@recdata/core');
  let rows = 0;
  for await (const batch of await ArrowReader.open([file])) rows += batch.numRows;
  return rows;
}

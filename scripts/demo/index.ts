// `npm run demo`: the main pipeline on generated data, stage by stage, with a
// summary (rows, bytes, seconds per stage). Outputs stay in ./out/demo/.
// Each capability adds a stage as a file in stages/ (NN-name.ts, run in name
// order), so adding one never edits this file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoContext, DemoStage } from './stage.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(root, 'out', 'demo');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

const stageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stages');
const files = fs.readdirSync(stageDir).filter((f) => f.endsWith('.ts')).sort();
const ctx: DemoContext = { root, out, events: Number(process.env.DEMO_EVENTS ?? 1_000_000), files: {} };

const summary: { stage: string; rows: string; bytes: string; seconds: string; what: string }[] = [];
let failed = false;
for (const f of files) {
  const stage = (await import(path.join(stageDir, f))).default as DemoStage;
  process.stderr.write(`demo: ${stage.name}\n`);
  const start = process.hrtime.bigint();
  try {
    const r = await stage.run(ctx);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    summary.push({ stage: stage.name, rows: r.rows?.toLocaleString('en-US') ?? '', bytes: r.bytes !== undefined ? human(r.bytes) : '', seconds: seconds.toFixed(2), what: r.note ?? '' });
  } catch (e) {
    failed = true;
    summary.push({ stage: stage.name, rows: '', bytes: '', seconds: '', what: `FAILED: ${(e as Error).message.split('\n')[0]}` });
  }
}

const cols = ['stage', 'rows', 'bytes', 'seconds', 'what'] as const;
const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...summary.map((s) => s[c].length))]));
const line = (r: Record<string, string>) => cols.map((c) => (c === 'rows' || c === 'bytes' || c === 'seconds' ? r[c].padStart(width[c]) : r[c].padEnd(width[c]))).join('  ').trimEnd();
console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
for (const s of summary) console.log(line(s));
console.log(`\noutputs in ${path.relative(process.cwd(), out) || '.'}/`);
process.exit(failed ? 1 : 0);

function human(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

// `pnpm bench [NAME...]`: runs scripts/bench/*.bench.ts (all, or those whose name
// contains one of the arguments), one after another so they do not compete for
// the two cores, writes scripts/bench/results/<name>.json and regenerates
// BENCHMARKS.md from every result on disk. GPU benchmarks (*.gpu.ts) run from
// scripts/gpu-check.sh on a machine with a GPU.
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR, ROOT, type BenchResult } from './lib.ts';
import { writeBenchmarksMarkdown } from './report.ts';

const filters = process.argv.slice(2);
const dir = path.join(ROOT, 'scripts', 'bench');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`bench: nothing matches ${filters.join(' ')}\n`);
  process.exit(2);
}
fs.mkdirSync(RESULTS_DIR, { recursive: true });
let failed = 0;
for (const f of files) {
  process.stderr.write(`bench: ${f}\n`);
  try {
    const mod = (await import(path.join(dir, f))) as { default: () => Promise<BenchResult> };
    const result = await mod.default();
    fs.writeFileSync(path.join(RESULTS_DIR, `${result.name}.json`), JSON.stringify(result, null, 2) + '\n');
    for (const row of result.rows) {
      const ratio = row.ratio === null ? '' : ` ratio ${row.ratio.toFixed(2)}`;
      const target = row.target ? ` (target ${row.target.text}: ${row.met ? 'met' : 'MISSED'})` : '';
      process.stderr.write(`  ${row.metric}: recdata ${fmt(row.recdata)}${row.peerName ? `, ${row.peerName} ${fmt(row.peer)}` : ''}${ratio}${target}\n`);
    }
  } catch (e) {
    failed++;
    process.stderr.write(`bench: ${f} failed: ${(e as Error).stack}\n`);
  }
}
writeBenchmarksMarkdown();
process.exit(failed > 0 ? 1 : 0);

function fmt(v: number | null): string {
  if (v === null) return '-';
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3);
}

// gpu-featurize transform on the GPU against the native CPU kernels: the 12-feature
// spec of featurize.bench.ts over 10M rows in 1M-row batches, after checking that
// both give the same bytes. Each CUDA batch copies its inputs in once and its
// outputs back once (timed). Run by scripts/gpu-check.sh on a machine with a GPU;
// writes scripts/bench/results/featurize-gpu.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { batchStream, cudaAvailability } from '@recdata/core';
import { createFeaturizeExecutor, featurizeAddon, fit, parseSpecText, planTransform, transformStream, type FeaturizeExecutor, type TransformPlan } from '@recdata/featurize';
import { chunk, schema, SPEC } from './featurize-data.ts';
import { higherIsBetter, machine, RESULTS_DIR, SCALE, timeAsync, type BenchResult } from './lib.ts';

const BATCH_ROWS = 1 << 20;

const cuda = cudaAvailability();
const addon = featurizeAddon() as unknown as { FeaturizePlan?: { prototype: { runCuda?: unknown } } } | null;
if (!addon?.FeaturizePlan?.prototype.runCuda || cuda.count === 0) {
  console.log(`featurize.gpu: skipped: ${cuda.reason ?? 'the addon was built without CUDA'}`);
  process.exit(0);
}

async function drain(plan: TransformPlan, executor: FeaturizeExecutor, batches: RecordBatch[], inFlight: number): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of transformStream(batchStream(schema, batches), plan, executor, inFlight)) out.push(b);
  return out;
}

const rows = Math.round(10_000_000 * SCALE);
const batches: RecordBatch[] = [];
for (let start = 0; start < rows; start += BATCH_ROWS) batches.push(chunk(start, Math.min(BATCH_ROWS, rows - start)));
const spec = parseSpecText(SPEC, 'featurize-bench.yaml').spec;
const fitted = await fit(batchStream(schema, batches), spec);
const threads = os.availableParallelism();
const result: BenchResult = { name: 'featurize-gpu', title: 'gpu-featurize transform: CUDA against native', date: new Date().toISOString().slice(0, 10), machine: machine(), scale: SCALE, rows: [], notes: [] };
for (const layout of ['columns', 'tensor'] as const) {
  const plan = planTransform(fitted.bound, fitted.states, { layout });
  const gpu = createFeaturizeExecutor('cuda', plan);
  const one = createFeaturizeExecutor('native', plan, { threads: 1 });
  const all = createFeaturizeExecutor('native', plan, { threads });
  const first = [batches[0]];
  const a = Buffer.from(tableToIPC(new Table(await drain(plan, gpu, first, 1)), 'stream'));
  const b = Buffer.from(tableToIPC(new Table(await drain(plan, one, first, 1)), 'stream'));
  if (!a.equals(b)) throw new Error(`${layout}: CUDA and native differ`);
  const g = await timeAsync(() => drain(plan, gpu, batches, 3), 3);
  const c1 = await timeAsync(() => drain(plan, one, batches, 2), 1);
  const cn = await timeAsync(() => drain(plan, all, batches, threads * 2), 3);
  result.rows.push(
    higherIsBetter(`transform, ${layout} layout: CUDA (M rows/s, copies included)`, rows / g / 1e6, 'native, 1 thread', rows / c1 / 1e6, { text: '>= 20x native', min: 20, on: 'ratio' }, 'M rows/s'),
    higherIsBetter(`transform, ${layout} layout: CUDA against every core (M rows/s)`, rows / g / 1e6, `native, ${threads} threads`, rows / cn / 1e6, undefined, 'M rows/s'),
  );
  for (const e of [gpu, one, all]) await e.close();
}
result.notes.push(`${rows} rows in ${BATCH_ROWS}-row batches, 12 features; in process from batches in memory to output batches; CUDA devices: ${cuda.count}`);
fs.mkdirSync(RESULTS_DIR, { recursive: true });
fs.writeFileSync(path.join(RESULTS_DIR, 'featurize-gpu.json'), JSON.stringify(result, null, 2) + '\n');
for (const r of result.rows) console.log(`${r.metric}: ${r.recdata.toFixed(2)} vs ${r.peerName} ${r.peer?.toFixed(2)} (${r.ratio?.toFixed(2)}x)`);

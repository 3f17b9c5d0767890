// recdata on Ray (issue 10): recdata.ray.pipe(ds, "dpu-hash ...") against the same
// XXH64 hashing in Python inside map_batches (the xxhash package), on 10M events in
// a Ray dataset of 20 blocks on a local cluster (ray.init(num_cpus=2)); target:
// recdata at least 5x faster. And the pipe's own cost: recdata cat through Ray
// against map_batches(lambda b: b). The Ray side is scripts/bench/python_bench.py,
// run with the project's .venv python (npm test makes it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cachedFile, higherIsBetter, machine, recdata, ROOT, SCALE, timeShell, type BenchResult } from './lib.ts';

const PYTHON = path.join(ROOT, '.venv', 'bin', 'python3');

export default async function pythonBenchmark(): Promise<BenchResult> {
  if (!fs.existsSync(PYTHON)) throw new Error('.venv is missing: run npm test once (scripts/test-tools.mjs makes it with pyarrow, xxhash and ray[data])');
  const events = Math.round(10_000_000 * SCALE);
  const file = await cachedFile(`python-events-${events}.arrow`, async (f) => {
    timeShell(`${recdata(`gen events --events ${events} --users 100000 --items 1000000 --seed 10`)} > "${f}"`);
  });
  const r = spawnSync(PYTHON, [path.join(ROOT, 'scripts', 'bench', 'python_bench.py'), '--input', file, '--blocks', '20', '--repeat', '3'], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: [path.join(ROOT, 'packages', 'python', 'src'), process.env.PYTHONPATH].filter(Boolean).join(path.delimiter), OCLIF_SKIP_UPDATE_CHECK: '1' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`python_bench.py failed (${r.status}): ${r.stderr.slice(-3000)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    rows: number;
    blocks: number;
    bytes: number;
    ray: string;
    hash: { recdata_s: number; python_s: number; recdata_runs: number[]; python_runs: number[] };
    hash_columns: { recdata_s: number; python_s: number; recdata_runs: number[]; python_runs: number[] };
    pipe: { recdata_s: number; identity_s: number; recdata_runs: number[]; identity_runs: number[] };
    worker: { recdata_all_columns: number; recdata_item_id: number; python: number };
  };
  const meps = (s: number) => out.rows / s / 1e6;
  return {
    name: 'python',
    title: 'recdata on Ray: pipe(dpu-hash) against Python xxhash in map_batches; the pipe against an identity map_batches',
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    scale: SCALE,
    rows: [
      higherIsBetter('recdata.ray.pipe dpu-hash --cols item_id (M events/s)', meps(out.hash.recdata_s), 'map_batches + Python xxhash.xxh64 per value', meps(out.hash.python_s), { text: '>= 5x', min: 5, on: 'ratio' }, 'M events/s'),
      higherIsBetter('recdata.ray.pipe dpu-hash --cols item_id, columns=["item_id"] (M events/s; only the hashed column through the tool)', meps(out.hash_columns.recdata_s), 'map_batches + Python xxhash.xxh64 per value', meps(out.hash_columns.python_s), { text: '>= 5x', min: 5, on: 'ratio' }, 'M events/s'),
      higherIsBetter('per worker, steady state, no Ray: one dpu-hash process answering block after block, every column (M events/s)', out.worker.recdata_all_columns / 1e6, 'the peer\'s Python function on the same blocks', out.worker.python / 1e6, undefined, 'M events/s'),
      higherIsBetter('per worker, steady state, no Ray: the same with only item_id sent (columns=) (M events/s)', out.worker.recdata_item_id / 1e6, 'the peer\'s Python function on the same blocks', out.worker.python / 1e6, { text: '>= 5x', min: 5, on: 'ratio' }, 'M events/s'),
      higherIsBetter('recdata.ray.pipe cat (M events/s; the cost of the pipe)', meps(out.pipe.recdata_s), 'map_batches(lambda b: b)', meps(out.pipe.identity_s), undefined, 'M events/s'),
    ],
    notes: [
      `${out.rows} events (${(out.bytes / 1e6).toFixed(0)} MB in Arrow) in ${out.blocks} blocks, Ray ${out.ray}, local cluster ray.init(num_cpus=2); each side consumed by iterating its output; medians of ${out.hash.recdata_runs.length} alternating runs (s): dpu-hash ${fmt(out.hash.recdata_runs)} vs Python ${fmt(out.hash.python_runs)}; with columns= ${fmt(out.hash_columns.recdata_runs)} vs Python ${fmt(out.hash_columns.python_runs)}; cat ${fmt(out.pipe.recdata_runs)} vs identity ${fmt(out.pipe.identity_runs)}`,
      'recdata: an actor pool of 2, one long-lived tool process per actor (--threads 1), each block written to it and its rows read back; Node start-up and actor start-up are inside the timings; every run starts on an idle cluster (the previous pipeline\'s actors gone, untimed)',
      'peer: the xxhash package per value on 8-byte slices of the column buffer (there is no vectorised XXH64 in numpy or pyarrow); the two columns are checked equal before timing',
    ],
  };
}

function fmt(xs: number[]): string {
  return xs.map((x) => x.toFixed(2)).join('/');
}

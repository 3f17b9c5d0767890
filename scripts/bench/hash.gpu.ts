// The CUDA hash kernels against the native ones on 10M int64 values and 10M
// short strings, in 1M-row jobs (the copies to and from the device included),
// after checking that both give the same bits. Run by scripts/gpu-check.sh on a
// machine with a GPU; writes scripts/bench/results/hash-gpu.json.
import fs from 'node:fs';
import path from 'node:path';
import { Int64, makeData, Utf8, type Data } from 'apache-arrow';
import { cudaAvailability } from '@recdata/core';
// scripts/ does not depend on @recdata/hash (that would change the shared lockfile): import its source.
import { createExecutor, hashAddon, hashColumnSync, resolveSpec } from '@recdata/hash';
import { higherIsBetter, machine, RESULTS_DIR, SCALE, timeAsync, type BenchResult } from './lib.ts';

const JOB_ROWS = 1 << 20;

function ints(start: number, n: number): Data {
  const v = new BigInt64Array(n);
  for (let i = 0; i < n; i++) v[i] = BigInt(start + i) * 2654435761n;
  return makeData({ type: new Int64(), length: n, data: v });
}

function strings(start: number, n: number): Data {
  const offsets = new Int32Array(n + 1);
  const bytes = new Uint8Array(n * 32);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const s = `u${(BigInt(start + i) * 2654435761n).toString().padStart(20, '0')}abcdefghijklmnop`.slice(0, 8 + ((start + i) % 25));
    for (let k = 0; k < s.length; k++) bytes[at + k] = s.charCodeAt(k);
    at += s.length;
    offsets[i + 1] = at;
  }
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes.slice(0, at) });
}

const cuda = cudaAvailability();
if (!hashAddon()?.hashJobCuda || cuda.count === 0) {
  console.log(`hash.gpu: skipped: ${cuda.reason ?? 'the addon was built without CUDA'}`);
  process.exit(0);
}

const rows = Math.round(10_000_000 * SCALE);
const native = createExecutor('native');
const gpu = createExecutor('cuda');
const result: BenchResult = { name: 'hash-gpu', title: 'dpu-hash kernels: CUDA against native', date: new Date().toISOString().slice(0, 10), machine: machine(), scale: SCALE, rows: [], notes: [] };
for (const [name, make] of [
  ['int64', ints],
  ['short strings (8-32 bytes)', strings],
] as const) {
  const jobs: Data[] = [];
  for (let start = 0; start < rows; start += JOB_ROWS) jobs.push(make(start, Math.min(JOB_ROWS, rows - start)));
  for (const algorithm of ['xxh64', 'xxh3', 'murmur3'] as const) {
    const spec = resolveSpec({ algorithm });
    const a = hashColumnSync(jobs[0], spec, gpu).values;
    const b = hashColumnSync(jobs[0], spec, native).values;
    if (!Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))) throw new Error(`${name} ${algorithm}: CUDA and native differ`);
    const g = await timeAsync(async () => jobs.forEach((d) => hashColumnSync(d, spec, gpu)), 3);
    const c = await timeAsync(async () => jobs.forEach((d) => hashColumnSync(d, spec, native)), 3);
    result.rows.push(higherIsBetter(`${name}, ${algorithm}: CUDA (M rows/s, copies included)`, rows / g / 1e6, 'native, 1 thread', rows / c / 1e6, undefined, 'M rows/s'));
  }
}
result.notes.push(`${rows} rows per input in ${JOB_ROWS}-row jobs; each job copies its buffers to the device and the hashes back (pageable memory)`, `CUDA devices: ${cuda.count}`);
fs.mkdirSync(RESULTS_DIR, { recursive: true });
fs.writeFileSync(path.join(RESULTS_DIR, 'hash-gpu.json'), JSON.stringify(result, null, 2) + '\n');
for (const r of result.rows) console.log(`${r.metric}: ${r.recdata.toFixed(1)} vs ${r.peerName} ${r.peer?.toFixed(1)} (${r.ratio?.toFixed(2)}x)`);

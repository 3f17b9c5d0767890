// The CUDA hash kernels against the TypeScript twin and the published vectors,
// on a machine with an NVIDIA GPU (scripts/gpu-check.sh runs this file). Without a
// device every test reports itself skipped, with the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Int32, Int64, makeData } from 'apache-arrow';
import { cudaAvailability } from '@recdata/core';
import { createExecutor, hashAddon, hashColumnSync, hashCrossSync, resolveSpec, type HashSpec } from '../src/index.ts';
import { binaryColumn, columnsOfEveryType, crossableColumns, ipcBytes, prng, sameBytes, sanityBuffer } from './helpers.ts';
import { SIPHASH_KEY, SIPHASH_VECTORS, SPARK_HASH_INT, SPARK_HASH_LONG, sipVector, XXH3_VECTORS, XXH64_VECTORS } from './vectors.ts';

function reasonToSkip(): string | false {
  const addon = hashAddon();
  if (!addon) return 'the native addon is not built';
  if (!addon.hashJobCuda) return 'the addon was built without CUDA (nvcc not found at build time)';
  const cuda = cudaAvailability();
  if (cuda.count === 0) return `no CUDA device: ${cuda.reason}`;
  return false;
}

const skip = reasonToSkip();
const KEY = Uint8Array.from({ length: 16 }, (_, i) => (i * 53 + 5) & 0xff);
const SPECS: HashSpec[] = [
  { algorithm: 'xxh64' },
  { algorithm: 'xxh64', seed: 0xfedcba9876543210n, buckets: 1000003n, nullHash: 5n },
  { algorithm: 'xxh3', seed: 7n },
  { algorithm: 'murmur3', seed: 42n },
  { algorithm: 'murmur3', buckets: 1n << 20n },
  { algorithm: 'siphash', key: KEY, seed: 3n },
];

describe('CUDA hash kernels', { skip }, () => {
  it('are bit-identical to the TypeScript twin on every type, every algorithm', () => {
    const cuda = createExecutor('cuda');
    const js = createExecutor('js');
    // Large enough for several blocks and a partial last warp.
    const columns = columnsOfEveryType(6061, 5000 + 17);
    for (const spec of SPECS) {
      const resolved = resolveSpec(spec);
      for (const c of columns) {
        const expected = ipcBytes(hashColumnSync(c.data, resolved, js, c.name));
        const got = ipcBytes(hashColumnSync(c.data, resolved, cuda, c.name));
        assert.ok(sameBytes(got, expected), `cuda differs from js on ${c.name} (${spec.algorithm})`);
      }
      const leaves = crossableColumns(columns);
      const rand = prng(5);
      for (let k = 0; k < 10; k++) {
        const picked = [0, 1, 2].slice(0, 2 + (k % 2)).map(() => leaves[Math.floor(rand() * leaves.length)]);
        const expected = ipcBytes(hashCrossSync(picked.map((p) => p.data), resolved, js));
        const got = ipcBytes(hashCrossSync(picked.map((p) => p.data), resolved, cuda));
        assert.ok(sameBytes(got, expected), `cuda cross ${picked.map((p) => p.name).join(' x ')} differs (${spec.algorithm})`);
      }
    }
  });

  it('agree with the native kernels on a million rows', () => {
    const n = 1_000_003;
    const values = new BigInt64Array(n);
    for (let i = 0; i < n; i++) values[i] = BigInt(i) * 0x9e3779b97f4a7c15n;
    const col = makeData({ type: new Int64(), length: n, data: values });
    const spec = resolveSpec({ algorithm: 'xxh3', seed: 11n, buckets: 999983n });
    assert.ok(sameBytes(ipcBytes(hashColumnSync(col, spec, createExecutor('cuda'))), ipcBytes(hashColumnSync(col, spec, createExecutor('native')))));
  });

  it('give the published vectors', () => {
    const cuda = createExecutor('cuda');
    const buffer = sanityBuffer();
    const hex = (v: bigint) => `0x${v.toString(16)}`;
    for (const [table, algorithm] of [
      [XXH64_VECTORS, 'xxh64'],
      [XXH3_VECTORS, 'xxh3'],
    ] as const) {
      for (const [len, seed, want] of table) {
        const out = hashColumnSync(binaryColumn([buffer.subarray(0, len)]), resolveSpec({ algorithm, seed }), cuda).values as BigUint64Array;
        assert.equal(hex(out[0]), hex(want), `${algorithm} len ${len} seed ${seed}`);
      }
    }
    const ints = makeData({ type: new Int32(), length: 5, data: Int32Array.from(SPARK_HASH_INT.map((v) => v[0])) });
    const gotInts = hashColumnSync(ints, resolveSpec({ algorithm: 'murmur3' }), cuda).values as Uint32Array;
    SPARK_HASH_INT.forEach(([v, want], i) => assert.equal(gotInts[i] | 0, want, `hashInt(${v})`));
    const longs = makeData({ type: new Int64(), length: 5, data: BigInt64Array.from(SPARK_HASH_LONG.map((v) => v[0])) });
    const gotLongs = hashColumnSync(longs, resolveSpec({ algorithm: 'murmur3' }), cuda).values as Uint32Array;
    SPARK_HASH_LONG.forEach(([v, want], i) => assert.equal(gotLongs[i] | 0, want, `hashLong(${v})`));
    const messages = SIPHASH_VECTORS.map((_, len) => Uint8Array.from({ length: len }, (_, i) => i));
    const sip = hashColumnSync(binaryColumn(messages), resolveSpec({ algorithm: 'siphash', key: SIPHASH_KEY }), cuda).values as BigUint64Array;
    SIPHASH_VECTORS.forEach((v, len) => assert.equal(hex(sip[len]), hex(sipVector(v)), `siphash len ${len}`));
  });

  it('dpu-hash --backend cuda writes the same bytes as --backend native', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const cli = path.join(root, 'packages', 'cli', 'bin', 'run.js');
    const gen = spawnSync(process.execPath, [cli, 'gen', 'events', '--events', '200000'], { maxBuffer: 1 << 30 });
    assert.equal(gen.status, 0, gen.stderr?.toString());
    const run = (backend: string) =>
      spawnSync(process.execPath, [cli, 'dpu-hash', '--cols', 'user_id,item_id,action', '--cross', 'user_id,item_id', '--buckets', '1000000', '--backend', backend], {
        input: gen.stdout,
        maxBuffer: 1 << 30,
      });
    const a = run('cuda');
    const b = run('native');
    assert.equal(a.status, 0, a.stderr?.toString());
    assert.ok(Buffer.compare(a.stdout, b.stdout) === 0, 'cuda and native outputs differ');
  });
});

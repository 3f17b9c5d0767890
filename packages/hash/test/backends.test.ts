// Every backend against the TypeScript twin, bit for bit, on random columns of
// every supported type (nulls, NaN, -0.0, empty and long strings, dictionaries,
// lists, sliced data), for every algorithm, with seeds, buckets, null hashes and
// crosses. The CUDA backend has the same checks in hash.gpu.test.ts.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createExecutor, hashColumn, hashColumnSync, hashCross, hashCrossSync, hashAddon, resolveSpec, type HashExecutor, type HashSpec } from '../src/index.ts';
import { columnsOfEveryType, crossableColumns, ipcBytes, prng, sameBytes } from './helpers.ts';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);
const hasNative = hashAddon() !== null;
const skipNative = hasNative ? false : 'the native addon is not built (run node scripts/bootstrap.mjs)';

function specs(): HashSpec[] {
  return [
    { algorithm: 'xxh64' },
    { algorithm: 'xxh64', seed: 0xfedcba9876543210n, buckets: 1000003n },
    { algorithm: 'xxh3', seed: 7n, nullHash: 42n },
    { algorithm: 'xxh3', seed: 0x9e3779b97f4a7c15n },
    { algorithm: 'murmur3', seed: 42n },
    { algorithm: 'murmur3', buckets: 1n << 20n, nullHash: 0xffffffffn },
    { algorithm: 'siphash', key: KEY },
    { algorithm: 'siphash', key: KEY, seed: 99n, buckets: (1n << 63n) - 25n },
  ];
}

function label(spec: HashSpec): string {
  return [spec.algorithm, spec.seed !== undefined ? `seed ${spec.seed}` : '', spec.buckets ? `buckets ${spec.buckets}` : '', spec.nullHash !== undefined ? `null-hash ${spec.nullHash}` : '']
    .filter(Boolean)
    .join(', ');
}

const js = createExecutor('js');
const executors: { name: string; make: () => HashExecutor }[] = [
  { name: 'native', make: () => createExecutor('native') },
  { name: 'offload (2 threads)', make: () => createExecutor('offload', { threads: 2, depth: 3 }) },
];

describe('backends are bit-identical to the TypeScript twin', { skip: skipNative }, () => {
  const columns = columnsOfEveryType(20240611, 700);
  const opened: HashExecutor[] = [];
  after(async () => {
    for (const e of opened) await e.close();
  });

  for (const { name, make } of executors) {
    it(`${name}: every type, every algorithm`, async () => {
      const executor = make();
      opened.push(executor);
      for (const spec of specs()) {
        const resolved = resolveSpec(spec);
        for (const c of columns) {
          const expected = ipcBytes(hashColumnSync(c.data, resolved, js, c.name));
          const got = ipcBytes(await hashColumn(c.data, resolved, executor, c.name));
          assert.ok(sameBytes(got, expected), `${name} differs from js on ${c.name} (${label(spec)})`);
        }
      }
    });

    it(`${name}: crosses of every pair shape`, async () => {
      const executor = make();
      opened.push(executor);
      const leaves = crossableColumns(columns);
      const rand = prng(77);
      for (const spec of specs()) {
        const resolved = resolveSpec(spec);
        for (let k = 0; k < 12; k++) {
          const width = 2 + Math.floor(rand() * 2);
          const picked = Array.from({ length: width }, () => leaves[Math.floor(rand() * leaves.length)]);
          const expected = ipcBytes(hashCrossSync(picked.map((p) => p.data), resolved, js));
          const got = ipcBytes(await hashCross(picked.map((p) => p.data), resolved, executor));
          assert.ok(sameBytes(got, expected), `${name} cross ${picked.map((p) => p.name).join(' x ')} differs (${label(spec)})`);
        }
      }
    });
  }

  it('offload keeps many jobs in flight and completes each one with its own result', async () => {
    const executor = createExecutor('offload', { threads: 2, depth: 2 });
    opened.push(executor);
    const resolved = resolveSpec({ algorithm: 'xxh3', seed: 3n });
    const work = columns.slice(0, 20);
    const results = await Promise.all(work.map((c) => hashColumn(c.data, resolved, executor, c.name)));
    work.forEach((c, i) => assert.ok(sameBytes(ipcBytes(results[i]), ipcBytes(hashColumnSync(c.data, resolved, js))), c.name));
  });

  it('an empty column hashes to an empty column on every backend', async () => {
    const empty = columns.find((c) => c.name === 'utf8')!.data.slice(0, 0);
    for (const { make } of executors) {
      const executor = make();
      opened.push(executor);
      const out = await hashColumn(empty, resolveSpec({ algorithm: 'xxh64' }), executor);
      assert.equal(out.length, 0);
    }
  });
});

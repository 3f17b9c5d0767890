// Every backend held to the TypeScript twin, bit for bit: the same output bytes for
// every op on every type, in both layouts, in and out of training mode, whatever the
// batch sizes and the number of threads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fit } from '../src/index.ts';
import { EVERY_OP, EVERY_OP_TENSOR, generated } from './data.ts';
import { ipc, rebatch, spec, streamOf, transformBatches } from './helpers.ts';
import { featurizeAddon } from '../src/index.ts';

const skip = featurizeAddon() ? false : 'the native addon is not built';

describe('native against the TypeScript twin', { skip }, () => {
  const input = [generated(5000, 3)];
  for (const layout of ['columns', 'tensor'] as const) {
    for (const training of [false, true]) {
      it(`gives the same bytes (${layout} layout${training ? ', training' : ''})`, async () => {
        const fitted = await fit(streamOf(input), spec(layout === 'columns' ? EVERY_OP : EVERY_OP_TENSOR));
        const expected = ipc(await transformBatches(fitted, input, { backend: 'js', layout, training }));
        for (const [rows, threads] of [
          [5000, 1],
          [333, 2],
          [64, 3],
        ]) {
          const got = ipc(await transformBatches(fitted, rebatch(input, rows), { backend: 'native', layout, training, threads }));
          const js = ipc(await transformBatches(fitted, rebatch(input, rows), { backend: 'js', layout, training }));
          assert.ok(got.equals(js), `native differs from js with ${rows}-row batches on ${threads} threads`);
          // Batches of other sizes hold the same rows: the table's bytes differ only in batch framing.
          if (rows === 5000) assert.ok(got.equals(expected));
        }
      });
    }
  }

  it('reports corrupt string offsets as bad input, not a crash', async () => {
    const b = generated(100, 5);
    const fitted = await fit(streamOf([b]), spec('features:\n  - { name: h, op: hash_bucket, input: s, buckets: 10 }\n'));
    const s = b.getChild('s')!.data[0];
    (s.valueOffsets as Int32Array)[50] = 1 << 30;
    await assert.rejects(transformBatches(fitted, [b], { backend: 'native' }), (e: Error & { exitCode?: number }) => e.exitCode === 65 && /corrupt column data/.test(e.message));
  });
});

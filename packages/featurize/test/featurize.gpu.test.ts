// The CUDA kernels against the TypeScript twin and the native kernels, on a machine
// with an NVIDIA GPU (scripts/gpu-check.sh runs this file). Without a device every
// test reports itself skipped, with the reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Float64, Int64, Utf8 } from 'apache-arrow';
import { fit } from '../src/index.ts';
import { EVERY_OP, EVERY_OP_TENSOR, generated } from './data.ts';
import { batchOf, cudaSkipReason, ipc, rebatch, spec, streamOf, transformBatches } from './helpers.ts';

const skip = cudaSkipReason();

describe('CUDA featurize kernels', { skip }, () => {
  const input = [generated(20_000, 11)];
  for (const layout of ['columns', 'tensor'] as const) {
    for (const training of [false, true]) {
      it(`are bit-identical to the TypeScript twin on every op and type (${layout}${training ? ', training' : ''})`, async () => {
        const fitted = await fit(streamOf(input), spec(layout === 'columns' ? EVERY_OP : EVERY_OP_TENSOR));
        const js = ipc(await transformBatches(fitted, input, { backend: 'js', layout, training }));
        const cuda = ipc(await transformBatches(fitted, input, { backend: 'cuda', layout, training }));
        assert.ok(cuda.equals(js), 'cuda differs from js');
        // Small batches: partial warps and blocks, rows past the last word of a validity bitmap.
        const small = rebatch(input, 77);
        assert.ok(ipc(await transformBatches(fitted, small, { backend: 'cuda', layout, training })).equals(ipc(await transformBatches(fitted, small, { backend: 'js', layout, training }))));
      });
    }
  }

  it('agree with the native kernels on a million rows and a large vocabulary', async () => {
    const n = 1_000_003;
    const b = batchOf({
      id: { type: new Int64(), values: Array.from({ length: n }, (_, i) => BigInt((i * 7919) % 300_007)) },
      x: { type: new Float64(), values: Array.from({ length: n }, (_, i) => (i % 1000 === 0 ? NaN : ((i * 13) % 10007) / 97 - 40)) },
      w: { type: new Utf8(), values: Array.from({ length: n }, (_, i) => `word-${(i * 31) % 50_021}-${i % 3}`) },
    });
    const yaml = `features:
  - { name: c, op: categorify, input: id, min_freq: 2, oov_buckets: 8 }
  - { name: cw, op: categorify, input: w, max_size: 20000 }
  - { name: l, op: log1p, input: x }
  - { name: z, op: normalize, input: x }
  - { name: b, op: bucketize, input: x, boundaries: [-30, -1, 0, 2, 40] }
  - { name: h, op: hashed_cross, input: [id, w], buckets: 1000003 }
  - { name: t, op: target_encode, input: w, target: x }
`;
    const fitted = await fit(streamOf([b]), spec(yaml));
    const native = ipc(await transformBatches(fitted, [b], { backend: 'native' }));
    const cuda = ipc(await transformBatches(fitted, [b], { backend: 'cuda' }));
    assert.ok(cuda.equals(native));
  });

  it('report corrupt string offsets as bad input', async () => {
    const b = generated(500, 5);
    const fitted = await fit(streamOf([b]), spec('features:\n  - { name: h, op: hash_bucket, input: s, buckets: 10 }\n'));
    (b.getChild('s')!.data[0].valueOffsets as Int32Array)[100] = 1 << 30;
    await assert.rejects(transformBatches(fitted, [b], { backend: 'cuda' }), (e: Error & { exitCode?: number }) => e.exitCode === 65);
  });
});

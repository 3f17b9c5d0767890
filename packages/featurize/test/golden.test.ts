// Every op on a small fixture whose answer was worked out by hand (docs/featurize-ops.md),
// on every backend this machine has: js (the reference) and native.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Bool, Dictionary, Field, FixedSizeList, Float32, Float64, Int32, Int64, List, TimestampMillisecond, Uint64, Utf8, type Vector } from 'apache-arrow';
import { float32ToFloat16Bits } from '../src/index.ts';
import { xxh64 } from '@recdata/hash';
import { batchOf, f32, nativeBackends, run, values } from './helpers.ts';

const le64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt.asIntN(64, v));
  return new Uint8Array(b);
};

for (const backend of nativeBackends()) {
  describe(`golden fixtures (${backend})`, () => {
    it('normalize: population std; std 0 gives 0; null stays null; NaN stays NaN', async () => {
      const b = batchOf({ x: { type: new Float64(), values: [1, 2, 3, 4, null, NaN] }, c: { type: new Int32(), values: [5, 5, 5, 5, 5, 5] } });
      const t = await run('features:\n  - { name: z, op: normalize, input: x }\n  - { name: zc, op: normalize, input: c }\n', [b], { backend });
      // mean 2.5, population variance 1.25, std sqrt(1.25) = 1.118033988749895
      assert.deepEqual(values(t, 'z'), [f32(-1.3416407864998738), f32(-0.4472135954999579), f32(0.4472135954999579), f32(1.3416407864998738), null, NaN]);
      assert.deepEqual(values(t, 'zc'), [0, 0, 0, 0, 0, 0]);
    });

    it('minmax: (x - min) / (max - min), not clipped outside the fitted range', async () => {
      const fitOn = batchOf({ x: { type: new Int64(), values: [0n, 5n, 10n, null] } });
      const input = batchOf({ x: { type: new Int64(), values: [0n, 5n, 10n, -5n, 20n, null] } });
      const t = await run('features:\n  - { name: m, op: minmax, input: x }\n', [fitOn], { backend, input: [input] });
      assert.deepEqual(values(t, 'm'), [0, 0.5, 1, -0.5, 2, null]);
    });

    it('log1p: -1 gives -Infinity, below -1 NaN, tiny values keep their precision', async () => {
      const b = batchOf({ x: { type: new Float64(), values: [0, 1, -1, -2, Infinity, NaN, null, 1e-10, -0] } });
      const t = await run('features:\n  - { name: l, op: log1p, input: x }\n', [b], { backend });
      assert.deepEqual(values(t, 'l'), [0, f32(0.6931471805599453), -Infinity, NaN, Infinity, NaN, null, f32(1e-10), -0]);
    });

    it('clip: bounds inclusive; NaN stays NaN; infinities clip', async () => {
      const b = batchOf({ x: { type: new Float32(), values: [-5, 0.5, 5, NaN, -Infinity, null, 1] } });
      const t = await run('features:\n  - { name: c, op: clip, input: x, min: -1, max: 1 }\n  - { name: lo, op: clip, input: x, min: 0 }\n', [b], { backend });
      assert.deepEqual(values(t, 'c'), [-1, 0.5, 1, NaN, -1, null, 1]);
      assert.deepEqual(values(t, 'lo'), [0, 0.5, 5, NaN, 0, null, 1]);
    });

    it('bucketize: numpy.digitize(right=False); NaN in the last bucket; null stays null', async () => {
      const xs = [0, 1, 4.9, 5, 15, 100, NaN, -Infinity, null];
      const b = batchOf({ x: { type: new Float64(), values: xs } });
      const t = await run('features:\n  - { name: b, op: bucketize, input: x, boundaries: [1, 5, 15] }\n', [b], { backend });
      assert.deepEqual(values(t, 'b'), [0, 1, 1, 2, 3, 3, 3, 0, null]);
    });

    it('quantile_bucketize: exact quantiles while the sketch holds every value', async () => {
      const b = batchOf({ x: { type: new Int32(), values: Array.from({ length: 100 }, (_, i) => i + 1) } });
      const input = batchOf({ x: { type: new Int32(), values: [24, 25, 49, 50, 75, 100, null] } });
      const t = await run('features:\n  - { name: q, op: quantile_bucketize, input: x, boundaries: 3 }\n', [b], { backend, input: [input] });
      // boundaries: the 25th, 50th and 75th smallest values: 25, 50, 75
      assert.deepEqual(values(t, 'q'), [0, 1, 1, 2, 3, 3, null]);
    });

    it('categorify: 0 padding, 1 null, OOV hashed into 2..2+oov-1, then by descending count, ties by value', async () => {
      const words = ['b', 'a', 'c', 'b', 'a', 'b', null, 'd'];
      const b = batchOf({ w: { type: new Utf8(), values: words } });
      const t = await run('features:\n  - { name: code, op: categorify, input: w, min_freq: 2, oov_buckets: 2 }\n', [b], { backend });
      const oov = (s: string) => 2 + Number(xxh64(s) % 2n);
      // b: 3, a: 2 (c and d below min_freq 2): b -> 2 + 2 + 0 = 4, a -> 5
      assert.deepEqual(values(t, 'code'), [4, 5, oov('c'), 4, 5, 4, 1, oov('d')]);
      const ties = batchOf({ w: { type: new Utf8(), values: ['x', 'y', 'y', 'x', 'z'] }, n: { type: new Int64(), values: [10n, 3n, 3n, 10n, 7n] } });
      const t2 = await run('features:\n  - { name: w_code, op: categorify, input: w }\n  - { name: n_code, op: categorify, input: n }\n  - { name: top, op: categorify, input: n, max_size: 1 }\n', [ties], { backend });
      assert.deepEqual(values(t2, 'w_code'), [3, 4, 4, 3, 5]); // x and y twice: x first
      assert.deepEqual(values(t2, 'n_code'), [4, 3, 3, 4, 5]); // 3 before 10
      const big = (v: bigint) => 2 + Number(xxh64(le64(v)) % 1n);
      assert.deepEqual(values(t2, 'top'), [big(10n), 3, 3, big(10n), big(7n)]);
    });

    it('categorify: dictionary columns by their values, floats with -0 as 0 and one NaN, bools, lists item by item', async () => {
      const dict = new Dictionary(new Utf8(), new Int32());
      const b = batchOf({
        d: { type: dict, values: ['p', 'q', 'p', null] },
        f: { type: new Float64(), values: [0, -0, NaN, NaN] },
        t: { type: new Bool(), values: [true, false, true, true] },
        l: { type: new List(new Field('item', new Int64(), true)), values: [[1n, 2n], [2n], null, [2n, null]] },
      });
      const t = await run(
        'features:\n  - { name: d_code, op: categorify, input: d }\n  - { name: f_code, op: categorify, input: f }\n  - { name: t_code, op: categorify, input: t }\n  - { name: l_code, op: categorify, input: l }\n',
        [b],
        { backend },
      );
      assert.deepEqual(values(t, 'd_code'), [3, 4, 3, 1]);
      assert.deepEqual(values(t, 'f_code'), [3, 3, 4, 4]); // 0 and -0 are one value (ties: 0 before NaN)
      assert.deepEqual(values(t, 't_code'), [3, 4, 3, 3]);
      assert.deepEqual(values(t, 'l_code'), [[4, 3], [3], null, [3, 1]]); // 2 three times, 1 once; a null item is code 1
    });

    it('hash_bucket and hashed_cross: the dpu-hash spec (XXH64 of the little-endian bytes; a cross seeds with the previous hash)', async () => {
      const b = batchOf({ u: { type: new Int64(), values: [1n, 2n, null] }, i: { type: new Utf8(), values: ['a', 'b', 'c'] } });
      const t = await run(
        'features:\n  - { name: ub, op: hash_bucket, input: u, buckets: 1000 }\n  - { name: un, op: hash_bucket, input: u, buckets: 1000, null_hash: 7 }\n  - { name: ux, op: hashed_cross, input: [u, i], buckets: 65536, seed: 5 }\n',
        [b],
        { backend },
      );
      const bucket = (v: bigint, seed = 0n, m = 1000n) => Number(xxh64(le64(v), seed) % m);
      assert.deepEqual(values(t, 'ub'), [bucket(1n), bucket(2n), null]);
      assert.deepEqual(values(t, 'un'), [bucket(1n), bucket(2n), 7]);
      const cross = (u: bigint, s: string) => Number(xxh64(s, xxh64(le64(u), 5n)) % 65536n);
      assert.deepEqual(values(t, 'ux'), [cross(1n, 'a'), cross(2n, 'b'), null]);
    });

    it('fill_missing: constant, mean and (lower) median; nulls and NaN are missing, infinities are not', async () => {
      const b = batchOf({ x: { type: new Float64(), values: [1, null, NaN, Infinity, 2, 3, 10] } });
      const t = await run(
        'features:\n  - { name: c, op: fill_missing, input: x, value: -1 }\n  - { name: m, op: fill_missing, input: x, strategy: mean }\n  - { name: md, op: fill_missing, input: x, strategy: median }\n',
        [b],
        { backend },
      );
      assert.deepEqual(values(t, 'c'), [1, -1, -1, Infinity, 2, 3, 10]);
      // finite values 1, 2, 3, 10: mean 4, lower median 2
      assert.deepEqual(values(t, 'm'), [1, 4, 4, Infinity, 2, 3, 10]);
      assert.deepEqual(values(t, 'md'), [1, 2, 2, Infinity, 2, 3, 10]);
    });

    it('seq_pad: the last (or first) L items, padded at the end (or start); null lists and items are pad', async () => {
      const ints = new List(new Field('item', new Int32(), true));
      const floats = new List(new Field('item', new Float64(), true));
      const b = batchOf({
        s: { type: ints, values: [[1, 2, 3, 4], [5], [], null, [6, null, 7]] },
        f: { type: floats, values: [[1.5, NaN], [0.1], null, [], [1, 2, 3, 4]] },
      });
      const t = await run(
        'features:\n  - { name: last, op: seq_pad, input: s, length: 3 }\n  - { name: first, op: seq_pad, input: s, length: 3, keep: first, pad_side: start, pad: -1 }\n  - { name: fl, op: seq_pad, input: f, length: 3, pad: 0.5 }\n',
        [b],
        { backend },
      );
      assert.deepEqual(values(t, 'last'), [[2, 3, 4], [5, 0, 0], [0, 0, 0], [0, 0, 0], [6, 0, 7]]);
      assert.deepEqual(values(t, 'first'), [[1, 2, 3], [-1, -1, 5], [-1, -1, -1], [-1, -1, -1], [6, -1, 7]]);
      assert.deepEqual(values(t, 'fl'), [[1.5, NaN, 0.5], [f32(0.1), 0.5, 0.5], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [2, 3, 4]]);
    });

    it('quantize: float16 round to nearest even; int8 with a per-row scale max|x| / 127', async () => {
      const emb = new FixedSizeList(4, new Field('item', new Float32(), true));
      const b = batchOf({
        e: { type: emb, values: [[1, 0.1, 65504, 70000], [-0, NaN, 1e-8, -2], [2.54, -1, 0.5, 0], null, [NaN, Infinity, -Infinity, 1], [0, 0, 0, 0]] },
      });
      const t = await run('features:\n  - { name: h, op: quantize, input: e, to: float16 }\n  - { name: q, op: quantize, input: e, to: int8 }\n', [b], { backend });
      const half = t.getChild('h')!;
      const bits = [...half].map((row) => (row ? [...((row as Vector).data[0].values as Uint16Array)] : null));
      assert.deepEqual(bits, [[0x3c00, 0x2e66, 0x7bff, 0x7c00], [0x8000, 0x7e00, 0x0000, 0xc000], [0x4114, 0xbc00, 0x3800, 0x0000], null, [0x7e00, 0x7c00, 0xfc00, 0x3c00], [0, 0, 0, 0]]);
      assert.deepEqual(values(t, 'q'), [[0, 0, 119, 127], [0, 0, 0, -127], [127, -50, 25, 0], null, [0, 127, -127, 127], [0, 0, 0, 0]]);
      assert.deepEqual(values(t, 'q_scale'), [f32(70000 / 127), f32(2 / 127), f32(2.5399999618530273 / 127), null, f32(1 / 127), 0]);
    });

    it('target_encode: (sum + m * prior) / (count + m); a null category is a category; unseen categories get the prior', async () => {
      const fitOn = batchOf({ k: { type: new Utf8(), values: ['a', 'a', 'b', 'b', 'b', null, 'c'] }, y: { type: new Float64(), values: [1, 3, 2, 4, 6, 10, null] } });
      const input = batchOf({ k: { type: new Utf8(), values: ['a', 'b', null, 'c', 'z'] }, y: { type: new Float64(), values: [0, 0, 0, 0, 0] } });
      const t = await run('features:\n  - { name: te, op: target_encode, input: k, target: y, smoothing: 2 }\n', [fitOn], { backend, input: [input] });
      const prior = 26 / 6;
      assert.deepEqual(values(t, 'te'), [f32((4 + 2 * prior) / 4), f32((12 + 2 * prior) / 5), f32((10 + 2 * prior) / 3), f32(prior), f32(prior)]);
    });

    it('difference_lag: per group, time minus the previous time; first events and nulls are null', async () => {
      const b = batchOf({
        user_id: { type: new Uint64(), values: [1n, 1n, 2n, 1n, 2n, null, 2n] },
        ts: { type: new TimestampMillisecond(), values: [10, 15, 100, 30, 90, 5, null] },
      });
      const t = await run('features:\n  - { name: lag, op: difference_lag, input: ts }\n', [b], { backend });
      assert.deepEqual(values(t, 'lag'), [null, 5, null, 15, -10, null, null]);
    });
  });
}

// Normal, subnormal, overflowing and halfway values for float16 (no NaN: numpy keeps NaN payloads, we write 0x7e00).
const HALVES = [1, 0.1, 65504, 65519, 65520, 70000, 1e-8, -2, 2.54, -1, 0.5, 0, 6e-5, 3e-8, 2.98e-8, 5.9604644775390625e-8, 8.940696716308594e-8, 1.0009765625, 1.00048828125, 1.00146484375, -3.14159, 0.333333, 1e-5];

describe('golden fixtures against numpy (an independent reference)', () => {
  const python = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
  it('bucketize is numpy.digitize, float16 is numpy.float16', { skip: python ? false : 'python3 with numpy is not installed' }, () => {
    const r = spawnSync(
      'python3',
      [
        '-c',
        `import numpy as np, json
print(json.dumps({
  "digitize": np.digitize(np.array([0, 1, 4.9, 5, 15, 100, np.nan, -np.inf]), np.array([1., 5., 15.])).tolist(),
  "half": np.array(HALVES, dtype=np.float32).astype(np.float16).view(np.uint16).tolist(),
}))`.replace('HALVES', JSON.stringify(HALVES)),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout);
    assert.deepEqual(got.digitize, [0, 1, 1, 2, 3, 3, 3, 0]);
    assert.deepEqual(got.half, HALVES.map((v) => float32ToFloat16Bits(Math.fround(v))));
  });
});

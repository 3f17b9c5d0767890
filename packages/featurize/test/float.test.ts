// The float rule's building blocks: our log1p (fdlibm's algorithm) gives V8's
// Math.log1p bit for bit (V8 ports the same fdlibm code) and the native kernels'
// float32 results equal the TypeScript ones on a million arbitrary doubles;
// float16 conversion round-trips every half; rounding is half to even.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Float64 } from 'apache-arrow';
import { float16BitsToNumber, float32ToFloat16Bits, log1p64, roundHalfEven } from '../src/index.ts';
import { batchOf, nativeBackends, prng, run, ipc } from './helpers.ts';

function arbitraryDoubles(n: number, seed: number): number[] {
  const r = prng(seed);
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    switch (i % 4) {
      case 0:
        w[0] = (r() * 2 ** 32) >>> 0;
        w[1] = (r() * 2 ** 32) >>> 0;
        out.push(f[0]);
        break;
      case 1:
        out.push(Math.exp(r() * 90 - 60) * (r() < 0.3 ? -0.9999 : 1));
        break;
      case 2:
        out.push(r() * 4 - 1);
        break;
      default:
        out.push(Math.round(r() * 1e7));
    }
  }
  return out;
}

describe('float rule', () => {
  it('log1p64 equals V8 Math.log1p bit for bit (the same fdlibm algorithm)', () => {
    let differ = 0;
    for (const x of arbitraryDoubles(400_000, 1)) if (!Object.is(log1p64(x), Math.log1p(x))) differ++;
    assert.equal(differ, 0);
    for (const [x, y] of [
      [-1, -Infinity],
      [-2, NaN],
      [Infinity, Infinity],
      [-Infinity, NaN],
      [NaN, NaN],
      [0, 0],
      [-0, -0],
      [5e-324, 5e-324],
    ]) assert.ok(Object.is(log1p64(x), y), `log1p(${x})`);
  });

  it('float16 conversion round-trips every finite half and rounds half to even', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = float16BitsToNumber(h);
      if (Number.isNaN(v)) assert.equal(float32ToFloat16Bits(v), 0x7e00);
      else assert.equal(float32ToFloat16Bits(v), h, `half 0x${h.toString(16)}`);
    }
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: even (1); 1 + 3 * 2^-11 rounds up to even (1 + 2^-9).
    assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00);
    assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02);
    assert.equal(float32ToFloat16Bits(65520), 0x7c00);
    assert.equal(float32ToFloat16Bits(65519.99), 0x7bff);
  });

  it('rounds half to even, as numpy.rint', () => {
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999, 126.5, -127.5].map(roundHalfEven), [0, 2, 2, 0, -2, -2, 2, 126, -128]); // (the sign of a zero is not kept: int8 has none)
  });

  for (const backend of nativeBackends().filter((b) => b !== 'js')) {
    it(`${backend} gives the TypeScript float32 for log1p, normalize and minmax on arbitrary doubles`, async () => {
      const b = batchOf({ x: { type: new Float64(), values: arbitraryDoubles(200_000, 9) } });
      const yaml = 'features:\n  - { name: l, op: log1p, input: x }\n  - { name: z, op: normalize, input: x }\n  - { name: m, op: minmax, input: x }\n  - { name: c, op: clip, input: x, min: -1e10, max: 3 }\n';
      const native = await run(yaml, [b], { backend });
      const js = await run(yaml, [b], { backend: 'js' });
      assert.ok(ipc(native).equals(ipc(js)));
    });
  }
});

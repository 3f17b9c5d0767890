// DELTA_BINARY_PACKED: exact round trips for random int32 and int64 values
// (overflowing deltas, extremes, every length around block and miniblock
// edges), the decoder's tolerance (any width byte for unused miniblocks, any
// padding bits) and strictness (a header or width that would read past the
// buffer is an error, never a read out of bounds), and the native twin.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CorruptPayload } from '../src/codec/bytes.ts';
import { deltaBinaryPackedDecode, deltaBinaryPackedEncode } from '../src/codec/delta.ts';
import { nativeSeq } from '../src/kernels.ts';

const native = nativeSeq();
const I32 = [0, 1, -1, 2147483647, -2147483648, 1000, -1000];
const I64 = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 31n, -(2n ** 32n)];

const int32s = fc.array(fc.oneof(fc.integer(), fc.constantFrom(...I32), fc.integer({ min: -5, max: 5 })), { maxLength: 700 });
const int64s = fc.array(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(...I64), fc.bigInt({ min: -9n, max: 9n })), { maxLength: 700 });

describe('DELTA_BINARY_PACKED round trips', () => {
  it('int32: random values, wrapping deltas', () => {
    fc.assert(
      fc.property(int32s, (xs) => {
        const v = Int32Array.from(xs);
        const bytes = deltaBinaryPackedEncode(v);
        const { values, end } = deltaBinaryPackedDecode(bytes, 0, 'int32');
        assert.deepEqual(Array.from(values), xs);
        assert.equal(end, bytes.length);
        if (native) assert.deepEqual(Buffer.from(native.deltaBinaryPackedEncode(v)), Buffer.from(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('int64: random values, wrapping deltas, read from an offset', () => {
    fc.assert(
      fc.property(int64s, fc.uint8Array({ maxLength: 5 }), (xs, prefix) => {
        const v = BigInt64Array.from(xs);
        const bytes = deltaBinaryPackedEncode(v);
        const padded = new Uint8Array(prefix.length + bytes.length + 3);
        padded.set(prefix);
        padded.set(bytes, prefix.length);
        const { values, end } = deltaBinaryPackedDecode(padded, prefix.length, 'int64');
        assert.deepEqual(Array.from(values), xs);
        assert.equal(end, prefix.length + bytes.length);
        if (native) {
          assert.deepEqual(Buffer.from(native.deltaBinaryPackedEncode(v)), Buffer.from(bytes));
          const n = native.deltaBinaryPackedDecode(padded, prefix.length, 'int64');
          assert.deepEqual(Array.from(n.values as BigInt64Array), xs);
          assert.equal(n.end, end);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('lengths around block and miniblock edges', () => {
    for (const n of [0, 1, 2, 31, 32, 33, 64, 127, 128, 129, 130, 160, 255, 256, 257, 1000]) {
      const v = BigInt64Array.from({ length: n }, (_, i) => BigInt(i * i) * (i % 2 ? -1n : 1n));
      const bytes = deltaBinaryPackedEncode(v);
      assert.deepEqual(Array.from(deltaBinaryPackedDecode(bytes, 0, 'int64').values), Array.from(v), `n=${n}`);
    }
  });

  it('minimal widths: a constant run is the header and one width byte block', () => {
    const bytes = deltaBinaryPackedEncode(new Int32Array(129).fill(7));
    // header 80 01 04 81 01 0e, then min delta 0 and four zero widths
    assert.deepEqual(Array.from(bytes), [0x80, 0x01, 0x04, 0x81, 0x01, 0x0e, 0x00, 0, 0, 0, 0]);
  });
});

describe('DELTA_BINARY_PACKED decoder', () => {
  // 40 values: one block, two miniblocks used, two unused.
  const values = BigInt64Array.from({ length: 41 }, (_, i) => BigInt(i * 3));
  const good = deltaBinaryPackedEncode(values);
  const widthsAt = 5 + 1; // header (80 01 04 29 00) and the min delta byte

  it('accepts any width byte for unused miniblocks', () => {
    const b = good.slice();
    b[widthsAt + 2] = 200;
    b[widthsAt + 3] = 65;
    assert.deepEqual(Array.from(deltaBinaryPackedDecode(b, 0, 'int64').values), Array.from(values));
  });

  it('accepts any padding bits in the last miniblock', () => {
    const b = good.slice();
    b[b.length - 1] ^= 0xf0; // deltas 33..39 of the second miniblock are padding
    const wide = deltaBinaryPackedEncode(BigInt64Array.from({ length: 34 }, (_, i) => BigInt(i * 3)));
    const w = wide.slice();
    w[w.length - 1] |= 0x80;
    assert.deepEqual(Array.from(deltaBinaryPackedDecode(w, 0, 'int64').values), Array.from({ length: 34 }, (_, i) => BigInt(i * 3)));
  });

  it('rejects widths past the type and runs past the buffer, naming the offset', () => {
    const wide = good.slice();
    wide[widthsAt] = 65;
    assert.throws(() => deltaBinaryPackedDecode(wide, 0, 'int64'), (e: CorruptPayload) => e instanceof CorruptPayload && e.offset === widthsAt && /exceeds 64/.test(e.message));
    const w32 = deltaBinaryPackedEncode(Int32Array.from({ length: 40 }, (_, i) => i));
    const bad32 = w32.slice();
    bad32[widthsAt] = 33;
    assert.throws(() => deltaBinaryPackedDecode(bad32, 0, 'int32'), /exceeds 32/);
    for (let cut = 0; cut < good.length; cut++) {
      assert.throws(() => deltaBinaryPackedDecode(good.subarray(0, cut), 0, 'int64'), CorruptPayload, `cut at ${cut}`);
      if (native) assert.throws(() => native.deltaBinaryPackedDecode(good.subarray(0, cut), 0, 'int64'), /./, `native cut at ${cut}`);
    }
  });

  it('rejects a count that the bytes cannot hold before allocating it', () => {
    const huge = Uint8Array.from([0x80, 0x01, 0x04, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00]);
    assert.throws(() => deltaBinaryPackedDecode(huge, 0, 'int64'), /blocks, more than/);
    if (native) assert.throws(() => native.deltaBinaryPackedDecode(huge, 0, 'int64'), /blocks, more than/);
  });

  it('rejects block layouts the spec does not allow', () => {
    for (const header of [
      [0x00, 0x04, 0x01, 0x00],
      [0x40, 0x04, 0x01, 0x00],
      [0x80, 0x01, 0x03, 0x01, 0x00],
      [0x80, 0x01, 0x00, 0x01, 0x00],
    ]) {
      assert.throws(() => deltaBinaryPackedDecode(Uint8Array.from(header), 0, 'int64'), CorruptPayload, JSON.stringify(header));
    }
  });

  it('accepts other valid layouts (block 256 with 2 miniblocks of 128)', () => {
    // 3 values 5, 6, 8: deltas 1, 2; min 1; adjusted 0, 1 -> width 1
    const b = Uint8Array.from([0x80, 0x02, 0x02, 0x03, 0x0a, 0x02, 0x01, 0x00, 0x02, ...new Array(15).fill(0)]);
    const { values, end } = deltaBinaryPackedDecode(b, 0, 'int64');
    assert.deepEqual(Array.from(values), [5n, 6n, 8n]);
    assert.equal(end, b.length);
  });
});

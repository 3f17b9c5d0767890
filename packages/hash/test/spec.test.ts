// docs/hash-spec.md, rule by rule, on the TypeScript twin (the other backends are
// held to it in backends.test.ts): the bytes hashed per type, canonical floats,
// dictionaries by value, nulls, chained crosses, buckets, lists, keyed SipHash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Bool,
  DataType,
  Data,
  Dictionary,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  makeData,
  TimestampMillisecond,
  Uint64,
  Uint8,
  Utf8,
  Vector,
  vectorFromArray,
} from 'apache-arrow';
import { createExecutor, hashColumnSync, hashCrossSync, hashValuesSync, murmur3_32, resolveSpec, siphash24, xxh3, xxh64, type HashSpec } from '../src/index.ts';
import { prng, randomBytes } from './helpers.ts';

const js = createExecutor('js');
const le = (bytes: number, write: (v: DataView) => void) => {
  const b = new Uint8Array(bytes);
  write(new DataView(b.buffer));
  return b;
};
function values(data: Data): (bigint | number | null)[] {
  const out: (bigint | number | null)[] = [];
  for (let i = 0; i < data.length; i++) out.push(data.getValid(i) ? ((data.values as any)[i] as bigint | number) : null);
  return out;
}
const hashOf = (data: Data, spec: HashSpec) => values(hashColumnSync(data, resolveSpec(spec), js));

describe('hash spec: the bytes hashed per Arrow type', () => {
  it('integers hash their little-endian bytes at their own width', () => {
    const ints = makeData({ type: new Int32(), length: 3, data: Int32Array.from([0, -1, 123456789]) });
    assert.deepEqual(hashOf(ints, { algorithm: 'xxh64', seed: 5n }), [0, -1, 123456789].map((v) => xxh64(le(4, (d) => d.setInt32(0, v, true)), 5n)));
    const bytes = makeData({ type: new Int8(), length: 2, data: Int8Array.from([-128, 7]) });
    assert.deepEqual(hashOf(bytes, { algorithm: 'xxh3' }), [xxh3(Uint8Array.of(0x80)), xxh3(Uint8Array.of(7))]);
    const shorts = makeData({ type: new Int16(), length: 1, data: Int16Array.from([-2]) });
    assert.deepEqual(hashOf(shorts, { algorithm: 'murmur3', seed: 9n }), [murmur3_32(Uint8Array.of(0xfe, 0xff), 9)]);
    const longs = makeData({ type: new Uint64(), length: 1, data: BigUint64Array.from([0xffffffffffffffffn]) });
    assert.deepEqual(hashOf(longs, { algorithm: 'xxh64' }), [xxh64(new Uint8Array(8).fill(0xff))]);
  });

  it('int32 and int64 under murmur3 are not the same hash (each hashes its own width)', () => {
    const a = makeData({ type: new Int32(), length: 1, data: Int32Array.from([42]) });
    const b = makeData({ type: new Int64(), length: 1, data: BigInt64Array.from([42n]) });
    assert.notEqual(hashOf(a, { algorithm: 'murmur3' })[0], hashOf(b, { algorithm: 'murmur3' })[0]);
  });

  it('floats: -0.0 hashes as +0.0 and every NaN as the canonical quiet NaN', () => {
    const f64 = new Float64Array([0, -0, NaN, 1.5]);
    const bits = new Uint32Array(f64.buffer);
    const nans = new Float64Array(4);
    const nanBits = new Uint32Array(nans.buffer);
    // A negative quiet NaN, a signalling NaN, a payload NaN, the canonical one.
    [[0xfff80000, 0], [0x7ff00000, 1], [0x7fffffff, 0xffffffff], [0x7ff80000, 0]].forEach(([hi, lo], i) => {
      nanBits[2 * i] = lo;
      nanBits[2 * i + 1] = hi;
    });
    assert.equal(bits[3], 0x80000000, 'the test really has a -0.0');
    const h = hashOf(makeData({ type: new Float64(), length: 4, data: f64 }), { algorithm: 'xxh64' });
    assert.equal(h[0], h[1]);
    assert.equal(h[0], xxh64(new Uint8Array(8)));
    assert.equal(h[2], xxh64(le(8, (d) => d.setUint32(4, 0x7ff80000, true))));
    assert.deepEqual(new Set(hashOf(makeData({ type: new Float64(), length: 4, data: nans }), { algorithm: 'xxh64' })), new Set([h[2]]));
    const f32 = new Float32Array([-0, 0, NaN, -NaN]);
    new Uint32Array(f32.buffer)[3] = 0xff800001;
    const h32 = hashOf(makeData({ type: new Float32(), length: 4, data: f32 }), { algorithm: 'xxh3' });
    assert.equal(h32[0], h32[1]);
    assert.equal(h32[2], h32[3]);
    assert.equal(h32[2], xxh3(le(4, (d) => d.setUint32(0, 0x7fc00000, true))));
  });

  it('utf8 hashes its bytes; the empty string is a value, not a null', () => {
    const strings = ['', 'a', 'héllo wörld', 'x'.repeat(1000)];
    const col = vectorFromArray([...strings, null], new Utf8()).data[0];
    const enc = new TextEncoder();
    assert.deepEqual(hashOf(col, { algorithm: 'xxh64', seed: 3n }), [...strings.map((s) => xxh64(enc.encode(s), 3n)), null]);
  });

  it('bool hashes one byte, 0 or 1', () => {
    const col = vectorFromArray([true, false, null], new Bool()).data[0];
    assert.deepEqual(hashOf(col, { algorithm: 'xxh3' }), [xxh3(Uint8Array.of(1)), xxh3(Uint8Array.of(0)), null]);
  });

  it('timestamps hash their integer storage', () => {
    const col = makeData({ type: new TimestampMillisecond(), length: 1, data: BigInt64Array.from([1700000000123n]) });
    assert.deepEqual(hashOf(col, { algorithm: 'xxh64' }), [xxh64(le(8, (d) => d.setBigInt64(0, 1700000000123n, true)))]);
  });

  it('dictionary columns hash their values, never the indices, whatever the index type', () => {
    const dict = vectorFromArray(['click', 'view', 'buy'], new Utf8());
    const plain = vectorFromArray(['buy', 'click', null, 'view', 'buy'], new Utf8()).data[0];
    const codes = [2, 0, 0, 1, 2];
    const nulls = Uint8Array.of(0b11011);
    for (const indexType of [new Int8(), new Int16(), new Int32(), new Uint8()]) {
      const type = new Dictionary(new Utf8(), indexType);
      const data = makeData({ type, length: 5, data: new (indexType.ArrayType as any)(codes), dictionary: dict, nullBitmap: nulls, nullCount: 1 } as any);
      assert.deepEqual(hashOf(data, { algorithm: 'xxh64', seed: 1n }), hashOf(plain, { algorithm: 'xxh64', seed: 1n }), String(indexType));
    }
  });

  it('a null dictionary value is a null row', () => {
    const dict = vectorFromArray(['a', null], new Utf8());
    const data = makeData({ type: new Dictionary(new Utf8(), new Int32()), length: 2, data: Int32Array.from([1, 0]), dictionary: dict });
    assert.deepEqual(hashOf(data, { algorithm: 'xxh64' }), [null, xxh64('a')]);
  });
});

describe('hash spec: nulls, buckets, crosses, keys, lists', () => {
  const ints = vectorFromArray([1, null, 3], new Int32()).data[0];

  it('null in, null out; --null-hash V gives V (and V mod M with buckets)', () => {
    assert.equal(hashOf(ints, { algorithm: 'xxh64' })[1], null);
    const out = hashColumnSync(ints, resolveSpec({ algorithm: 'xxh64', nullHash: 12345n }), js);
    assert.equal(out.nullCount, 0);
    assert.deepEqual(values(out)[1], 12345n);
    assert.deepEqual(hashOf(ints, { algorithm: 'xxh64', nullHash: 12345n, buckets: 1000n })[1], 345n);
    assert.deepEqual(hashOf(ints, { algorithm: 'murmur3', nullHash: 7n })[1], 7);
  });

  it('buckets are the hash mod M as unsigned 64-bit, for small, power-of-two and huge M', () => {
    const rand = prng(3);
    const rows = Array.from({ length: 200 }, () => randomBytes(rand, Math.floor(rand() * 20)));
    const col = vectorFromArray(rows.map((r) => Buffer.from(r).toString('latin1')), new Utf8()).data[0];
    const raw = hashOf(col, { algorithm: 'xxh64', seed: 11n }) as bigint[];
    assert.ok(raw.some((h) => h >= 1n << 63n), 'some hashes have the top bit set');
    for (const m of [1n, 7n, 1n << 16n, (1n << 21n) + 1n, 1000000007n, 1n << 40n, (1n << 63n) - 1n, 1n << 63n]) {
      const b = hashOf(col, { algorithm: 'xxh64', seed: 11n, buckets: m }) as bigint[];
      b.forEach((v, i) => assert.equal(v, raw[i] % m, `M=${m} row ${i}`));
    }
    const m3 = hashOf(col, { algorithm: 'murmur3', buckets: 1000n }) as bigint[];
    (hashOf(col, { algorithm: 'murmur3' }) as number[]).forEach((h, i) => assert.equal(m3[i], BigInt(h) % 1000n));
  });

  it('output types: uint64 for xxh64/xxh3/siphash, uint32 for murmur3, int64 buckets', () => {
    const key = new Uint8Array(16);
    assert.equal(String(hashColumnSync(ints, resolveSpec({ algorithm: 'xxh3' }), js).type), 'Uint64');
    assert.equal(String(hashColumnSync(ints, resolveSpec({ algorithm: 'siphash', key }), js).type), 'Uint64');
    assert.equal(String(hashColumnSync(ints, resolveSpec({ algorithm: 'murmur3' }), js).type), 'Uint32');
    assert.equal(String(hashColumnSync(ints, resolveSpec({ algorithm: 'murmur3', buckets: 10n }), js).type), 'Int64');
  });

  it('a cross chains seeds: column k is hashed with the hash of columns 0..k-1 as its seed', () => {
    const a = vectorFromArray(['u1', 'u2', null], new Utf8()).data[0];
    const b = makeData({ type: new Int64(), length: 3, data: BigInt64Array.from([10n, 20n, 30n]) });
    const c = vectorFromArray([true, false, true], new Bool()).data[0];
    const i64 = (v: bigint) => le(8, (d) => d.setBigInt64(0, v, true));
    const out = values(hashCrossSync([a, b, c], resolveSpec({ algorithm: 'xxh64', seed: 99n }), js));
    const chain = (s: string, v: bigint, flag: boolean) => xxh64(Uint8Array.of(flag ? 1 : 0), xxh64(i64(v), xxh64(s, 99n)));
    assert.deepEqual(out, [chain('u1', 10n, true), chain('u2', 20n, false), null]);
    const m = values(hashCrossSync([a, b], resolveSpec({ algorithm: 'murmur3', seed: 5n }), js));
    assert.equal(m[0], murmur3_32(i64(10n), murmur3_32('u1', 5)));
  });

  it('order matters in a cross, and equal values do not cancel (no XOR)', () => {
    const a = vectorFromArray(['x', 'y', 'z'], new Utf8()).data[0];
    const b = vectorFromArray(['y', 'x', 'z'], new Utf8()).data[0];
    const spec = resolveSpec({ algorithm: 'xxh3' });
    const ab = values(hashCrossSync([a, b], spec, js));
    const ba = values(hashCrossSync([b, a], spec, js));
    assert.notEqual(ab[0], ba[0]);
    const aa = values(hashCrossSync([a, a], spec, js));
    assert.equal(new Set(aa).size, 3, 'a cross of a column with itself still tells its values apart');
    assert.ok(!aa.includes(0n));
  });

  it('keyed: SipHash-2-4 under the key, with the seed XORed into k0', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => 255 - i);
    const col = vectorFromArray(['alice', 'bob'], new Utf8()).data[0];
    assert.deepEqual(hashOf(col, { algorithm: 'siphash', key }), [siphash24('alice', key), siphash24('bob', key)]);
    const seeded = key.slice();
    new DataView(seeded.buffer).setBigUint64(0, new DataView(key.buffer).getBigUint64(0, true) ^ 77n, true);
    assert.deepEqual(hashOf(col, { algorithm: 'siphash', key, seed: 77n }), [siphash24('alice', seeded), siphash24('bob', seeded)]);
    const other = key.slice();
    other[15] ^= 1;
    assert.notDeepEqual(hashOf(col, { algorithm: 'siphash', key: other }), hashOf(col, { algorithm: 'siphash', key }));
  });

  it('lists are hashed element by element into lists with the same offsets and validity', () => {
    const list = vectorFromArray([[1, 2], null, [], [3, null, 1]], new List(new Field('item', new Int32(), true))).data[0];
    const out = hashColumnSync(list, resolveSpec({ algorithm: 'xxh64' }), js);
    assert.equal(String(out.type), 'List<Uint64>');
    assert.deepEqual(Array.from(out.valueOffsets), Array.from(list.valueOffsets));
    assert.deepEqual([0, 1, 2, 3].map((i) => out.getValid(i)), [true, false, true, true]);
    const h = (v: number) => xxh64(le(4, (d) => d.setInt32(0, v, true)));
    assert.deepEqual(values(out.children[0]), [h(1), h(2), h(3), null, h(1)]);
  });

  it('hashValuesSync hands out plain arrays for other kernels (gpu-featurize)', () => {
    const col = vectorFromArray([5, null, 5], new Uint8()).data[0];
    const r = hashValuesSync(col, { algorithm: 'xxh64', buckets: 100n }, js);
    assert.ok(r.values instanceof BigInt64Array);
    assert.equal(r.nullCount, 1);
    assert.equal(r.values[0], r.values[2]);
    assert.equal(r.values[1], 0n, 'a null slot holds 0');
    assert.equal(r.validity![0] & 0b111, 0b101);
  });

  it('the seed changes every hash, deterministically', () => {
    const col = new Vector([makeData({ type: new Int64(), length: 100, data: BigInt64Array.from({ length: 100 }, (_, i) => BigInt(i)) })]).data[0];
    const s1 = hashOf(col, { algorithm: 'xxh64', seed: 1n });
    const s2 = hashOf(col, { algorithm: 'xxh64', seed: 2n });
    assert.deepEqual(s1, hashOf(col, { algorithm: 'xxh64', seed: 1n }));
    assert.ok(s1.every((v, i) => v !== s2[i]));
    assert.equal(new Set(s1).size, 100);
  });
});

describe('hash spec: dictionaries in several chunks (delta dictionary batches)', () => {
  it('hash exactly like the decoded column, for string, integer, float and bool dictionaries', () => {
    const cases: [DataType, unknown[], unknown[]][] = [
      [new Utf8(), ['a', null, 'ccc'], ['', 'dd', null, 'e']],
      [new Int64(), [1n, 2n, null], [3n, -4n]],
      [new Float64(), [-0, NaN, 1.5], [null, 2.5]],
      [new Bool(), [true, null], [false, true, false]],
    ];
    for (const [type, first, second] of cases) {
      const chunkA = vectorFromArray(first as any[], type as any).data[0];
      const chunkB = vectorFromArray(second as any[], type as any).data[0];
      const dictionary = new Vector([chunkA, chunkB]);
      const n = first.length + second.length;
      const codes = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
      const data = makeData({ type: new Dictionary(type, new Int32()), length: n, data: codes, dictionary } as any);
      const decoded = [...first, ...second].reverse();
      const plain = vectorFromArray(decoded as any[], type as any).data[0];
      assert.deepEqual(hashOf(data, { algorithm: 'xxh3', seed: 2n }), hashOf(plain, { algorithm: 'xxh3', seed: 2n }), String(type));
    }
  });
});

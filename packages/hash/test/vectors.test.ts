// The published vectors (see vectors.ts), on the scalar functions and through
// every CPU backend's column kernels.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Int32, Int64, makeData } from 'apache-arrow';
import { createExecutor, hashAddon, hashColumn, murmur3_32, resolveSpec, siphash24, xxh3, xxh64, type HashExecutor } from '../src/index.ts';
import { binaryColumn, sanityBuffer } from './helpers.ts';
import { SIPHASH_KEY, SIPHASH_VECTORS, SPARK_HASH_INT, SPARK_HASH_LONG, sipVector, XXH3_VECTORS, XXH64_VECTORS } from './vectors.ts';

const buffer = sanityBuffer();
const hex = (v: bigint) => `0x${v.toString(16).padStart(16, '0')}`;

describe('published vectors: the TypeScript functions', () => {
  it('XXH64 on the sanity buffer', () => {
    for (const [len, seed, want] of XXH64_VECTORS) assert.equal(hex(xxh64(buffer.subarray(0, len), seed)), hex(want), `len ${len} seed ${seed}`);
  });

  it('XXH3_64bits_withSeed on the sanity buffer, every length class', () => {
    for (const [len, seed, want] of XXH3_VECTORS) assert.equal(hex(xxh3(buffer.subarray(0, len), seed)), hex(want), `len ${len} seed ${seed}`);
  });

  it("MurmurHash3_x86_32 of int32/int64 little-endian bytes is Spark's hashInt/hashLong", () => {
    const b4 = new Uint8Array(4);
    const b8 = new Uint8Array(8);
    for (const [v, want] of SPARK_HASH_INT) {
      new DataView(b4.buffer).setInt32(0, v, true);
      assert.equal(murmur3_32(b4, 0) | 0, want, `hashInt(${v})`);
    }
    for (const [v, want] of SPARK_HASH_LONG) {
      new DataView(b8.buffer).setBigInt64(0, v, true);
      assert.equal(murmur3_32(b8, 0) | 0, want, `hashLong(${v})`);
    }
  });

  it('SipHash-2-4 reference vectors (64 message lengths)', () => {
    SIPHASH_VECTORS.forEach((v, len) => {
      const msg = Uint8Array.from({ length: len }, (_, i) => i);
      assert.equal(hex(siphash24(msg, SIPHASH_KEY)), hex(sipVector(v)), `len ${len}`);
    });
  });
});

const skip = hashAddon() ? false : 'the native addon is not built (run node scripts/bootstrap.mjs)';

describe('published vectors: through the column kernels of every backend', () => {
  const opened: HashExecutor[] = [];
  after(async () => {
    for (const e of opened) await e.close();
  });
  const backends = [
    { name: 'js', skip: false as const },
    { name: 'native', skip },
    { name: 'offload', skip },
  ] as const;

  for (const b of backends) {
    it(`${b.name}: XXH64, XXH3, Spark Murmur3 and SipHash vectors`, { skip: b.skip }, async () => {
      const executor = createExecutor(b.name, { threads: 2 });
      opened.push(executor);
      const values = async (data: Parameters<typeof hashColumn>[0], spec: Parameters<typeof hashColumn>[1]) => {
        const out = await hashColumn(data, spec, executor);
        return Array.from({ length: out.length }, (_, i) => (out.values as BigUint64Array | Uint32Array)[i]);
      };
      for (const [table, algorithm] of [
        [XXH64_VECTORS, 'xxh64'],
        [XXH3_VECTORS, 'xxh3'],
      ] as const) {
        for (const seed of new Set(table.map((v) => v[1]))) {
          const rows = table.filter((v) => v[1] === seed);
          const got = await values(binaryColumn(rows.map(([len]) => buffer.subarray(0, len))), resolveSpec({ algorithm, seed }));
          rows.forEach(([len, , want], i) => assert.equal(hex(got[i] as bigint), hex(want), `${algorithm} len ${len} seed ${seed}`));
        }
      }
      const ints = makeData({ type: new Int32(), length: SPARK_HASH_INT.length, data: Int32Array.from(SPARK_HASH_INT.map((v) => v[0])) });
      const gotInts = await values(ints, resolveSpec({ algorithm: 'murmur3' }));
      SPARK_HASH_INT.forEach(([v, want], i) => assert.equal(Number(gotInts[i]) | 0, want, `hashInt(${v})`));
      const longs = makeData({ type: new Int64(), length: SPARK_HASH_LONG.length, data: BigInt64Array.from(SPARK_HASH_LONG.map((v) => v[0])) });
      const gotLongs = await values(longs, resolveSpec({ algorithm: 'murmur3' }));
      SPARK_HASH_LONG.forEach(([v, want], i) => assert.equal(Number(gotLongs[i]) | 0, want, `hashLong(${v})`));
      const messages = SIPHASH_VECTORS.map((_, len) => Uint8Array.from({ length: len }, (_, i) => i));
      const gotSip = await values(binaryColumn(messages), resolveSpec({ algorithm: 'siphash', key: SIPHASH_KEY }));
      SIPHASH_VECTORS.forEach((v, len) => assert.equal(hex(gotSip[len] as bigint), hex(sipVector(v)), `siphash len ${len}`));
    });
  }
});

// Word-pair arithmetic against BigInt, and the grouping kernel: a stable order by
// (user, ts) whatever the input order, ties in input order, partitions by hour
// or day (negative timestamps floor correctly), and the native twin giving the
// same permutation and sequence starts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { add, cmp, floorDivSmall, mulSmall, sub, toBigInt, W, wordsOf } from '../src/codec/w64.ts';
import { groupRows, userSortKeys } from '../src/group/sort.ts';
import { nativeSeq } from '../src/kernels.ts';

const native = nativeSeq();
const i64 = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 86399999n, -86400000n));

function words(v: bigint): [number, number] {
  const w = wordsOf(BigInt64Array.of(v));
  return [w[1], w[0] >>> 0];
}

describe('word-pair arithmetic', () => {
  it('add, sub and cmp wrap and order like int64', () => {
    fc.assert(
      fc.property(i64, i64, (a, b) => {
        const [ah, al] = words(a);
        const [bh, bl] = words(b);
        add(ah, al, bh, bl);
        assert.equal(toBigInt(W.hi, W.lo), BigInt.asIntN(64, a + b));
        sub(ah, al, bh, bl);
        assert.equal(toBigInt(W.hi, W.lo), BigInt.asIntN(64, a - b));
        assert.equal(Math.sign(cmp(ah, al, bh, bl)), a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });

  it('floorDivSmall and mulSmall agree with BigInt', () => {
    fc.assert(
      fc.property(i64, fc.integer({ min: 1, max: (1 << 30) - 1 }), (a, d) => {
        const [h, l] = words(a);
        floorDivSmall(h, l, d);
        const q = a / BigInt(d) - (a < 0n && a % BigInt(d) !== 0n ? 1n : 0n);
        assert.equal(toBigInt(W.hi, W.lo), q);
        mulSmall(h, l, d);
        assert.equal(toBigInt(W.hi, W.lo), BigInt.asIntN(64, a * BigInt(d)));
      }),
    );
  });
});

function expectedOrder(users: bigint[], ts: bigint[]): number[] {
  return users.map((_, i) => i).sort((a, b) => (users[a] < users[b] ? -1 : users[a] > users[b] ? 1 : ts[a] < ts[b] ? -1 : ts[a] > ts[b] ? 1 : a - b));
}

describe('grouping rows into sequences', () => {
  const rows = fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }).map(BigInt), fc.oneof(fc.integer({ min: -10, max: 10 }).map((x) => BigInt(x) * 1800000n), i64)), { maxLength: 400 });
  for (const partition of [null, { unitsPerSecond: 1000, seconds: 3600 }, { unitsPerSecond: 1000, seconds: 86400 }]) {
    it(`stable by (user, ts), partition ${partition ? partition.seconds : 'none'}; native gives the same`, () => {
      fc.assert(
        fc.property(rows, (rs) => {
          const users = BigInt64Array.from(rs.map((r) => r[0]));
          const ts = BigInt64Array.from(rs.map((r) => r[1]));
          const g = groupRows(users, ts, partition);
          assert.deepEqual(Array.from(g.perm), expectedOrder(Array.from(users), Array.from(ts)));
          // A sequence starts where the user or the floor(ts / width) changes.
          const width = partition ? BigInt(partition.unitsPerSecond * partition.seconds) : 0n;
          const floorDiv = (t: bigint) => (width ? t / width - (t < 0n && t % width !== 0n ? 1n : 0n) : 0n);
          const starts: number[] = [];
          g.perm.forEach((i, k) => {
            const j = g.perm[k - 1];
            if (k === 0 || users[i] !== users[j] || floorDiv(ts[i]) !== floorDiv(ts[j])) starts.push(k);
          });
          starts.push(rs.length);
          assert.deepEqual(Array.from(g.starts), starts);
          if (native) {
            const n = native.seqGroup(users, ts, partition?.unitsPerSecond ?? 0, partition?.seconds ?? 0, false);
            assert.deepEqual(Array.from(n.perm), Array.from(g.perm));
            assert.deepEqual(Array.from(n.starts), Array.from(g.starts));
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('uint64 users order as unsigned; string users as bytes', () => {
    const big = BigInt64Array.from([-1n, 5n, -(2n ** 63n), 0n]); // bits of 2^64-1, 5, 2^63, 0
    const keys = userSortKeys({ kind: 'int', values: big, valid: null }, true);
    assert.deepEqual(Array.from(groupRows(keys, new BigInt64Array(4), null).perm), [3, 1, 2, 0]);
    assert.deepEqual(Array.from(groupRows(big, new BigInt64Array(4), null, true).perm), [3, 1, 2, 0]);
    if (native) assert.deepEqual(Array.from(native.seqGroup(big, new BigInt64Array(4), 0, 0, true).perm), [3, 1, 2, 0]);
    const strs = ['b', '', 'ab', 'a', 'b'].map((s) => Buffer.from(s));
    const offsets = new Int32Array(6);
    strs.forEach((s, i) => (offsets[i + 1] = offsets[i] + s.length));
    const bytes = new Uint8Array(Buffer.concat(strs));
    const skeys = userSortKeys({ kind: 'string', offsets, bytes, valid: null }, false);
    assert.deepEqual(Array.from(groupRows(skeys, new BigInt64Array(5), null).perm), [1, 3, 2, 0, 4]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AliasTable } from '../src/gen/alias.ts';
import { exponential, UniformBuffer, Xoshiro128 } from '../src/gen/prng.ts';
import { ZipfSampler } from '../src/gen/zipf.ts';

const sequence = (rng: Xoshiro128, n = 100) => Array.from({ length: n }, () => rng.nextU32());

describe('gen: the PRNG', () => {
  it('gives the same sequence for the same seed and stream, another for another', () => {
    const seqA = sequence(new Xoshiro128(42, 3));
    assert.deepEqual(sequence(new Xoshiro128(42, 3)), seqA);
    assert.notDeepEqual(sequence(new Xoshiro128(43, 3)), seqA);
    assert.notDeepEqual(sequence(new Xoshiro128(42, 4)), seqA);
    for (const x of seqA) assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 32);
  });

  it('seed 0 works (the all-zero state is avoided)', () => {
    const r = new Xoshiro128(0, 0);
    const seen = new Set(Array.from({ length: 50 }, () => r.nextU32()));
    assert.ok(seen.size > 45);
  });

  it('is uniform: mean, and each of 16 buckets near 1/16', () => {
    const r = new Xoshiro128(7);
    const n = 200_000;
    const buckets = new Array(16).fill(0);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat();
      assert.ok(u >= 0 && u < 1);
      sum += u;
      buckets[Math.floor(u * 16)]++;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.005, `mean ${sum / n}`);
    for (const b of buckets) assert.ok(Math.abs(b / n - 1 / 16) < 0.003, `bucket share ${b / n}`);
  });

  it('fills in bulk exactly the numbers nextFloat gives, across refills', () => {
    const one = new Xoshiro128(9, 1);
    const buffer = new UniformBuffer(new Xoshiro128(9, 1), 64);
    const fromBuffer: number[] = [];
    for (let round = 0; round < 20; round++) {
      buffer.ensure(40);
      for (let i = 0; i < 13; i++) fromBuffer.push(buffer.values[buffer.cursor++]);
    }
    const direct = Array.from({ length: fromBuffer.length }, () => one.nextFloat());
    assert.deepEqual(fromBuffer, direct);
  });

});

describe('gen: exponential()', () => {
  it('is within 1% of -ln(1 - u) everywhere, exact in the last bucket', () => {
    for (let i = 0; i < 100_000; i++) {
      const u = i / 100_000;
      const exact = -Math.log(1 - u);
      const approx = exponential(u);
      assert.ok(Math.abs(approx - exact) <= 0.01 * exact + 1e-12, `u=${u}: ${approx} vs ${exact}`);
    }
    assert.equal(exponential(0.9995), -Math.log(1 - 0.9995));
  });

  it('has mean 1 and is increasing', () => {
    const r = new Xoshiro128(5);
    let s = 0;
    const n = 400_000;
    for (let i = 0; i < n; i++) s += exponential(r.nextFloat());
    assert.ok(Math.abs(s / n - 1) < 0.01, `mean ${s / n}`);
    let previous = -1;
    for (let i = 0; i < 10_000; i++) {
      const x = exponential(i / 10_000);
      assert.ok(x >= previous);
      previous = x;
    }
  });
});

describe('gen: alias tables', () => {
  it('draws each column in proportion to its weight', () => {
    const weights = [1, 0, 5, 2, 0.5, 11.5];
    const table = new AliasTable(weights);
    const r = new Xoshiro128(3);
    const counts = new Array(weights.length).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[table.draw(r)]++;
    const total = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => {
      const p = w / total;
      const tolerance = 5 * Math.sqrt((p * (1 - p)) / n) + 1e-9;
      assert.ok(Math.abs(counts[i] / n - p) <= tolerance, `column ${i}: ${counts[i] / n} vs ${p}`);
    });
    assert.equal(counts[1], 0, 'a zero weight is never drawn');
  });

  it('returns the given values instead of indices', () => {
    const table = new AliasTable([1, 1, 1], [70, 80, 90]);
    const r = new Xoshiro128(1);
    const seen = new Set(Array.from({ length: 300 }, () => table.draw(r)));
    assert.deepEqual([...seen].sort(), [70, 80, 90]);
  });

  it('stays in range when a rescaled uniform rounds up to 1', () => {
    const table = new AliasTable([1, 2, 3]);
    assert.ok([0, 1, 2].includes(table.pick(1, 0.5)));
  });
});

describe('gen: Zipf sampling', () => {
  it('gives rank r a share proportional to (r + 1)^-1.1, head and tail alike', () => {
    const n = 50_000;
    const zipf = new ZipfSampler(n, 1.1, new Xoshiro128(1));
    const r = new Xoshiro128(2);
    const draws = 1_000_000;
    const byRank = new Float64Array(n);
    const rankOfId = new Int32Array(n + 1);
    for (let id = 1; id <= n; id++) rankOfId[id] = zipf.rankOf(id);
    for (let i = 0; i < draws; i++) byRank[rankOfId[zipf.pick(r.nextFloat(), r.nextFloat())]]++;
    let h = 0;
    for (let k = 1; k <= n; k++) h += Math.pow(k, -1.1);
    for (const rank of [0, 1, 9, 99]) {
      const p = Math.pow(rank + 1, -1.1) / h;
      const tolerance = 5 * Math.sqrt((p * (1 - p)) / draws);
      assert.ok(Math.abs(byRank[rank] / draws - p) < tolerance, `rank ${rank}: ${byRank[rank] / draws} vs ${p}`);
    }
    // The tail beyond the head table (ranks >= 16384) as a whole.
    let tailP = 0;
    let tail = 0;
    for (let rank = 16384; rank < n; rank++) (tailP += Math.pow(rank + 1, -1.1) / h), (tail += byRank[rank]);
    assert.ok(Math.abs(tail / draws - tailP) < 5 * Math.sqrt((tailP * (1 - tailP)) / draws), `tail ${tail / draws} vs ${tailP}`);
  });

  it('maps ranks to a shuffle of the ids 1..n', () => {
    const zipf = new ZipfSampler(1000, 1.1, new Xoshiro128(4));
    const ranks = Array.from({ length: 1000 }, (_, i) => zipf.rankOf(i + 1));
    assert.deepEqual([...ranks].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    assert.notEqual(zipf.rankOf(1), 0, 'id 1 is not simply the most popular (for this seed)');
  });

  it('works for a single id', () => {
    const zipf = new ZipfSampler(1, 1.1, new Xoshiro128(4));
    assert.equal(zipf.pick(0.99, 0.99), 1);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HyperLogLog, KllSketch, Moments, SpaceSaving } from '../src/index.ts';
import { hashBytes, hashNumber, hashWords, numberBits } from '../src/sketch/hash64.ts';
import { normal, PYTHON, rng } from './scipy.ts';

/** max over q of |estimated rank - true rank| / n, at 99 evenly spaced values of the data. */
function maxRankError(sketch: KllSketch, sorted: Float64Array): number {
  const n = sorted.length;
  let worst = 0;
  for (let j = 1; j < 100; j++) {
    const x = sorted[Math.floor((j / 100) * n)];
    // true inclusive rank: number of values <= x
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    worst = Math.max(worst, Math.abs(sketch.rank(x) - lo / n));
  }
  return worst;
}

const DISTRIBUTIONS: Record<string, (r: () => number, i: number, n: number) => number> = {
  uniform: (r) => r(),
  normal: (r) => normal(r),
  lognormal: (r) => Math.exp(2 * normal(r)),
  zipf_ints: (r) => Math.floor(1 / Math.pow(1 - r(), 0.9)),
  sorted: (_r, i) => i,
  reversed: (_r, i, n) => n - i,
};

describe('KLL quantile sketch', () => {
  it('is exact while n <= k', () => {
    const s = new KllSketch(200);
    const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 200);
    values.forEach((v) => s.update(v));
    assert.ok(s.isExact);
    assert.equal(s.numRetained, 200);
    assert.equal(s.quantile(0.5), 99); // inverted CDF: the 100th smallest of 0..199
    assert.equal(s.rank(49), 0.25);
    s.update(1000);
    assert.ok(!s.isExact);
  });

  it('keeps the normalised rank error under 1.33% (k = 200, 99% bound) on several distributions and seeds', () => {
    const n = 100_000;
    const errors: number[] = [];
    for (const [name, gen] of Object.entries(DISTRIBUTIONS)) {
      for (const seed of [1, 2, 3]) {
        const r = rng(seed * 7 + name.length);
        const data = new Float64Array(n);
        for (let i = 0; i < n; i++) data[i] = gen(r, i, n);
        const s = new KllSketch(200);
        s.updateMany(data, n);
        assert.equal(s.n, n);
        assert.ok(s.numRetained < 700, `retained ${s.numRetained}`);
        const sorted = Float64Array.from(data).sort();
        const e = maxRankError(s, sorted);
        errors.push(e);
        assert.ok(e < 0.0133, `${name} seed ${seed}: max rank error ${e}`);
        assert.equal(s.min, sorted[0]);
        assert.equal(s.max, sorted[n - 1]);
      }
    }
    // The typical error is well inside the bound.
    const mean = errors.reduce((a, b) => a + b) / errors.length;
    assert.ok(mean < 0.008, `mean max-rank error ${mean}`);
  });

  it('error falls with k', () => {
    const n = 200_000;
    const r = rng(11);
    const data = Float64Array.from({ length: n }, () => normal(r));
    const sorted = Float64Array.from(data).sort();
    const err = (k: number) => {
      const s = new KllSketch(k);
      s.updateMany(data, n);
      return maxRankError(s, sorted);
    };
    assert.ok(err(1600) < err(50));
    assert.ok(err(1600) < 0.003);
  });

  it('merges within the error of the union, and merging is the same as updating in order for one sketch', () => {
    const r = rng(5);
    const parts = Array.from({ length: 8 }, () => Float64Array.from({ length: 25_000 }, () => Math.exp(normal(r))));
    const merged = new KllSketch(200);
    for (const p of parts) {
      const s = new KllSketch(200);
      s.updateMany(p, p.length);
      merged.merge(s);
    }
    const all = new Float64Array(200_000);
    parts.forEach((p, i) => all.set(p, i * 25_000));
    assert.equal(merged.n, 200_000);
    assert.ok(maxRankError(merged, all.sort()) < 0.0165);
    assert.equal(merged.min, all[0]);
    assert.equal(merged.max, all[all.length - 1]);
  });

  it('round-trips through bytes and is deterministic', () => {
    const build = () => {
      const s = new KllSketch(120);
      const r = rng(3);
      for (let i = 0; i < 50_000; i++) s.update(r());
      return s;
    };
    const a = build();
    const b = build();
    assert.deepEqual(a.toBytes(), b.toBytes());
    const back = KllSketch.fromBytes(a.toBytes());
    assert.deepEqual(back.toBytes(), a.toBytes());
    assert.equal(back.quantile(0.3), a.quantile(0.3));
    assert.throws(() => KllSketch.fromBytes(new Uint8Array(10)));
  });

  it('updateMany equals update one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 3000 }), fc.integer({ min: 8, max: 64 }), (values, k) => {
        const a = new KllSketch(k);
        const b = new KllSketch(k);
        values.forEach((v) => a.update(v));
        b.updateMany(Float64Array.from(values), values.length);
        assert.deepEqual(a.toBytes(), b.toBytes());
      }),
      { numRuns: 60 },
    );
  });
});

describe('HyperLogLog++', () => {
  const h = new Uint32Array(2);
  it('counts small sets almost exactly and large ones within 3 standard errors (p = 14: 0.81%)', () => {
    for (const n of [0, 1, 2, 10, 100, 1000, 10_000, 50_000, 300_000]) {
      const s = new HyperLogLog(14);
      for (let i = 0; i < n; i++) {
        hashNumber(i * 3 + 0.5, h);
        s.addHash(h[0], h[1]);
        if (i % 3 === 0) {
          hashNumber(i * 3 + 0.5, h); // repeats do not count
          s.addHash(h[0], h[1]);
        }
      }
      const e = s.estimate();
      if (n <= 10) assert.ok(Math.abs(e - n) < 0.5, `n ${n}: ${e}`);
      else assert.ok(Math.abs(e / n - 1) < 3 * s.standardError, `n ${n}: ${e}`);
    }
  });

  it('is unbiased over many sets (mean relative error near 0, spread near 1.04/sqrt(m))', () => {
    const errs: number[] = [];
    for (let t = 0; t < 40; t++) {
      const s = new HyperLogLog(12);
      for (let i = 0; i < 20_000; i++) {
        hashNumber(t * 1e7 + i, h);
        s.addHash(h[0], h[1]);
      }
      errs.push(s.estimate() / 20_000 - 1);
    }
    const mean = errs.reduce((a, b) => a + b) / errs.length;
    const sd = Math.sqrt(errs.reduce((a, b) => a + (b - mean) ** 2, 0) / errs.length);
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(sd > 0.008 && sd < 0.03, `sd ${sd} (expected about ${1.04 / 64})`);
  });

  it('merges exactly: the merge of two sketches is the sketch of the union', () => {
    const a = new HyperLogLog(10);
    const b = new HyperLogLog(10);
    const u = new HyperLogLog(10);
    for (let i = 0; i < 5000; i++) {
      hashNumber(i, h);
      (i % 2 ? a : b).addHash(h[0], h[1]);
      u.addHash(h[0], h[1]);
    }
    a.merge(b);
    assert.deepEqual(a.registers, u.registers);
    assert.deepEqual(HyperLogLog.fromBytes(a.toBytes()).registers, a.registers);
    assert.throws(() => a.merge(new HyperLogLog(11)));
  });
});

describe('space-saving top values', () => {
  const bits = new Uint32Array(2);
  const naive = (stream: number[], cap: number) => {
    const keys: number[] = [];
    const counts: number[] = [];
    for (const x of stream) {
      const i = keys.indexOf(x);
      if (i >= 0) counts[i]++;
      else if (keys.length < cap) keys.push(x), counts.push(1);
      else {
        let m = 0;
        for (let j = 1; j < keys.length; j++) if (counts[j] < counts[m]) m = j;
        keys[m] = x;
        counts[m]++;
      }
    }
    return counts.sort((a, b) => a - b);
  };

  it('matches the textbook algorithm and keeps its guarantees (property test)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 400 }), fc.integer({ min: 1, max: 16 }), (stream, cap) => {
        const ss = new SpaceSaving(cap, 'number');
        for (const x of stream) {
          numberBits(x, bits);
          ss.update(bits[0], bits[1], 1);
        }
        const top = ss.top();
        assert.deepEqual(top.map((t) => t.count).sort((a, b) => a - b), naive(stream, cap));
        const truth = new Map<number, number>();
        for (const x of stream) truth.set(x, (truth.get(x) ?? 0) + 1);
        for (const t of top) {
          const c = truth.get(t.value as number) ?? 0;
          assert.ok(t.count >= c && t.count - t.error <= c);
          assert.ok(t.error <= stream.length / cap);
        }
        // Any value more frequent than n / capacity has a counter.
        for (const [v, c] of truth) if (c > stream.length / cap) assert.ok(top.some((t) => t.value === v));
        assert.equal(ss.exact, truth.size <= cap);
        assert.deepEqual(SpaceSaving.fromBytes(ss.toBytes()).top(), top);
      }),
      { numRuns: 300 },
    );
  });

  it('weighted updates and merges keep count >= true >= count - error', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 9 })), { maxLength: 200 }), fc.integer({ min: 1, max: 12 }), (items, cap) => {
        const a = new SpaceSaving(cap, 'string');
        const b = new SpaceSaving(cap, 'string');
        const truth = new Map<string, number>();
        items.forEach(([v, w], i) => {
          const s = `v${v}`;
          hashBytes(new TextEncoder().encode(s), 0, s.length, bits);
          const ss = i % 2 ? a : b;
          const slot = ss.update(bits[0], bits[1], w);
          if (slot < 0) ss.labels[~slot] = s;
          truth.set(s, (truth.get(s) ?? 0) + w);
        });
        a.merge(b);
        for (const t of a.top()) {
          const c = truth.get(t.value as string) ?? 0;
          assert.ok(t.count >= c && t.count - t.error <= c, `${t.value}: ${t.count} (err ${t.error}) vs ${c}`);
        }
        assert.equal(a.n, [...truth.values()].reduce((x, y) => x + y, 0));
      }),
      { numRuns: 200 },
    );
  });
});

describe('moments (Welford, Chan)', () => {
  it('match a two-pass computation and merge to the moments of the union', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 2, maxLength: 300 }), fc.integer({ min: 0, max: 300 }), (xs, cut) => {
        const all = new Moments();
        xs.forEach((x) => all.add(x));
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const m2 = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
        const scale = Math.max(1, ...xs.map(Math.abs));
        assert.ok(Math.abs(all.mean - mean) <= 1e-9 * scale);
        assert.ok(Math.abs(all.m2 - m2) <= 1e-9 * Math.max(1, m2) + 1e-6 * scale);
        const left = new Moments();
        const right = new Moments();
        xs.forEach((x, i) => (i < cut % xs.length ? left : right).add(x));
        left.merge(right);
        assert.equal(left.n, all.n);
        assert.ok(Math.abs(left.mean - all.mean) <= 1e-9 * scale);
        assert.ok(Math.abs(left.m2 - all.m2) <= 1e-9 * Math.max(1, all.m2) + 1e-6 * scale);
      }),
      { numRuns: 300 },
    );
  });

  it('stays accurate where the naive formula cancels (large offset, small spread)', () => {
    const m = new Moments();
    for (let i = 0; i < 100_000; i++) m.add(1e9 + (i % 10));
    assert.ok(Math.abs(m.populationVariance! - 8.25) < 1e-6);
  });
});

describe('64-bit hashes', () => {
  const hasMmh3 = spawnSync(PYTHON, ['-c', 'import mmh3'], { stdio: 'ignore' }).status === 0;
  it('are MurmurHash3 x86_32 in two seeded lanes (checked against the mmh3 package)', { skip: hasMmh3 ? false : 'python3 mmh3 is missing' }, () => {
    const strings = ['', 'a', 'ab', 'abc', 'abcd', 'impression', 'naïve café ☕', 'x'.repeat(1000)];
    const out = new Uint32Array(2);
    const expected = JSON.parse(
      spawnSync(PYTHON, ['-c', 'import json,sys,mmh3\nss=json.load(sys.stdin)\nprint(json.dumps([[mmh3.hash(s.encode(),0x9747b28c,signed=False),mmh3.hash(s.encode(),0x5bd1e995,signed=False)] for s in ss]+[[mmh3.hash(bytes([1,0,0,0,2,0,0,0]),0x9747b28c,signed=False),mmh3.hash(bytes([1,0,0,0,2,0,0,0]),0x5bd1e995,signed=False)]]))'], { input: JSON.stringify(strings), encoding: 'utf8' }).stdout,
    ) as [number, number][];
    strings.forEach((s, i) => {
      const b = new TextEncoder().encode(s);
      hashBytes(b, 0, b.length, out);
      assert.deepEqual([out[0], out[1]], expected[i], s);
    });
    hashWords(2, 1, out);
    assert.deepEqual([out[0], out[1]], expected[strings.length]);
  });

  it('hash numbers by value: -0 like 0, 5 like 5.0', () => {
    const a = new Uint32Array(2);
    const b = new Uint32Array(2);
    hashNumber(-0, a);
    hashNumber(0, b);
    assert.deepEqual(a, b);
    hashNumber(5, a);
    hashNumber(5.0, b);
    assert.deepEqual(a, b);
    hashNumber(5.5, b);
    assert.notDeepEqual(a, b);
  });
});

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Xoshiro128 } from '@recdata/core/gen';
import { normalQuantile } from '@recdata/core/stats';
import { estimateEffect, sampleRatioCheck, type ArmTotals } from '../src/index.ts';
import { scipyCalls, SKIP_SCIPY } from '../../../test/helpers/python.ts';

/** Raw per-unit samples (seeded), so SciPy can see the units and we only their sums. */
function sample(seed: number, n: number, mean: number, sd: number, skew = false): number[] {
  const rng = new Xoshiro128(seed, 7);
  return Array.from({ length: n }, () => {
    const z = normalQuantile((rng.nextU32() + 0.5) / 4294967296);
    return skew ? mean * Math.exp(sd * z - (sd * sd) / 2) : mean + sd * z;
  });
}

function totals(x: number[], y?: number[]): ArmTotals {
  const t: ArmTotals = { n: x.length, sum: 0, sumSq: 0 };
  for (const v of x) {
    t.sum += v;
    t.sumSq += v * v;
  }
  if (y) {
    t.denSum = 0;
    t.denSumSq = 0;
    t.numDenSum = 0;
    y.forEach((v, i) => {
      t.denSum! += v;
      t.denSumSq! += v * v;
      t.numDenSum! += v * x[i];
    });
  }
  return t;
}

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

const cases = [
  { name: 'equal sizes', t: sample(1, 400, 10.3, 3), c: sample(2, 400, 10, 3) },
  { name: 'unequal sizes and variances', t: sample(3, 60, 5, 8), c: sample(4, 900, 4, 1) },
  { name: 'skewed (log-normal) values', t: sample(5, 2000, 30, 1.2, true), c: sample(6, 2500, 28, 1.2, true) },
  { name: 'tiny arms', t: sample(7, 3, 1, 1), c: sample(8, 4, 0, 2) },
];

describe('effects against SciPy', { skip: SKIP_SCIPY }, () => {
  let ref: unknown[];
  before(() => {
    const calls: [string, unknown[]][] = [];
    for (const c of cases) {
      calls.push(['lambda a, b: [*stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95), stats.ttest_ind(a, b, equal_var=False).df, stats.ttest_ind(a, b, equal_var=False).pvalue]', [c.t, c.c]]);
      calls.push(['lambda a, b: [*stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.9)]', [c.t, c.c]]);
    }
    calls.push(['lambda f, e: [*stats.chisquare(f, e)]', [[5120, 4880], [5000, 5000]]]);
    calls.push(['lambda f, e: [*stats.chisquare(f, e)]', [[1010, 8990], [1000, 9000]]]);
    calls.push(['lambda f, e: [*stats.chisquare(f, e)]', [[490000, 510000], [500000, 500000]]]);
    ref = scipyCalls(calls);
  });

  it('Welch intervals, degrees of freedom and p-values equal SciPy ttest_ind(equal_var=False) from the units', () => {
    cases.forEach((c, i) => {
      const e = estimateEffect(totals(c.t), totals(c.c), 0.95);
      const [lo, hi, df, p] = ref[2 * i] as number[];
      close(e.ci[0], lo, 1e-9, `${c.name} low`);
      close(e.ci[1], hi, 1e-9, `${c.name} high`);
      close(e.df, df, 1e-9, `${c.name} df`);
      close(e.pValue, p, 1e-8, `${c.name} p`);
      const e90 = estimateEffect(totals(c.t), totals(c.c), 0.9);
      const [lo90, hi90] = ref[2 * i + 1] as number[];
      close(e90.ci[0], lo90, 1e-9, `${c.name} 90% low`);
      close(e90.ci[1], hi90, 1e-9, `${c.name} 90% high`);
    });
  });

  it('the sample-ratio test equals SciPy chisquare', () => {
    const inputs: [number, number, number][] = [
      [5120, 4880, 0.5],
      [1010, 8990, 0.1],
      [490000, 510000, 0.5],
    ];
    inputs.forEach(([t, c, share], i) => {
      const s = sampleRatioCheck(t, c, share);
      const [stat, p] = ref[2 * cases.length + i] as number[];
      close(s.chiSquare, stat, 1e-12, 'chi-square');
      if (p > 0) close(s.pValue, p, 1e-10, 'p');
      assert.equal(s.mismatch, p < 0.001);
    });
  });
});

describe('effects: delta method and edge cases', () => {
  it('the ratio estimate and its delta-method variance match the formula on the units', () => {
    const y = sample(11, 500, 40, 15).map((v) => Math.max(1, Math.round(v)));
    const x = y.map((v, i) => Math.max(0, Math.round(v * 0.05 + sample(12, 500, 0, 1.5)[i])));
    const y2 = sample(13, 600, 40, 15).map((v) => Math.max(1, Math.round(v)));
    const x2 = y2.map((v, i) => Math.max(0, Math.round(v * 0.045 + sample(14, 600, 0, 1.5)[i])));
    const e = estimateEffect(totals(x, y), totals(x2, y2), 0.95);
    // Direct from the units: R = Σx/Σy; Var(R) = Var(x - R·y) / (n·ȳ²) with n - 1 in the variance.
    const direct = (xs: number[], ys: number[]) => {
      const r = xs.reduce((a, b) => a + b, 0) / ys.reduce((a, b) => a + b, 0);
      const d = xs.map((v, i) => v - r * ys[i]);
      const md = d.reduce((a, b) => a + b, 0) / d.length;
      const vd = d.reduce((a, v) => a + (v - md) ** 2, 0) / (d.length - 1);
      const my = ys.reduce((a, b) => a + b, 0) / ys.length;
      return { r, v: vd / (ys.length * my * my) };
    };
    const t = direct(x, y);
    const c = direct(x2, y2);
    close(e.treatment.estimate, t.r, 1e-12, 'treatment ratio');
    close(e.treatment.variance, t.v, 1e-9, 'treatment variance');
    close(e.lift, t.r - c.r, 1e-12, 'lift');
    close(e.liftSe, Math.sqrt(t.v + c.v), 1e-9, 'se');
    assert.equal(e.df, Infinity);
    // Relative lift by the delta method: Var(t/c) ≈ v_t/c² + t²·v_c/c⁴.
    close(e.relSe, Math.sqrt(t.v / c.r ** 2 + (t.r ** 2 * c.v) / c.r ** 4), 1e-9, 'relative se');
    close(e.relCi[1] - e.relLift, 1.959963984540054 * e.relSe, 1e-12, 'relative interval half-width');
  });

  it('a zero-variance arm gives a point interval, not NaN', () => {
    const e = estimateEffect({ n: 10, sum: 20, sumSq: 40 }, { n: 10, sum: 10, sumSq: 10 }, 0.95);
    assert.equal(e.lift, 1);
    assert.deepEqual(e.ci, [1, 1]);
    assert.equal(e.pValue, 0);
  });

  it('a registered share of 0 or 1 with units in the other arm is a mismatch', () => {
    assert.equal(sampleRatioCheck(100, 5, 1).mismatch, true);
    assert.equal(sampleRatioCheck(0, 100, 0).mismatch, false);
  });
});

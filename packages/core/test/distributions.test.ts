import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  chiSquareCdf,
  chiSquareSf,
  incompleteBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
} from '@recdata/core/stats';
import { scipyCalls, SKIP_SCIPY } from '../../../test/helpers/python.ts';

/**
 * Our distributions against SciPy's, all evaluated in one python3 call (importing
 * scipy.stats is the slow part). Tolerances are relative: 1e-13 for the normal, 1e-12
 * for t and chi-square with moderate degrees of freedom, 1e-10 where the incomplete
 * beta's continued fraction runs a thousand terms (df >= 1e4); the audit's intervals
 * need about 1e-6.
 */
function close(actual: number, expected: number, tolerance: number, what: string): void {
  if (!Number.isFinite(expected)) {
    assert.equal(actual, expected, what);
    return;
  }
  const err = Math.abs(expected) < 1e-300 ? Math.abs(actual - expected) : Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(err <= tolerance, `${what}: got ${actual}, SciPy ${expected} (relative error ${err.toExponential(2)} > ${tolerance})`);
}

type Check = { call: [string, unknown[]]; ours: () => number; tolerance: number; absolute?: boolean };
const checks: Record<string, Check[]> = { normal: [], tCdf: [], tPpf: [], chi2: [], special: [] };

const xs = [-40, -20, -10, -8, -5.7, -3, -1.96, -1, -0.5, -0.1, 0, 0.3, 0.67, 0.7, 1.5, 3, 5.65, 6, 9, 20, 38];
const ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-6, 0.001, 0.025, 0.05, 0.1, 0.3, 0.4999, 0.5, 0.6, 0.9, 0.975, 0.995, 0.999999];
const dfs = [1, 2, 3, 4.5, 7, 10, 29.7, 100, 1000, 12345.6, 99999, 250000, 1e6];
for (const x of xs) {
  checks.normal.push({ call: ['stats.norm.cdf', [x]], ours: () => normalCdf(x), tolerance: 1e-13 });
  checks.normal.push({ call: ['stats.norm.sf', [x]], ours: () => normalSf(x), tolerance: 1e-13 });
}
for (const p of ps) checks.normal.push({ call: ['stats.norm.ppf', [p]], ours: () => normalQuantile(p), tolerance: 1e-14 });
for (const df of dfs) {
  for (const t of [-50, -30, -6, -3, -1.96, -0.5, -0.1, 0, 0.5, 2, 4, 12]) checks.tCdf.push({ call: ['stats.t.cdf', [t, df]], ours: () => studentTCdf(t, df), tolerance: df < 1e4 ? 1e-12 : 1e-10 });
  for (const p of [1e-10, 1e-4, 0.0005, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.9995]) checks.tPpf.push({ call: ['stats.t.ppf', [p, df]], ours: () => studentTQuantile(p, df), tolerance: 1e-12 });
}
for (const k of [1, 2, 3, 5, 7.5, 20, 100]) {
  for (const x of [1e-6, 0.001, 0.5, 1, 3.84, 10.83, 50, 200, 1500]) {
    checks.chi2.push({ call: ['stats.chi2.sf', [x, k]], ours: () => chiSquareSf(x, k), tolerance: 1e-12 });
    // A CDF near 0 with one degree of freedom is 1 - 2·sf: compare it absolutely.
    checks.chi2.push({ call: ['stats.chi2.cdf', [x, k]], ours: () => chiSquareCdf(x, k), tolerance: k === 1 && x < 0.01 ? 1e-15 : 1e-12, absolute: k === 1 && x < 0.01 });
  }
}
for (const x of [0.1, 0.5, 1.5, 7.3, 10, 33.3, 1000, 1e6]) checks.special.push({ call: ['__import__("scipy.special").special.gammaln', [x]], ours: () => logGamma(x), tolerance: 1e-13 });
for (const [a, b, x] of [
  [0.5, 0.5, 0.3],
  [2, 3, 0.4],
  [5, 0.5, 0.99],
  [50, 0.5, 0.999],
  [500000, 0.5, 0.999996],
  [0.5, 20, 0.01],
]) {
  checks.special.push({ call: ['__import__("scipy.special").special.betainc', [a, b, x]], ours: () => incompleteBeta(a, b, x)[0], tolerance: a >= 1e4 ? 1e-10 : 1e-12 });
}

describe('distributions against SciPy', { skip: SKIP_SCIPY }, () => {
  const reference = new Map<Check, number>();
  before(() => {
    const all = Object.values(checks).flat();
    const values = scipyCalls(all.map((c) => c.call)) as number[];
    all.forEach((c, i) => reference.set(c, values[i]));
  });
  const verify = (list: Check[]) => {
    assert.ok(list.length > 0);
    for (const c of list) {
      const what = `${c.call[0]}(${c.call[1].join(', ')})`;
      if (c.absolute) assert.ok(Math.abs(c.ours() - reference.get(c)!) <= c.tolerance, what);
      else close(c.ours(), reference.get(c)!, c.tolerance, what);
    }
  };
  it('normal CDF, survival and quantile', () => verify(checks.normal));
  it('Student t CDF', () => verify(checks.tCdf));
  it('Student t quantile', () => verify(checks.tPpf));
  it('chi-square survival and CDF', () => verify(checks.chi2));
  it('log-gamma and the incomplete beta function', () => verify(checks.special));
});

describe('distributions: identities that need no reference', () => {
  it('quantiles invert the CDFs', () => {
    for (const p of [1e-12, 0.001, 0.2, 0.5, 0.8, 0.999]) {
      close(normalCdf(normalQuantile(p)), p, 1e-13, `normal p=${p}`);
      for (const df of [1, 3, 30, 3000, 3e5]) close(studentTCdf(studentTQuantile(p, df), df), p, 1e-9, `t p=${p} df=${df}`);
    }
  });

  it('t approaches the normal as df grows; chi-square(1) is the squared normal', () => {
    assert.ok(Math.abs(studentTQuantile(0.975, 1e9) - normalQuantile(0.975)) < 1e-8);
    assert.ok(studentTQuantile(0.975, 10) > studentTQuantile(0.975, 100));
    close(chiSquareSf(1.96 ** 2, 1), 2 * normalSf(1.96), 1e-14, 'chi2(1)');
    assert.equal(chiSquareSf(Infinity, 1), 0);
    assert.equal(chiSquareSf(0, 3), 1);
    assert.ok(Number.isNaN(studentTQuantile(1.5, 3)));
  });
});

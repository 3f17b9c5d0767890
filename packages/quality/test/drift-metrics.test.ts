import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chi2, exactSample, fillEmptyBins, jsDistance, jsDivergence, kl, kolmogorovSf, ks, linf, psi, roundHalfEven, shares, wasserstein, wassersteinNorm, zTest } from '../src/index.ts';
import { chiSquareSf, gammaQ, logGamma, normalSf } from '@recdata/core/stats';
import { normal, python, rng, SKIP_SCIPY } from './scipy.ts';

const close = (a: number, b: number, rel = 1e-9, abs = 1e-12, what = '') => assert.ok(a === b || Math.abs(a - b) <= abs + rel * Math.abs(b), `${what}: ${a} vs ${b} (diff ${Math.abs(a - b)})`);

describe('special functions against SciPy', { skip: SKIP_SCIPY }, () => {
  it('log-gamma, chi-square and normal survival, the Kolmogorov distribution', () => {
    const grid = {
      lgamma: [0.1, 0.5, 1, 1.5, 7.25, 30, 171.5, 1000.5, 123456.7, 5e6],
      chi2: [
        [0.5, 1],
        [3.84, 1],
        [10, 4],
        [100, 80],
        [1000, 900],
        [2500, 2000],
        [50, 3],
        [0.001, 10],
      ],
      gammaq: [
        [0.5, 0.1],
        [2.5, 4],
        [40, 30],
        [300, 350],
      ],
      norm: [0, 0.5, 1.96, 3, 6, 10, 20, -2],
      kstwo: [
        [1, 0.7],
        [3, 0.4],
        [10, 0.05],
        [10, 0.3],
        [50, 0.1],
        [140, 0.07],
        [141, 0.07],
        [500, 0.03],
        [500, 0.1],
        [1000, 0.02],
        [20000, 0.008],
        [100000, 0.0045],
        [250000, 0.003],
        [2000000, 0.001],
        [7, 0.6],
      ],
    };
    const ref = python<{ lgamma: number[]; chi2: number[]; gammaq: number[]; norm: number[]; kstwo: number[] }>(
      `print(json.dumps({
  'lgamma': [float(special.gammaln(x)) for x in data['lgamma']],
  'chi2': [float(stats.chi2.sf(x, df)) for x, df in data['chi2']],
  'gammaq': [float(special.gammaincc(a, x)) for a, x in data['gammaq']],
  'norm': [float(stats.norm.sf(z)) for z in data['norm']],
  'kstwo': [float(stats.kstwo.sf(d, n)) for n, d in data['kstwo']],
}))`,
      grid,
    );
    grid.lgamma.forEach((x, i) => close(logGamma(x), ref.lgamma[i], 1e-13, 1e-13, `lgamma(${x})`));
    grid.chi2.forEach(([x, df], i) => close(chiSquareSf(x, df), ref.chi2[i], 1e-10, 1e-300, `chi2.sf(${x}, ${df})`));
    grid.gammaq.forEach(([a, x], i) => close(gammaQ(a, x), ref.gammaq[i], 1e-10, 1e-300, `Q(${a}, ${x})`));
    grid.norm.forEach((z, i) => close(normalSf(z), ref.norm[i], 1e-10, 1e-300, `norm.sf(${z})`));
    grid.kstwo.forEach(([n, d], i) => close(kolmogorovSf(n, d), ref.kstwo[i], 1e-9, 1e-15, `kstwo.sf(${d}, ${n})`));
  });
});

describe('drift metrics', () => {
  it("apply Evidently's empty-bin rule to each side separately", () => {
    assert.deepEqual(Array.from(fillEmptyBins(Float64Array.from([0.5, 0.5, 0]))), [0.5, 0.5, 1e-4]);
    assert.deepEqual(Array.from(fillEmptyBins(Float64Array.from([0.99995, 0.00005, 0]))), [0.99995, 0.00005, 0.00005 / 1e6]);
    // psi of identical distributions is 0; an empty bin on one side only contributes.
    assert.equal(psi([10, 20, 30], [1, 2, 3]), 0);
    assert.ok(psi([10, 20, 0], [10, 20, 5]) > 0);
  });

  it('round half to even as numpy does', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 2, 3]);
  });

  it('match SciPy (and Evidently-style formulas in numpy) on random counts and samples', { skip: SKIP_SCIPY }, () => {
    const r = rng(42);
    const cases = Array.from({ length: 12 }, (_, c) => {
      const bins = 3 + (c % 9);
      const ref = Array.from({ length: bins }, () => (r() < 0.15 ? 0 : Math.floor(r() * 1000)));
      const cur = Array.from({ length: bins }, (_, i) => (r() < 0.15 ? 0 : Math.floor(r() * 1000 * (1 + (i % 3) * 0.2))));
      ref[0] ||= 5;
      cur[1] ||= 7;
      const a = Array.from({ length: 50 + c * 37 }, () => normal(r) * (1 + c / 10));
      const b = Array.from({ length: 40 + c * 53 }, () => normal(r) + (c % 4) * 0.1);
      if (c % 3 === 0) for (let i = 0; i < 10; i++) b.push(a[i]); // ties across samples
      return { ref, cur, a, b };
    });
    const expected = python<{ psi: number; js: number; jsd: number; linf: number; kl: number; chi2: number[]; ks: number[]; w: number; wn: number }[]>(
      `
def fill(p):
    p = np.array(p, dtype=float)
    m = p[p > 0].min()
    f = m / 1e6 if m <= 1e-4 else 1e-4
    return np.where(p == 0, f, p)
out = []
for c in data:
    ref = np.array(c['ref'], dtype=float); cur = np.array(c['cur'], dtype=float)
    r = ref / ref.sum(); q = cur / cur.sum()
    rf = fill(r); qf = fill(q)
    keep = (ref > 0) | (cur > 0)
    chi = stats.chisquare(cur[keep], ref[keep] * cur.sum() / ref.sum())
    k = stats.ks_2samp(c['a'], c['b'], method='asymp')
    w = stats.wasserstein_distance(c['a'], c['b'])
    out.append({
      'psi': float(np.sum((qf - rf) * np.log(qf / rf))),
      'js': float(spatial.distance.jensenshannon(r, q)),
      'jsd': float(spatial.distance.jensenshannon(r, q, base=2) ** 2),
      'linf': float(np.max(np.abs(r - q))),
      'kl': float(stats.entropy(qf, rf)),
      'chi2': [float(chi.statistic), float(chi.pvalue)],
      'ks': [float(k.statistic), float(k.pvalue)],
      'w': float(w),
      'wn': float(w / max(np.std(c['a']), 0.001)),
    })
print(json.dumps(out))
`,
      cases,
    );
    cases.forEach((c, i) => {
      const e = expected[i];
      close(psi(c.ref, c.cur), e.psi, 1e-10, 1e-13, `psi case ${i}`);
      close(jsDistance(c.ref, c.cur), e.js, 1e-10, 1e-13, `js_distance case ${i}`);
      close(jsDivergence(c.ref, c.cur), e.jsd, 1e-9, 1e-13, `js_divergence case ${i}`);
      close(linf(c.ref, c.cur), e.linf, 1e-12, 1e-15, `linf case ${i}`);
      close(kl(c.ref, c.cur), e.kl, 1e-10, 1e-13, `kl case ${i}`);
      const x = chi2(c.ref, c.cur);
      close(x.statistic, e.chi2[0], 1e-10, 1e-10, `chi2 statistic case ${i}`);
      close(x.pValue, e.chi2[1], 1e-8, 1e-300, `chi2 p case ${i}`);
      const k = ks(exactSample(c.a), exactSample(c.b));
      close(k.statistic, e.ks[0], 1e-12, 1e-15, `ks D case ${i}`);
      close(k.pValue, e.ks[1], 1e-8, 1e-300, `ks p case ${i}`);
      close(wasserstein(exactSample(c.a), exactSample(c.b)), e.w, 1e-10, 1e-13, `wasserstein case ${i}`);
      const std = Math.sqrt(c.a.reduce((s, v, _, arr) => s + (v - arr.reduce((p, q) => p + q, 0) / arr.length) ** 2, 0) / c.a.length);
      close(wassersteinNorm(exactSample(c.a), exactSample(c.b), std), e.wn, 1e-9, 1e-13, `wasserstein_norm case ${i}`);
    });
  });

  it("z-test matches Evidently's two-proportion formula with SciPy's normal", { skip: SKIP_SCIPY }, () => {
    const cases = [
      [30, 100, 45, 120],
      [500, 1000, 520, 1000],
      [1, 50, 20, 50],
      [0, 10, 0, 12],
    ];
    const expected = python<number[]>(
      `
out = []
for a, n1, b, n2 in data:
    p1 = a / n1; p2 = b / n2
    P = (p1 * n1 + p2 * n2) / (n1 + n2)
    d = np.sqrt(P * (1 - P) * (1 / n1 + 1 / n2))
    out.append(1.0 if d == 0 else float(2 * stats.norm.sf(abs((p1 - p2) / d))))
print(json.dumps(out))
`,
      cases,
    );
    cases.forEach(([a, n1, b, n2], i) => close(zTest(a, n1, b, n2).pValue, expected[i], 1e-10, 1e-300, `z case ${i}`));
  });

  it('shares normalise each side separately', () => {
    assert.deepEqual(Array.from(shares([1, 3])), [0.25, 0.75]);
    assert.equal(linf([1, 1], [3, 1]), 0.25);
  });
});

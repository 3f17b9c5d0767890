import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditStrategies, generateStrategyMetrics, parseDay, parseRegistry, readMetrics, type AuditResult, type StrategyTruth } from '../src/index.ts';

/**
 * The statistical property, over 200 seeds of `gen strategy-metrics` (10
 * strategies each: every true class with a mean and a ratio primary metric),
 * generated and audited in process with the default 28-day window:
 * - a truly positive strategy (+1.5%, margin 1%) is retired in at most 5% of runs;
 * - a truly null one is retired in at least 80% (the window holds enough data:
 *   about 170,000 units per arm, so the interval's half-width is about 0.6%);
 * - the one with a broken sample ratio is always review.
 * Also: the 95% intervals cover the true lift in 93-97% of runs, and the decay flag
 * fires for the decaying class and rarely (at most 5% by construction) otherwise.
 */
const SEEDS = 200;

async function runs(): Promise<{ truth: StrategyTruth[]; result: AuditResult }[]> {
  const out = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const g = generateStrategyMetrics({ strategies: 10, days: 90, seed, start: parseDay('2026-06-01')!, units: 12000, batchSize: 65536 });
    const metrics = await readMetrics(g.stream, `seed ${seed}`);
    const registry = parseRegistry(g.registryYaml, 'generated.yaml');
    out.push({ truth: g.truth, result: auditStrategies(registry, metrics, { windowDays: 28, confidence: 0.95, minSample: 1000 }) });
  }
  return out;
}

describe(`strategy-audit decisions over ${SEEDS} seeds`, async () => {
  const all = await runs();
  const tally = (cls: string, pick: (e: AuditResult['evaluations'][number], t: StrategyTruth) => boolean) => {
    let hits = 0;
    let total = 0;
    for (const { truth, result } of all) {
      result.evaluations.forEach((e, i) => {
        if (truth[i].class !== cls) return;
        total++;
        if (pick(e, truth[i])) hits++;
      });
    }
    return { rate: hits / total, hits, total };
  };

  it('a truly positive strategy is retired in at most 5% of runs', () => {
    const r = tally('positive', (e) => e.decision === 'retire');
    assert.equal(r.total, 2 * SEEDS);
    assert.ok(r.rate <= 0.05, `retired ${r.hits} of ${r.total}`);
  });

  it('a truly null strategy is retired in at least 80% of runs', () => {
    const r = tally('null', (e) => e.decision === 'retire');
    assert.ok(r.rate >= 0.8, `retired ${r.hits} of ${r.total}`);
  });

  it('the strategy with a broken sample ratio is always review', () => {
    const r = tally('broken_srm', (e) => e.decision === 'review' && e.srm!.mismatch);
    assert.equal(r.hits, r.total);
  });

  it('a truly negative strategy is retired in nearly every run', () => {
    assert.ok(tally('negative', (e) => e.decision === 'retire').rate >= 0.95);
  });

  it('95% intervals cover the true lift (absolute and relative) in 93-97% of runs', () => {
    for (const cls of ['positive', 'null', 'negative']) {
      const abs = tally(cls, (e, t) => e.primary.effect!.ci[0] <= t.absolute_lift_last_28d && t.absolute_lift_last_28d <= e.primary.effect!.ci[1]);
      const rel = tally(cls, (e, t) => e.primary.effect!.relCi[0] <= t.relative_effect_last_28d && t.relative_effect_last_28d <= e.primary.effect!.relCi[1]);
      for (const [what, r] of [
        ['absolute', abs],
        ['relative', rel],
      ] as const) {
        assert.ok(r.rate >= 0.93 && r.rate <= 0.975, `${cls} ${what} coverage ${r.hits}/${r.total}`);
      }
    }
  });

  it('the decay flag fires for the decaying class and rarely for constant effects', () => {
    assert.ok(tally('decaying', (e) => e.decay.decaying).rate >= 0.95);
    for (const cls of ['positive', 'null', 'negative']) {
      const r = tally(cls, (e) => e.decay.decaying);
      assert.ok(r.rate <= 0.06, `${cls}: decay flagged in ${r.hits} of ${r.total}`);
    }
  });
});

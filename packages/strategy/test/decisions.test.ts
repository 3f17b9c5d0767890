import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditStrategies, parseDay, parseRegistry, type ArmTotals, type MetricSeries, type MetricsData, type Strategy } from '../src/index.ts';

const START = parseDay('2026-06-01')!;

/** Daily totals with exactly this mean and sd per arm (no noise): the rules see the interval they are given. */
function day(n: number, mean: number, sd: number): ArmTotals {
  const sum = n * mean;
  return { n, sum, sumSq: (n - 1) * sd * sd + (sum * sum) / n };
}

interface ArmPlan {
  days: number;
  nT: number;
  nC: number;
  mean: number;
  sd: number;
  /** Relative effect per day index. */
  effect: (d: number) => number;
}

function series(metric: string, p: ArmPlan): MetricSeries {
  const days = new Map<number, { treatment?: ArmTotals; control?: ArmTotals }>();
  for (let d = 0; d < p.days; d++) {
    const arms: { treatment?: ArmTotals; control?: ArmTotals } = {};
    if (p.nT > 0) arms.treatment = day(p.nT, p.mean * (1 + p.effect(d)), p.sd);
    if (p.nC > 0) arms.control = day(p.nC, p.mean, p.sd);
    days.set(START + d, arms);
  }
  return { metric, kind: 'mean', days };
}

function registry(fields: Record<string, string | number>[]): string {
  const base: Record<string, string | number> = {
    name: 'S',
    owner: 'team',
    kind: 'boost',
    launched_at: '2026-06-01',
    last_changed_at: '2026-06-01',
    review_after_days: 60,
    rollout: 0.5,
    cost_per_day: 0,
    primary_metric: 'watch',
    margin: '1%',
    value_per_unit: 0.01,
  };
  const lines = ['strategies:'];
  for (const f of fields) {
    const all = { ...base, ...f };
    lines.push(`  - id: ${all.id}`, `    keys: [${all.id}]`);
    for (const [k, v] of Object.entries(all)) if (k !== 'id') lines.push(`    ${k}: ${v}`);
  }
  return lines.join('\n') + '\n';
}

function metricsOf(entries: [string, MetricSeries[]][]): MetricsData {
  const byStrategy = new Map(entries.map(([id, list]) => [id, new Map(list.map((s) => [s.metric, s]))]));
  return { byStrategy, rows: 0, firstDay: START, lastDay: START + 89 };
}

function decide(fields: Record<string, string | number>, plans: Record<string, ArmPlan>, asOf = START + 89) {
  const reg = parseRegistry(registry([{ id: 's', ...fields }]), 'r.yaml');
  const data = metricsOf([['s', Object.entries(plans).map(([m, p]) => series(m, p))]]);
  return auditStrategies(reg, data, { asOf, windowDays: 28, confidence: 0.95, minSample: 1000 }).evaluations[0];
}

const flat = (effect: number, over: Partial<ArmPlan> = {}): ArmPlan => ({ days: 90, nT: 5000, nC: 5000, mean: 30, sd: 25, effect: () => effect, ...over });

describe('decision rules', () => {
  it('retires a strategy whose upper bound is below the margin (removal shown harmless)', () => {
    const e = decide({}, { watch: flat(0) });
    assert.equal(e.decision, 'retire');
    assert.match(e.reasons[0], /removal shown harmless: watch lift .*upper bound below the margin 1%/);
    assert.ok(e.primary.effect!.relCi[1] < 0.01);
  });

  it('never retires on "not significant" alone: a wide interval that reaches the margin keeps, then reviews past the date', () => {
    const wide = flat(0.002, { nT: 150, nC: 150 });
    // 150 units a day over 28 days: enough units, but the interval spans about ±4%.
    const early = decide({}, { watch: wide }, START + 50);
    assert.ok(early.primary.effect!.ci[0] < 0 && early.primary.effect!.relCi[1] > 0.01, 'not significant, reaches the margin');
    assert.equal(early.decision, 'keep');
    assert.match(early.reasons[0], /insufficient evidence so far: .* neither excludes 0 nor stays below the margin 1%; review due 2026-07-31/);
    const late = decide({}, { watch: wide });
    assert.equal(late.decision, 'review');
    assert.match(late.reasons[0], /insufficient evidence past the review date/);
  });

  it('keeps a clearly positive strategy; graduates it at 100% (with a holdout) for the whole window', () => {
    assert.equal(decide({}, { watch: flat(0.03) }).decision, 'keep');
    const g = decide({ rollout: 1, holdout: 0.5 }, { watch: flat(0.03) });
    assert.equal(g.decision, 'graduate');
    assert.match(g.reasons[0], /at 100% since 2026-06-01 \(the whole window\): inline the flag as on/);
    const recent = decide({ rollout: 1, holdout: 0.5, last_changed_at: '2026-08-20' }, { watch: flat(0.03) });
    assert.equal(recent.decision, 'keep');
    assert.match(recent.reasons[0], /graduate once a whole window has passed/);
  });

  it('retires when ROI’s upper bound is below 0, even with a positive lift', () => {
    const e = decide({ cost_per_day: 1000 }, { watch: flat(0.03) });
    assert.equal(e.decision, 'retire');
    assert.match(e.reasons[0], /costs more than it returns: ROI .* upper bound below 0/);
    // ROI = lift × treatment units/day × value - cost, with the lift's interval mapped through.
    const eff = e.primary.effect!;
    assert.ok(Math.abs(e.roi!.value - (eff.lift * 5000 * 0.01 - 1000)) < 1e-9);
    assert.ok(Math.abs(e.roi!.ci[1] - (eff.ci[1] * 5000 * 0.01 - 1000)) < 1e-9);
  });

  it('a sample-ratio mismatch makes the data invalid: review, even for what would retire', () => {
    const e = decide({}, { watch: flat(0, { nT: 4800, nC: 5200 }) });
    assert.equal(e.decision, 'review');
    assert.match(e.reasons[0], /data invalid: sample-ratio mismatch, treatment share 0.48 vs registered 0.5/);
    assert.ok(e.srm!.pValue < 0.001);
    // The registered split counts the holdout: rollout 1, holdout 0.2 expects 80% treatment.
    assert.equal(decide({ rollout: 1, holdout: 0.2 }, { watch: flat(0.03, { nT: 8000, nC: 2000 }) }).srm!.mismatch, false);
  });

  it('a breached guardrail sends to review; a small drop inside its margin does not', () => {
    const breach = decide({ guardrails: '{ctr: 1%}' }, { watch: flat(0.03), ctr: flat(-0.05, { mean: 0.05, sd: 0.02 }) });
    assert.equal(breach.decision, 'review');
    assert.match(breach.reasons[0], /guardrail ctr breached: lift -5% .* below -1%/);
    const fine = decide({ guardrails: '{ctr: 10%}' }, { watch: flat(0.03), ctr: flat(-0.05, { mean: 0.05, sd: 0.02 }) });
    assert.equal(fine.decision, 'keep');
  });

  it('too few units is insufficient evidence, not a verdict', () => {
    const e = decide({}, { watch: flat(0, { nT: 20, nC: 20 }) }, START + 50);
    assert.equal(e.decision, 'keep');
    assert.match(e.reasons[0], /560 treatment and 560 control units in the window, below the minimum 1000 per arm/);
  });

  it('off for everyone past its review date retires; stale flags are reported', () => {
    const off = decide({ rollout: 0 }, {});
    assert.equal(off.decision, 'retire');
    assert.match(off.reasons[0], /off for everyone \(rollout 0\)/);
    assert.ok(off.staleReasons.some((r) => /rolled out to 0%/.test(r)));
    const full = decide({ rollout: 1 }, { watch: flat(0, { nC: 0 }) });
    assert.equal(full.decision, 'review');
    assert.match(full.reasons[0], /no control arm in the window/);
    assert.ok(full.staleReasons.includes('stale: rolled out to 100% with no control arm'));
    assert.ok(full.staleReasons.some((r) => /unchanged for 89 days \(review_after_days 60\)/.test(r)));
    assert.equal(decide({ rollout: 0 }, {}, START + 30).decision, 'keep');
  });

  it('absolute margins compare the absolute lift', () => {
    // A lift of 0.2 minutes (0.67%): below an absolute margin of 0.5, above one of 0.1.
    const small = flat(0.2 / 30, { nT: 20000, nC: 20000 });
    assert.equal(decide({ margin: 0.5 }, { watch: small }).decision, 'retire');
    assert.notEqual(decide({ margin: 0.1 }, { watch: small }).decision, 'retire');
  });

  it('flags a decaying effect, and not a constant one', () => {
    const decaying = decide({}, { watch: flat(0, { effect: (d) => 0.05 * Math.exp(-d / 20) }) });
    assert.equal(decaying.decay.decaying, true);
    assert.ok(decaying.decay.slopeCi![1] < 0);
    assert.ok(decaying.reasons.some((r) => r.startsWith('effect decays')));
    assert.equal(decaying.weekly.length, 13);
    const constant = decide({}, { watch: flat(0.03) });
    assert.equal(constant.decay.assessed, true);
    assert.equal(constant.decay.decaying, false);
  });

  it('reports metrics for strategies the registry does not know, and registry entries without metrics', () => {
    const reg = parseRegistry(registry([{ id: 'known' }, { id: 'quiet' }]), 'r.yaml');
    const data = metricsOf([
      ['known', [series('watch', flat(0))]],
      ['stranger', [series('watch', flat(0))]],
    ]);
    const r = auditStrategies(reg, data, { windowDays: 28, confidence: 0.95, minSample: 1000 });
    assert.deepEqual(r.unknownStrategies, [{ id: 'stranger', rows: 180 }]);
    assert.match(r.warnings[0], /metrics for strategy "stranger", which is not in the registry \(180 rows not audited\)/);
    const quiet = r.evaluations[1];
    assert.equal(quiet.decision, 'review');
    assert.match(quiet.reasons[0], /no metrics for the primary metric watch/);
    assert.equal(r.asOf, START + 89);
  });

  it('warns about a guardrail without data, and about an empty stream', () => {
    const reg = parseRegistry(registry([{ id: 'g', guardrails: '{ctr: 1%}' }]), 'r.yaml');
    const r = auditStrategies(reg, metricsOf([['g', [series('watch', flat(0))]]]), { windowDays: 28, confidence: 0.95, minSample: 1000 });
    assert.deepEqual(r.warnings, ['strategy "g": no usable metrics for guardrail ctr in the window']);
    const empty = auditStrategies(reg, { byStrategy: new Map(), rows: 0, firstDay: null, lastDay: null }, { windowDays: 28, confidence: 0.95, minSample: 1000 });
    assert.match(empty.warnings[0], /^the metrics stream has no rows: auditing as of today, \d{4}-\d{2}-\d{2}$/);
    assert.equal(empty.warnings.length, 1);
  });
});

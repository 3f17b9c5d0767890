import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findDefects } from '@recdata/core/gen';
import { DEFAULT_SKETCH_OPTIONS, parseChecks, scan, type ScanReport } from '../src/index.ts';
import { eventStream, type EventRow } from './build.ts';

const NOW = Date.UTC(2026, 10, 8);
const DAY = 86_400_000;

const CHECKS = `
checks:
  - { id: future, kind: future_ts, skew: 1d }
  - { id: ooo, kind: out_of_order }
  - { id: dups, kind: duplicates }
  - { id: bots, kind: burst, max_events: 4, window: 10s }
  - { id: durations, kind: impossible_values }
`;

async function run(rows: EventRow[], checks = CHECKS, batchRows = 37): Promise<{ report: ScanReport; flagged: Map<string, number[]> }> {
  const flagged = new Map<string, number[]>();
  const report = await scan(eventStream(rows, batchRows), {
    checks: parseChecks(checks, 'checks.yaml'),
    nowMs: NOW,
    partition: 'none',
    maxPartitions: 10,
    sketch: DEFAULT_SKETCH_OPTIONS,
    memoryLimit: 1 << 30,
    worstLimit: 5,
    reference: null,
    serving: null,
    flagged: { add: (row, check) => (flagged.get(check) ?? flagged.set(check, []).get(check)!).push(row) },
    inputNames: ['test'],
  });
  return { report, flagged };
}

const value = (r: ScanReport, id: string) => r.checks.find((c) => c.id === id)!.value;

describe('temporal checks', () => {
  it('find out-of-order, future and duplicate rows exactly as gen defines them (property test against findDefects)', async () => {
    const arb = fc.array(
      fc.record({ user: fc.integer({ min: 1, max: 6 }), item: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null, freq: 10 }), dt: fc.integer({ min: -5000, max: 20000 }), dup: fc.boolean(), future: fc.integer({ min: 0, max: 30 }) }),
      { maxLength: 250 },
    );
    await fc.assert(
      fc.asyncProperty(arb, async (steps) => {
        const rows: EventRow[] = [];
        const clock = new Map<number, number>();
        let k = 0;
        for (const s of steps) {
          const t = (clock.get(s.user) ?? NOW - DAY) + s.dt;
          clock.set(s.user, Math.max(t, clock.get(s.user) ?? -Infinity));
          const ts = s.future === 0 ? NOW + 2 * DAY + k : t;
          // A unique action per row, so the only equal keys are the copies made here.
          const row = { user: s.user, item: s.item, ts, action: `a${k++}` };
          rows.push(row);
          if (s.dup) rows.push({ ...row });
        }
        const { report, flagged } = await run(rows);
        const expected = findDefects({ user: rows.map((r) => r.user), item: rows.map((r) => r.item), ts: rows.map((r) => r.ts), action: rows.map((r) => r.action!) }, NOW + DAY);
        assert.deepEqual(flagged.get('ooo') ?? [], expected.outOfOrder);
        assert.deepEqual(flagged.get('future') ?? [], expected.futureTs);
        assert.deepEqual(flagged.get('dups') ?? [], expected.duplicates);
        assert.equal(value(report, 'ooo'), expected.outOfOrder.length);
        assert.equal(value(report, 'dups'), expected.duplicates.length);
      }),
      { numRuns: 60 },
    );
  });

  it('ties are not out of order; duplicates need the same key at the same ts of the same user', async () => {
    const rows: EventRow[] = [
      { user: 1, item: 1, ts: NOW - 1000, action: 'play' },
      { user: 1, item: 2, ts: NOW - 1000, action: 'play' }, // tie, other key
      { user: 1, item: 1, ts: NOW - 1000, action: 'play' }, // duplicate of row 0 (same run of ts)
      { user: 2, item: 1, ts: NOW - 1000, action: 'play' }, // other user
      { user: 1, item: 1, ts: NOW - 2000, action: 'play' }, // out of order
      { user: 1, item: null, ts: NOW - 500, action: 'play' },
      { user: 1, item: null, ts: NOW - 500, action: 'play' }, // null equals null in keys
    ];
    const { flagged } = await run(rows);
    assert.deepEqual(flagged.get('ooo'), [4]);
    assert.deepEqual(flagged.get('dups'), [2, 6]);
  });

  const bruteBursts = (rows: EventRow[], maxEvents: number, windowMs: number) => {
    const per = new Map<number, number[]>();
    for (const r of rows) if (r.ts <= NOW + DAY) (per.get(r.user) ?? per.set(r.user, []).get(r.user)!).push(r.ts);
    const out: number[] = [];
    for (const [u, ts] of per) {
      const s = [...ts].sort((a, b) => a - b);
      for (let i = 0; i + maxEvents < s.length; i++)
        if (s[i + maxEvents] - s[i] <= windowMs) {
          out.push(u);
          break;
        }
    }
    return out.sort((a, b) => a - b);
  };

  it('find every burst user of time-ordered input, and no other (property test against sorted windows)', async () => {
    const arb = fc.array(fc.record({ user: fc.integer({ min: 1, max: 8 }), gap: fc.oneof(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 60000 })) }), { maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(arb, async (steps) => {
        let t = NOW - DAY;
        const rows = steps.map((s, k) => ({ user: s.user, item: k, ts: (t += s.gap), action: 'x' }));
        const { report } = await run(rows);
        const bots = report.checks.find((c) => c.id === 'bots')!;
        assert.deepEqual(bots.detail.bot_users, bruteBursts(rows, 4, 10_000));
      }),
      { numRuns: 80 },
    );
  });

  it('find bursts in input grouped by user whose times are shuffled (one run per user)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: 120_000 }), { maxLength: 30 }), { maxLength: 8 }), async (users) => {
        const rows: EventRow[] = [];
        users.forEach((offsets, u) => offsets.forEach((o, k) => rows.push({ user: u + 1, item: k, ts: NOW - DAY + o, action: `a${k}` })));
        const { report } = await run(rows);
        assert.deepEqual(report.checks.find((c) => c.id === 'bots')!.detail.bot_users, bruteBursts(rows, 4, 10_000));
      }),
      { numRuns: 80 },
    );
  });

  it('impossible values: negative durations and durations longer than the gap to the next row', async () => {
    const rows: EventRow[] = [
      { user: 1, item: 1, ts: NOW - 60_000, duration: 5_000 },
      { user: 1, item: 2, ts: NOW - 58_000, duration: 1_000 }, // row 0's 5 s > 2 s gap
      { user: 2, item: 1, ts: NOW - 50_000, duration: 0 },
      { user: 1, item: 3, ts: NOW - 40_000, duration: 1_000 },
    ];
    const { report, flagged } = await run(rows);
    assert.deepEqual(flagged.get('durations'), [0]);
    const c = report.checks.find((x) => x.id === 'durations')!;
    assert.equal(c.value, 1);
    assert.equal(c.detail.longer_than_gap_to_next, 1);
  });

  it('give the same findings whatever the batch size', async () => {
    const rows: EventRow[] = [];
    let t = NOW - DAY;
    for (let i = 0; i < 3000; i++) rows.push({ user: 1 + (i % 7), item: i % 11, ts: (t += (i * 7919) % 3000) - ((i * 31) % 97 === 0 ? 9000 : 0), action: 'x' });
    const a = await run(rows, CHECKS, 1);
    const b = await run(rows, CHECKS, 997);
    assert.deepEqual(
      a.report.checks.map((c) => [c.id, c.value]),
      b.report.checks.map((c) => [c.id, c.value]),
    );
    assert.deepEqual([...a.flagged.entries()], [...b.flagged.entries()]);
  });
});

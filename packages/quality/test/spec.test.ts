import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecdataError } from '@recdata/core';
import { formatDuration, parseChecks, parseDuration, parseInstant } from '../src/index.ts';

const fails = (text: string, message: RegExp, line: number) =>
  assert.throws(
    () => parseChecks(text, 'c.yaml'),
    (e: RecdataError) => e.exitCode === 2 && message.test(e.message) && e.where?.file === 'c.yaml' && e.where?.line === line,
  );

describe('checks file', () => {
  it('reads roles, now, checks with their lines, and skew settings', () => {
    const f = parseChecks(
      `version: 1
events: { user: uid, ts: time, ts_unit: s }
now: 2026-11-08T12:00:00Z
checks:
  - id: a
    kind: range
    column: price
    min: 0
    max_rate: 0.01
  - { id: b, kind: burst, max_events: 9, window: 1m30s, severity: warn }
  - { id: c, kind: drift, column: price, method: ks, threshold: 0.01 }
skew: { features: [price], tolerance: 0.001, severity: warn }
`,
      'c.yaml',
    );
    assert.equal(f.roles.user, 'uid');
    assert.equal(f.roles.ts, 'time');
    assert.equal(f.roles.tsUnit, 's');
    assert.equal(f.roles.item, 'item_id');
    assert.deepEqual(f.rolesGiven, { user: true, ts: true, tsUnit: true });
    assert.equal(f.nowMs, Date.UTC(2026, 10, 8, 12));
    assert.deepEqual(
      f.checks.map((c) => [c.id, c.kind, c.severity, c.line]),
      [
        ['a', 'range', 'error', 5],
        ['b', 'burst', 'warn', 10],
        ['c', 'drift', 'error', 11],
      ],
    );
    assert.equal(f.checks[0].keyLines.column, 7);
    assert.equal(f.checks[0].maxRate, 0.01);
    assert.equal(f.checks[1].windowMs, 90_000);
    assert.equal(f.checks[2].method, 'ks');
    assert.deepEqual(f.skew.features, ['price']);
    assert.equal(f.skew.tolerance, 0.001);
    assert.equal(f.skew.severity, 'warn');
  });

  it('rejects mistakes with exit 2 at the right line', () => {
    fails('checks:\n  - id: a\n    kind: not_null\n', /check "a" \(not_null\) needs "column"/, 2);
    fails('checks:\n  - id: a\n    kind: not_null\n    column: x\n    colour: red\n', /does not take "colour"; it takes column/, 5);
    fails('checks:\n  - { id: a, kind: range, column: x }\n', /needs min, max or both/, 2);
    fails('checks:\n  - { id: a, kind: range, column: x, min: 0, max_violations: 1, max_rate: 0.1 }\n', /max_violations or max_rate, not both/, 2);
    fails('checks:\n  - { id: a, kind: drift, column: x, method: hellinger }\n', /unknown drift method "hellinger"/, 2);
    fails('checks:\n  - { id: a, kind: regex, column: x, pattern: "(" }\n', /bad regular expression/, 2);
    fails('events: { user: u, colour: red }\nchecks: []\n', /unknown event role "colour"/, 1);
    fails('spam: 1\nchecks: []\n', /unknown top-level key "spam"/, 1);
    fails('checks: {}\n', /expected "checks" to be a list/, 1);
    fails('- a\n- b\n', /expected a mapping with a "checks" list/, 1);
    fails('checks:\n  - { id: m, kind: modality_alignment, columns: [a] }\n', /exactly two embedding columns, got 1/, 2);
    fails('checks:\n  - { id: m, kind: not_null, column: a, severity: fatal }\n', /expected error or warn for severity, got "fatal"/, 2);
  });
});

describe('durations and instants', () => {
  it('parse and print', () => {
    assert.equal(parseDuration('10s'), 10_000);
    assert.equal(parseDuration('1d12h'), 129_600_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1w'), 604_800_000);
    assert.equal(parseDuration('10'), null);
    assert.equal(parseDuration('soon'), null);
    assert.equal(formatDuration(129_600_000), '1d12h');
    assert.equal(parseInstant('2026-11-08'), Date.UTC(2026, 10, 8));
    assert.equal(parseInstant('2026-11-08T01:02:03'), Date.UTC(2026, 10, 8, 1, 2, 3));
    assert.equal(parseInstant('2026-11-08T01:02:03+02:00'), Date.UTC(2026, 10, 7, 23, 2, 3));
    assert.equal(parseInstant('1794096000000'), 1794096000000);
    assert.equal(parseInstant('yesterday'), null);
  });
});

describe('unique check state', () => {
  it('finds the same duplicates in memory and spilled to disk', async () => {
    const { UniqueTracker } = await import('../src/checks/unique-set.ts');
    const keys = Array.from({ length: 50_000 }, (_, i) => [(i * 7919) % 20011, 7] as const); // 29,989 repeats
    const run = (limit: number) => {
      const seen: [number, number][] = [];
      const t = new UniqueTracker(limit, 20, (row, first) => seen.push([row, first]));
      keys.forEach(([hi, lo], row) => t.add(hi, lo, row));
      t.finish();
      return { count: t.duplicates, examples: t.examples, spilled: t.spilled, seen: seen.sort((a, b) => a[0] - b[0]) };
    };
    const memory = run(1 << 30);
    const disk = run(64 * 1024);
    assert.equal(memory.spilled, false);
    assert.equal(disk.spilled, true);
    assert.ok(memory.count > 0);
    assert.equal(disk.count, memory.count);
    assert.deepEqual(disk.seen, memory.seen);
    const distinct = new Set(keys.map(([a, b]) => `${a}:${b}`)).size;
    assert.equal(memory.count, keys.length - distinct);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecdataError } from '@recdata/core';
import { GEN_EVENTS_DEFAULTS, parseGenEventsFlags } from '@recdata/core/gen';

function usageError(flags: Parameters<typeof parseGenEventsFlags>[0], message: string): void {
  assert.throws(
    () => parseGenEventsFlags(flags),
    (e: unknown) => e instanceof RecdataError && e.exitCode === 2 && e.message === message,
  );
}

describe('gen events: flags', () => {
  it('has reproducible defaults', () => {
    const o = parseGenEventsFlags({});
    assert.deepEqual(
      { ...o, anomalies: undefined },
      { events: 1_000_000, users: 10_000, items: 100_000, days: 1, startMs: Date.parse('2026-11-01T00:00:00Z'), seed: 1, batchSize: GEN_EVENTS_DEFAULTS.batchSize, anomalies: undefined },
    );
  });

  it('accepts dates, times with offsets and fractional days', () => {
    assert.equal(parseGenEventsFlags({ start: '2026-01-02' }).startMs, Date.parse('2026-01-02T00:00:00Z'));
    assert.equal(parseGenEventsFlags({ start: '2026-01-02T03:00:00+02:00' }).startMs, Date.parse('2026-01-02T01:00:00Z'));
    assert.equal(parseGenEventsFlags({ days: '0.5', events: '1000' }).days, 0.5);
  });

  it('says what it expected and what it got (exit 2)', () => {
    usageError({ events: '-1' }, 'expected an integer from 0 to 1000000000000 for --events, got "-1"');
    usageError({ events: '10k' }, 'expected an integer from 0 to 1000000000000 for --events, got "10k"');
    usageError({ users: '0' }, 'expected an integer from 1 to 10000000 for --users, got "0"');
    usageError({ items: '20000000' }, 'expected an integer from 1 to 10000000 for --items, got "20000000"');
    usageError({ seed: '4294967296' }, 'expected an integer from 0 to 4294967295 for --seed, got "4294967296"');
    usageError({ days: '0' }, 'expected a number of days from 0.0001 (about 9 s) to 3650 for --days, got "0"');
    usageError({ days: 'x' }, 'expected a number of days from 0.0001 (about 9 s) to 3650 for --days, got "x"');
    usageError({ start: 'yesterday' }, 'expected an ISO 8601 UTC date or time after 1970, e.g. 2026-11-01 or 2026-11-01T00:00:00Z for --start, got "yesterday"');
    usageError({ start: '1960-01-01' }, 'expected an ISO 8601 UTC date or time after 1970, e.g. 2026-11-01 or 2026-11-01T00:00:00Z for --start, got "1960-01-01"');
    usageError({ users: '10', events: '200000000' }, 'expected at most 108000000 with --users 10 and --days 1 (a user needs about 8 ms per event) for --events, got "200000000"');
    usageError({ anomalies: 'nope=1' }, 'expected KIND=VALUE with KIND one of duplicates, out_of_order, future_ts, null_item, bot_users for --anomalies, got "nope=1"');
  });
});

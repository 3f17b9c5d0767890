import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecdataError } from '@recdata/core';
import { parseAuditFlags, parseDay, parseGenStrategyMetricsFlags } from '../src/index.ts';

const usage = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RecdataError);
    assert.equal(e.exitCode, 2);
    return e.message;
  }
  assert.fail('expected a usage error');
};

describe('flag values', () => {
  it('strategy-audit: --window, --confidence, --as-of', () => {
    assert.deepEqual(parseAuditFlags({ window: '28d', confidence: '0.95' }), { windowDays: 28, confidence: 0.95, asOf: undefined });
    assert.deepEqual(parseAuditFlags({ window: '4w', confidence: '.9', asOf: '2026-08-01' }), { windowDays: 28, confidence: 0.9, asOf: parseDay('2026-08-01') });
    assert.equal(parseAuditFlags({ window: '10', confidence: '0.5' }).windowDays, 10);
    assert.equal(usage(() => parseAuditFlags({ window: '28x', confidence: '0.95' })), 'expected a number of days such as 28d or 4w for --window, got "28x"');
    assert.equal(usage(() => parseAuditFlags({ window: '0d', confidence: '0.95' })), 'expected a number of days such as 28d or 4w for --window, got "0d"');
    assert.equal(usage(() => parseAuditFlags({ window: '28d', confidence: '1.5' })), 'expected a level from 0.5 to below 1, e.g. 0.95 for --confidence, got "1.5"');
    assert.equal(usage(() => parseAuditFlags({ window: '28d', confidence: '95%' })), 'expected a level from 0.5 to below 1, e.g. 0.95 for --confidence, got "95%"');
    assert.equal(usage(() => parseAuditFlags({ window: '28d', confidence: '0.95', asOf: '2026-13-01' })), 'expected a date YYYY-MM-DD for --as-of, got "2026-13-01"');
  });

  it('gen strategy-metrics: counts, seed and start', () => {
    const o = parseGenStrategyMetricsFlags({});
    assert.deepEqual(o, { strategies: 10, days: 90, seed: 1, start: parseDay('2026-06-01'), units: 12000, batchSize: 65536 });
    assert.equal(usage(() => parseGenStrategyMetricsFlags({ strategies: '0' })), 'expected an integer from 1 to 10000 for --strategies, got "0"');
    assert.equal(usage(() => parseGenStrategyMetricsFlags({ seed: '-1' })), 'expected an integer from 0 to 4294967295 for --seed, got "-1"');
    assert.equal(usage(() => parseGenStrategyMetricsFlags({ start: 'June' })), 'expected a date YYYY-MM-DD for --start, got "June"');
    assert.equal(usage(() => parseGenStrategyMetricsFlags({ units: '5' })), 'expected an integer from 10 to 100000000 for --units, got "5"');
  });
});

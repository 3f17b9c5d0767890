import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RecdataError } from '@recdata/core';
import { caseVariants, loadRegistry, parseRegistry } from '../src/index.ts';
import { FIXTURES, tempDir } from './helpers.ts';

const ENTRY = `  - id: boost_fresh_videos
    name: Boost fresh videos
    owner: ranking-team
    kind: boost
    keys: [boost_fresh_videos]
    launched_at: 2026-01-10
    last_changed_at: 2026-03-01
    review_after_days: 90
    rollout: 0.5
    cost_per_day: 12.5
    primary_metric: watch_minutes
    margin: 1%
    value_per_unit: 0.01
`;

function failure(text: string): RecdataError {
  try {
    parseRegistry(text, 'strategies.yaml');
  } catch (e) {
    assert.ok(e instanceof RecdataError, String(e));
    return e;
  }
  assert.fail('expected the registry to be rejected');
}

describe('registry', () => {
  it('reads the fixture registry', () => {
    const r = loadRegistry(path.join(FIXTURES, 'registry.yaml'));
    assert.equal(r.strategies.length, 6);
    assert.deepEqual(r.flagFunctions, ['isEnabled', 'flags.get']);
    const fresh = r.strategies[0];
    assert.equal(fresh.id, 'boost_fresh_videos');
    assert.equal(fresh.rollout, 1);
    assert.equal(fresh.holdout, 0.5);
    assert.deepEqual(fresh.guardrails, [{ metric: 'ctr', margin: { value: 0.02, relative: true } }]);
    assert.deepEqual(r.strategies[1].aliases, ['watch_time_ranking']);
    assert.deepEqual(r.strategies[1].guardrails, [{ metric: 'ctr', margin: { value: 0.02, relative: true } }]);
    assert.equal(fresh.line, 4);
  });

  it('a missing required field is exit 65 with file:line of the entry', () => {
    const e = failure(`strategies:\n${ENTRY}  - id: second\n    name: Second\n`);
    assert.equal(e.exitCode, 65);
    assert.equal(e.describe(), 'registry: strategy "second" is missing the required field "owner" (strategies.yaml:15)');
  });

  it('names the line of a bad value', () => {
    const cases: [string, string, RegExp][] = [
      ['rollout: 0.5', 'rollout: 1.5', /expected a share of traffic from 0 to 1 for rollout, got 1.5 \(strategies.yaml:10\)$/],
      ['kind: boost', 'kind: boostt', /expected kind rank\|boost\|filter\|recall\|experiment, got "boostt" \(strategies.yaml:5\)$/],
      ['launched_at: 2026-01-10', 'launched_at: 2026-02-30', /expected a date YYYY-MM-DD for launched_at, got "2026-02-30" \(strategies.yaml:7\)$/],
      ['margin: 1%', 'margin: -1', /expected a positive number or percentage .* for margin, got -1 \(strategies.yaml:13\)$/],
      ['keys: [boost_fresh_videos]', 'keys: []', /keys must name at least one config key or flag \(strategies.yaml:6\)$/],
      ['review_after_days: 90', 'review_after_days: 9.5', /expected a whole number of days for review_after_days, got 9.5 \(strategies.yaml:9\)$/],
      ['cost_per_day: 12.5', 'cost_per_day: 12.5\n    rolout: 0.5', /unknown field "rolout" in strategy entry 1 .* \(strategies.yaml:12\)$/],
    ];
    for (const [from, to, pattern] of cases) {
      const e = failure(`strategies:\n${ENTRY.replace(from, to)}`);
      assert.equal(e.exitCode, 65);
      assert.match(e.describe(), pattern);
    }
  });

  it('rejects duplicate ids, shared keys, bad YAML and a bad code: section', () => {
    assert.match(failure(`strategies:\n${ENTRY}${ENTRY}`).describe(), /duplicate strategy id "boost_fresh_videos" \(first at line 2\) \(strategies.yaml:15\)/);
    assert.match(failure(`strategies:\n${ENTRY}${ENTRY.replace('id: boost_fresh_videos', 'id: other')}`).describe(), /key or alias "boost_fresh_videos" also belongs to strategy "boost_fresh_videos"/);
    assert.match(failure('strategies: [\n').describe(), /registry: not valid YAML: .* \(strategies.yaml:\d+\)/);
    assert.match(failure(`strategies:\n${ENTRY}code:\n  flag_functions: [is-enabled]\n`).describe(), /expected a function name such as isEnabled or flags.get in code.flag_functions, got "is-enabled" \(strategies.yaml:16\)/);
    assert.match(failure('strategy:\n  - id: x\n').describe(), /unknown top-level key "strategy"/);
    assert.match(failure(`strategies:\n${ENTRY.replace('margin: 1%', 'margin: 1%\n    guardrails: [{metric: ctr}]')}`).describe(), /guardrail "ctr" is missing "margin"/);
  });

  it('a registry file that cannot be read is exit 66', () => {
    const dir = tempDir('registry');
    assert.throws(() => loadRegistry(path.join(dir, 'none.yaml')), (e: RecdataError) => e.exitCode === 66 && /cannot open .*none.yaml: no such file/.test(e.message));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('case variants as ld-find-code-refs offers them', () => {
    assert.deepEqual(caseVariants('boost_fresh_videos'), ['boost_fresh_videos', 'boostFreshVideos', 'BoostFreshVideos', 'BOOST_FRESH_VIDEOS', 'boost-fresh-videos', 'boost.fresh.videos']);
    assert.deepEqual(caseVariants('watchTimeRanking').slice(0, 4), ['watchTimeRanking', 'WatchTimeRanking', 'watch_time_ranking', 'WATCH_TIME_RANKING']);
    assert.ok(caseVariants('HTTPCache2Enabled').includes('http_cache2_enabled'));
  });
});

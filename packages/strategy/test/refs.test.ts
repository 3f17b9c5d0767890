import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RecdataError } from '@recdata/core';
import { findReferences } from '../src/code.ts';
import { findSpellings, loadRegistry, spellingsOf, type Reference } from '../src/index.ts';
import { copyTree, FIXTURES, tempDir } from './helpers.ts';

const registry = loadRegistry(path.join(FIXTURES, 'registry.yaml'));
const search = (dir: string) => findReferences(dir, registry.strategies, registry.flagFunctions);
const at = (refs: Reference[], where: string) => refs.filter((r) => `${r.path}:${r.line}` === where).map((r) => `${r.strategyId} ${r.kind} ${r.spelling}`);

describe('code and config references', () => {
  const ts = search(path.join(FIXTURES, 'ts')).references;
  const js = search(path.join(FIXTURES, 'js')).references;

  it('tells flag reads from comments, unrelated strings and identifiers (TypeScript compiler API)', () => {
    assert.deepEqual(at(ts, 'src/feed.ts:12'), ['boost_fresh_videos flag_call boost_fresh_videos']);
    assert.deepEqual(at(ts, 'src/feed.ts:23'), ['rank_by_watch_time flag_call rank_by_watch_time']);
    assert.deepEqual(at(ts, 'src/feed.ts:6'), ['boost_fresh_videos string boost_fresh_videos']);
    assert.deepEqual(at(ts, 'src/feed.ts:26'), ['rank_by_watch_time identifier rankByWatchTime']);
    assert.deepEqual(at(ts, 'src/boosts.ts:4'), ['rank_by_watch_time comment rank_by_watch_time']);
    // `load` is not a flag function: its argument is a mention.
    assert.deepEqual(at(ts, 'src/boosts.ts:18'), ['boost_followed_creators string boost_followed_creators']);
    // Aliases and their case variants: watch_time_ranking is read as watchTimeRanking.
    assert.deepEqual(at(js, 'src/notify.js:6'), ['rank_by_watch_time flag_call watchTimeRanking']);
    // `await flags.get(...)` is a flag read too.
    assert.deepEqual(at(js, 'src/notify.js:23'), ['rank_by_watch_time flag_call rank_by_watch_time']);
  });

  it('YAML and JSON through their parsers: keys, list items, comments', () => {
    assert.deepEqual(at(ts, 'config/strategies.yaml:3'), ['boost_fresh_videos config_key boost_fresh_videos']);
    assert.deepEqual(at(ts, 'config/strategies.yaml:10'), ['rank_by_watch_time config_value rank_by_watch_time']);
    assert.deepEqual(at(ts, 'config/strategies.yaml:12'), ['filter_low_quality comment filter_low_quality']);
    assert.deepEqual(at(ts, 'config/strategies.yaml:13'), ['filter_low_quality config_key filter_low_quality']);
    assert.deepEqual(at(ts, 'config/flags.json:4'), ['rank_by_watch_time config_key rank_by_watch_time']);
    assert.deepEqual(at(ts, 'config/flags.json:7'), ['filter_low_quality config_value filter_low_quality', 'boost_followed_creators config_value boost_followed_creators']);
    assert.deepEqual(at(ts, 'README.md:3'), ['boost_fresh_videos text boost_fresh_videos', 'rank_by_watch_time text rank-by-watch-time', 'filter_low_quality text filter_low_quality']);
  });

  it('reports path:line:column with 2 lines of context either side', () => {
    const r = ts.find((x) => x.path === 'src/feed.ts' && x.line === 12)!;
    assert.equal(r.column, 18);
    assert.deepEqual(r.context, {
      startLine: 10,
      lines: ['  let s = item.score;', '  // Fresh videos get a boost while the strategy runs.', "  if (isEnabled('boost_fresh_videos')) {", '    // Newer is better, up to a day.', '    s *= 1 + FRESH_BOOST * freshness(item.ageHours);'],
    });
    const first = ts.find((x) => x.path === 'config/flags.json' && x.line === 3)!;
    assert.equal(first.context.startLine, 1);
    assert.equal(first.context.lines.length, 5);
  });

  it('respects .gitignore (nested, with negations), skips .git, binaries and links; never reads outside the folder', () => {
    const dir = tempDir('refs-tree');
    copyTree(path.join(FIXTURES, 'ts'), dir);
    const outside = tempDir('refs-outside');
    fs.writeFileSync(path.join(outside, 'secret.ts'), "isEnabled('boost_fresh_videos');\n");
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'dist', 'feed.js'), "isEnabled('boost_fresh_videos');\n");
    fs.writeFileSync(path.join(dir, 'debug.log'), 'boost_fresh_videos\n');
    fs.mkdirSync(path.join(dir, 'vendor', 'keep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'vendor', '.gitignore'), '*\n!keep/\n!keep/**\n');
    fs.writeFileSync(path.join(dir, 'vendor', 'a.ts'), "isEnabled('boost_fresh_videos');\n");
    fs.writeFileSync(path.join(dir, 'vendor', 'keep', 'b.ts'), "isEnabled('boost_fresh_videos');\n");
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'boost_fresh_videos\n');
    fs.writeFileSync(path.join(dir, 'image.bin'), Buffer.concat([Buffer.from('boost_fresh_videos'), Buffer.alloc(4)]));
    fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(dir, 'src', 'linked.ts'));
    fs.symlinkSync(outside, path.join(dir, 'outside'));
    const s = search(dir);
    const paths = new Set(s.references.map((r) => r.path));
    for (const p of ['dist/feed.js', 'debug.log', 'vendor/a.ts', '.git/HEAD', 'image.bin', 'src/linked.ts', 'outside/secret.ts']) assert.ok(!paths.has(p), p);
    assert.ok(paths.has('vendor/keep/b.ts'));
    assert.deepEqual(
      s.tree.skipped.filter((x) => /link/.test(x.why)).map((x) => x.path),
      ['outside', 'src/linked.ts'],
    );
    assert.ok(!s.tree.files.includes('image.bin') || s.references.every((r) => r.path !== 'image.bin'));
  });

  it('a --refs folder that does not exist (or is a file) is exit 66', () => {
    assert.throws(() => search(path.join(FIXTURES, 'no-such-dir')), (e: RecdataError) => e.exitCode === 66 && /no such folder/.test(e.message));
    assert.throws(() => search(path.join(FIXTURES, 'registry.yaml')), (e: RecdataError) => e.exitCode === 66 && /not a folder/.test(e.message));
  });

  it('matches whole words only, longest spelling first', () => {
    const sp = spellingsOf([
      { id: 'a', keys: ['fresh'], aliases: [] },
      { id: 'b', keys: ['fresh_boost'], aliases: [] },
    ]);
    const hits = (t: string) => findSpellings(t, sp).map((h) => `${h.spelling.strategyId}:${t.slice(h.start, h.end)}`);
    assert.deepEqual(hits('fresh fresh_boost freshBoost fresh_boost_v2 refresh x-fresh-boost-y --fresh-boost FRESH_BOOST cfg.fresh'), [
      'a:fresh',
      'b:fresh_boost',
      'b:freshBoost',
      'b:fresh-boost',
      'b:FRESH_BOOST',
      'a:fresh',
    ]);
  });
});

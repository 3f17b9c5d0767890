import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { errorLine, readTable, ROOT, runCli, runShell, scratchDir } from './helpers/cli.ts';

const dir = scratchDir('strategy-audit');
const FIX = path.join(ROOT, 'fixtures', 'strategy');
const REGISTRY = path.join(FIX, 'registry.yaml');
const hasGit = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
const gitEnv = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_SYSTEM: '/dev/null' };

/** Metrics whose decisions for the fixture registry are: graduate, retire, retire, retire, review, keep. */
const metrics = path.join(dir, 'fixture-metrics.arrow');
const genRegistry = path.join(dir, 'gen.yaml');
const truthFile = path.join(dir, 'truth.json');

function listTree(root: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(root, rel), { withFileTypes: true })
    .flatMap((e) => (e.name === '.git' ? [] : e.isDirectory() ? listTree(root, path.join(rel, e.name)) : e.isFile() ? [path.join(rel, e.name)] : []))
    .sort();
}

describe('recdata gen strategy-metrics', () => {
  it('writes the metrics, the truth and a matching registry; the same flags give the same bytes', async () => {
    const r = await runCli(['gen', 'strategy-metrics', '--strategies', '6', '--seed', '3', '--truth', truthFile, '--registry', genRegistry, '-o', metrics]);
    assert.equal(r.code, 0, r.stderr);
    const again = await runCli(['gen', 'strategy-metrics', '--strategies', '6', '--seed', '3']);
    assert.ok(again.stdout.equals(fs.readFileSync(metrics)));
    const t = readTable(again.stdout);
    assert.equal(t.numRows, 6 * 90 * 4);
    assert.equal(t.schema.metadata.get('recdata.command'), 'gen strategy-metrics');
    const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8'));
    assert.deepEqual(
      truth.strategies.map((s: { class: string }) => s.class),
      ['positive', 'null', 'negative', 'decaying', 'broken_srm', 'positive'],
    );
    assert.match(fs.readFileSync(genRegistry, 'utf8'), /^# Registry for .*\nstrategies:\n {2}- id: boost_fresh_videos\n/);
  });

  it('a bad flag value is exit 2 with one line', async () => {
    const r = await runCli(['gen', 'strategy-metrics', '--days', '0']);
    assert.equal(r.code, 2);
    assert.equal(errorLine(r), 'recdata gen strategy-metrics: expected an integer from 1 to 3650 for --days, got "0"');
  });
});

describe('recdata strategy-audit (the built CLI)', () => {
  it('prints the decisions table; the generated truth is what it decides', async () => {
    const r = await runCli(['strategy-audit', '--registry', genRegistry, '--metrics', metrics]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.toString();
    const decisions = Object.fromEntries([...out.matchAll(/^(\w+)\s+(keep|graduate|review|retire)\s/gm)].map((m) => [m[1], m[2]]));
    const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8')).strategies as { id: string; ideal_decision: string }[];
    for (const s of truth) assert.equal(decisions[s.id], s.ideal_decision, s.id);
    assert.match(out, /as of 2026-08-29; window 2026-08-02 to 2026-08-29 \(28 days\); 95% intervals/);
    assert.match(out, /exp_longer_previews: review\n {2}- data invalid: sample-ratio mismatch/);
  });

  it('reads the metrics from a pipe and writes JSON with intervals, ROI, staleness and decay', async () => {
    const r = await runShell(`recdata gen strategy-metrics --strategies 6 --seed 3 | recdata strategy-audit --registry "${REGISTRY}" --json`);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout.toString());
    assert.equal(doc.as_of, '2026-08-29');
    assert.deepEqual(
      doc.strategies.map((s: { id: string; decision: string }) => `${s.id} ${s.decision}`),
      ['boost_fresh_videos graduate', 'rank_by_watch_time retire', 'filter_low_quality retire', 'recall_similar_users retire', 'exp_longer_previews review', 'boost_followed_creators keep'],
    );
    const s = doc.strategies[0];
    for (const key of ['id', 'decision', 'reasons', 'lift', 'ci', 'roi', 'roi_ci', 'stale', 'refs']) assert.ok(key in s, key);
    assert.ok(s.ci[0] > 0 && s.ci[0] < s.lift && s.lift < s.ci[1]);
    assert.ok(s.roi_ci[0] < s.roi && s.roi < s.roi_ci[1]);
    assert.equal(s.refs, null);
    assert.equal(doc.strategies[3].decay.decaying, true);
    assert.equal(doc.strategies[4].srm.mismatch, true);
  });

  it('--format arrow writes one row per strategy, with provenance', async () => {
    const out = path.join(dir, 'decisions.arrow');
    const r = await runCli(['strategy-audit', '--registry', REGISTRY, '--metrics', metrics, '--format', 'arrow', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(fs.readFileSync(out));
    assert.equal(t.numRows, 6);
    assert.deepEqual(t.getChild('decision')!.toArray(), ['graduate', 'retire', 'retire', 'retire', 'review', 'keep']);
    assert.equal(t.schema.metadata.get('recdata.command'), 'strategy-audit');
    assert.equal(t.getChild('uses')!.get(0), null);
  });

  it('--refs lists uses and mentions with context; --patch writes a diff that git apply accepts and that gives the expected files', { skip: hasGit ? false : 'git is not installed' }, async () => {
    const repo = path.join(dir, 'ts-repo');
    fs.rmSync(repo, { recursive: true, force: true });
    fs.cpSync(path.join(FIX, 'ts'), repo, { recursive: true });
    for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x']]) assert.equal(spawnSync('git', args, { cwd: repo, env: { ...process.env, ...gitEnv } }).status, 0);
    const patch = path.join(dir, 'retire.diff');
    const r = await runCli(['strategy-audit', '--registry', REGISTRY, '--metrics', metrics, '--refs', repo, '--patch', patch, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout.toString());
    const refs = doc.strategies[1].refs as { path: string; line: number; kind: string; use: boolean; context: { lines: string[] } }[];
    assert.ok(refs.some((x) => x.path === 'src/feed.ts' && x.line === 23 && x.kind === 'flag_call' && x.use && x.context.lines.length === 5));
    assert.ok(refs.some((x) => x.path === 'src/boosts.ts' && x.kind === 'comment' && !x.use));
    assert.deepEqual(doc.patch.files, ['config/flags.json', 'config/strategies.yaml', 'src/boosts.ts', 'src/feed.ts', 'src/filter.ts']);
    const check = spawnSync('git', ['apply', '--check', patch], { cwd: repo, encoding: 'utf8', env: { ...process.env, ...gitEnv } });
    assert.equal(check.status, 0, check.stderr);
    assert.equal(spawnSync('git', ['apply', patch], { cwd: repo }).status, 0);
    for (const f of listTree(path.join(FIX, 'expected', 'ts'))) assert.equal(fs.readFileSync(path.join(repo, f), 'utf8'), fs.readFileSync(path.join(FIX, 'expected', 'ts', f), 'utf8'), f);
  });

  it('--write patches in place, never through a link to outside the folder', async () => {
    const work = path.join(dir, 'js-write');
    const outside = path.join(dir, 'outside.js');
    fs.rmSync(work, { recursive: true, force: true });
    fs.cpSync(path.join(FIX, 'js'), work, { recursive: true });
    const outsideText = "import { isEnabled } from './flags.js';\nexport const x = isEnabled('rank_by_watch_time');\n";
    fs.writeFileSync(outside, outsideText);
    fs.symlinkSync(outside, path.join(work, 'src', 'linked.js'));
    const r = await runCli(['strategy-audit', '--registry', REGISTRY, '--metrics', metrics, '--refs', work, '--write', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /skipped src\/linked.js: symbolic link \(not followed\)/);
    assert.match(r.stderr, /patched 4 files in place/);
    for (const f of listTree(path.join(FIX, 'expected', 'js'))) assert.equal(fs.readFileSync(path.join(work, f), 'utf8'), fs.readFileSync(path.join(FIX, 'expected', 'js', f), 'utf8'), f);
    assert.equal(fs.readFileSync(outside, 'utf8'), outsideText);
    assert.ok(fs.lstatSync(path.join(work, 'src', 'linked.js')).isSymbolicLink());
  });

  it('--gate exits 1 with one line when a strategy is to be retired or a review is past due', async () => {
    const r = await runCli(['strategy-audit', '--registry', REGISTRY, '--metrics', metrics, '--gate', '-o', path.join(dir, 'gate.txt')]);
    assert.equal(r.code, 1);
    assert.equal(
      errorLine(r),
      'recdata strategy-audit: gate failed: 3 to retire: rank_by_watch_time, filter_low_quality, recall_similar_users; 1 review past due: exp_longer_previews (due 2026-07-31)',
    );
    assert.match(fs.readFileSync(path.join(dir, 'gate.txt'), 'utf8'), /^strategy\s+decision/);
    // One truly positive strategy, before its review date: the gate passes. The registry is
    // written by the generator on the same pipe (it is complete before the stream starts).
    const one = path.join(dir, 'one.yaml');
    fs.rmSync(one, { force: true });
    const onlyPositive = await runShell(`recdata gen strategy-metrics --strategies 1 --registry "${one}" | recdata strategy-audit --registry "${one}" --gate --as-of 2026-07-20 > /dev/null`);
    assert.equal(onlyPositive.code, 0, onlyPositive.stderr);
  });

  it('--history records every run; "strategy-audit history" shows the trend (also as the standalone binary)', async () => {
    const db = path.join(dir, 'audit.db');
    fs.rmSync(db, { force: true });
    for (const asOf of ['2026-08-01', '2026-08-29']) {
      const r = await runCli(['strategy-audit', '--registry', REGISTRY, '--metrics', metrics, '--history', db, '--as-of', asOf, '-o', path.join(dir, 'h.txt')]);
      assert.equal(r.code, 0, r.stderr);
    }
    const h = await runCli(['strategy-audit', 'history', '--history', db, '--strategy', 'rank_by_watch_time']);
    assert.equal(h.code, 0, h.stderr);
    const lines = h.stdout.toString().split('\n');
    assert.match(lines[0], /^run\s+as of\s+strategy\s+decision/);
    assert.match(lines[1], /^1\s+2026-08-01\s+rank_by_watch_time\s+retire/);
    assert.match(lines[2], /^2\s+2026-08-29\s+rank_by_watch_time\s+retire/);
    assert.match(h.stdout.toString(), /rank_by_watch_time: retire in the last 2 runs \(since 2026-08-01\); lift .* \(as of 2026-08-01\) -> /);
    const j = await runCli(['history', '--history', db, '--limit', '1', '--json'], { bin: 'strategy-audit' });
    assert.equal(j.code, 0, j.stderr);
    const runs = JSON.parse(j.stdout.toString()).runs;
    assert.equal(runs.length, 6);
    assert.ok(runs.every((x: { run_id: number; as_of: string }) => x.run_id === 2 && x.as_of === '2026-08-29'));
  });

  it('the standalone binary runs the main command too', async () => {
    const r = await runCli(['--registry', REGISTRY, '--metrics', metrics, '--json'], { bin: 'strategy-audit' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.toString()).strategies.length, 6);
  });
});

describe('recdata strategy-audit: bad input', () => {
  it('a registry entry missing a required field is exit 65 with file:line', async () => {
    const bad = path.join(dir, 'bad-registry.yaml');
    fs.writeFileSync(bad, fs.readFileSync(REGISTRY, 'utf8').replace('    owner: recall-team\n', ''));
    const r = await runCli(['strategy-audit', '--registry', bad, '--metrics', metrics]);
    assert.equal(r.code, 65);
    assert.equal(errorLine(r), `recdata strategy-audit: registry: strategy "recall_similar_users" is missing the required field "owner" (${bad}:50)`);
  });

  it('metrics for a strategy that is not in the registry are a warning, not dropped silently', async () => {
    const small = path.join(dir, 'small.yaml');
    const text = fs.readFileSync(genRegistry, 'utf8');
    fs.writeFileSync(small, text.slice(0, text.indexOf('  - id: rank_by_watch_time')) + 'code:\n  flag_functions: [isEnabled]\n');
    const r = await runCli(['strategy-audit', '--registry', small, '--metrics', metrics]);
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stderr.trim().split('\n');
    assert.equal(warnings.length, 5);
    assert.equal(warnings[0], 'recdata strategy-audit: warning: metrics for strategy "boost_followed_creators", which is not in the registry (360 rows not audited)');
  });

  it('a metrics stream with the wrong columns or types is exit 65 naming them', async () => {
    const wrong = path.join(dir, 'wrong.arrow');
    fs.writeFileSync(wrong, tableToIPC(tableFromArrays({ strategy_id: ['a'], date: ['2026-01-01'], arm: ['treatment'], metric: ['m'], n: Float64Array.from([1]), sum: Float64Array.from([1]) }), 'stream'));
    const r = await runCli(['strategy-audit', '--registry', REGISTRY, '--metrics', wrong]);
    assert.equal(r.code, 65);
    assert.match(errorLine(r), /^recdata strategy-audit: metrics stream: column "date" has type dict, expected date32; column "n" has type float64, expected int64; missing column "sum_sq" \(float64\); the stream has: /);
  });

  it('a --refs folder that does not exist is exit 66; --patch without --refs is exit 2', async () => {
    const r = await runCli(['strategy-audit', '--registry', REGISTRY, '--metrics', metrics, '--refs', path.join(dir, 'nope')]);
    assert.equal(r.code, 66);
    assert.equal(errorLine(r), `recdata strategy-audit: cannot open ${path.join(dir, 'nope')}: no such folder`);
    const p = await runCli(['strategy-audit', '--registry', REGISTRY, '--metrics', metrics, '--patch', 'x.diff']);
    assert.equal(p.code, 2);
    assert.match(errorLine(p), /--refs/);
  });

  it('other bad flags and files: exit 2, 65, 66', async () => {
    // Every value flag's checks are unit tests (packages/strategy/test/options.test.ts); here, that they reach the user as usage errors.
    const cases: [string[], number, RegExp][] = [
      [['--window', '28x'], 2, /^recdata strategy-audit: expected a number of days such as 28d or 4w for --window, got "28x"$/],
      [['--json', '--format', 'arrow'], 2, /cannot also be provided when using/],
    ];
    for (const [extra, code, pattern] of cases) {
      const r = await runCli(['strategy-audit', '--registry', REGISTRY, '--metrics', metrics, ...extra]);
      assert.equal(r.code, code, extra.join(' '));
      assert.match(errorLine(r), pattern);
    }
    const missing = await runCli(['strategy-audit', '--registry', path.join(dir, 'none.yaml'), '--metrics', metrics]);
    assert.equal(missing.code, 66);
    const notArrow = await runCli(['strategy-audit', '--registry', REGISTRY], { input: 'hello, world\n' });
    assert.equal(notArrow.code, 65);
    const empty = await runCli(['strategy-audit', '--registry', REGISTRY]);
    assert.equal(empty.code, 65);
    assert.equal(errorLine(empty), 'recdata strategy-audit: no Arrow stream on stdin');
  });

  it('history: a missing file is 66, an unknown strategy is 2 (a file that is not a history: packages/strategy/test/history.test.ts)', async () => {
    const r = await runCli(['strategy-audit', 'history', '--history', path.join(dir, 'none.db')]);
    assert.equal(r.code, 66);
    assert.match(errorLine(r), /^recdata strategy-audit history: cannot open .*none.db: no strategy-audit history here$/);
    const u = await runCli(['strategy-audit', 'history', '--history', path.join(dir, 'audit.db'), '--strategy', 'nope']);
    assert.equal(u.code, 2);
    assert.equal(errorLine(u), 'recdata strategy-audit history: expected a strategy recorded in the history for --strategy, got "nope"');
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { datasetPath, readTable, runCli, runShell, scratchDir } from './helpers/cli.ts';

/**
 * The default checks on real data: MovieLens ml-latest-small ratings and tags
 * (../shared/datasets; skipped when absent), imported with `recdata import`.
 * The pinned figures were checked by hand with an independent Python reading of
 * the CSV files (the same script runs below when python3 is there):
 * - ratings: 100,836 rows, 610 users; rows sorted by user then movie, so 96,922
 *   rows are earlier than the user's latest earlier rating (out of order); no
 *   duplicate (user, movie, ts); 4 users (99, 191, 429, 534) rated at least 50
 *   movies within 10 s (found in the user-grouped runs); mean rating 3.50156,
 *   ratings 0.5 to 5 in 10 distinct values; time spans 1996-2018 (23 yearly
 *   partitions after day → month → year coarsening).
 * - tags: 3,683 rows; 3,459 out of order; with the tag as part of the key no
 *   duplicates; without it, 260 rows repeat an earlier (user, movie, ts) and 257 of
 *   them directly follow a row of the same user at the same ts (the guarantee of
 *   the bounded-state duplicate check; the other 3 come after the user moved on).
 */
const ratingsCsv = datasetPath('movielens-latest-small', 'ratings.csv');
const tagsCsv = datasetPath('movielens-latest-small', 'tags.csv');
const skip = ratingsCsv && tagsCsv ? false : 'the MovieLens dataset is not in ../shared/datasets/movielens-latest-small';
const dir = scratchDir('quality-movielens');
const ROLES = ['--user-column', 'userId', '--item-column', 'movieId', '--ts-column', 'timestamp', '--ts-unit', 's', '--now', '2026-11-29T00:00:00Z'];

describe('quality-scan default checks on MovieLens (real data)', { skip }, () => {
  before(async () => {
    const r = await runShell(`recdata import --format csv "${ratingsCsv}" -o ratings.arrow && recdata import --format csv "${tagsCsv}" -o tags.arrow`, { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  });

  const scanJson = async (file: string, extra: string[] = []) => {
    const r = await runCli(['quality-scan', ...ROLES, ...extra, '--json', path.join(dir, file)]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout.toString());
    return { report, value: (id: string) => report.checks.find((c: { id: string }) => c.id === id) };
  };

  it('ratings: what the default checks report, pinned', async () => {
    const { report, value } = await scanJson('ratings.arrow');
    assert.deepEqual(
      report.checks.map((c: { id: string; value: unknown; status: string }) => [c.id, c.value, c.status]),
      [
        ['rows', 100836, 'pass'],
        ['userId-not-null', 0, 'pass'],
        ['timestamp-not-null', 0, 'pass'],
        ['movieId-not-null', 0, 'pass'],
        ['future-ts', 0, 'pass'],
        ['duplicates', 0, 'pass'],
        ['out-of-order', 96922, 'warn'],
        ['bursts', 4, 'warn'],
      ],
    );
    assert.deepEqual(value('bursts').detail.bot_users, [99, 191, 429, 534]);
    assert.equal(value('out-of-order').detail.users, 610);
    assert.equal(report.input.partition, 'year');
    assert.equal(report.input.partitions.length, 23);
    const rating = await runCli(['quality-scan', 'profile', '--columns', 'rating', path.join(dir, 'ratings.arrow')]);
    assert.equal(rating.code, 0, rating.stderr);
    const profile = readTable(rating.stdout).get(0)!.toJSON();
    assert.equal(profile.count, 100836n);
    assert.equal(profile.min, 0.5);
    assert.equal(profile.max, 5);
    assert.equal(profile.distinct, 10);
    assert.ok(Math.abs((profile.mean as number) - 3.501556983616962) < 1e-12);
    assert.ok(Math.abs((profile.std as number) - 1.042529239060635) < 1e-12);
  });

  it('tags: with the tag in the duplicate key, and without it', async () => {
    const withTag = await scanJson('tags.arrow', ['--action-column', 'tag']);
    assert.deepEqual(
      withTag.report.checks.map((c: { id: string; value: unknown }) => [c.id, c.value]),
      [
        ['rows', 3683],
        ['userId-not-null', 0],
        ['timestamp-not-null', 0],
        ['movieId-not-null', 0],
        ['future-ts', 0],
        ['duplicates', 0],
        ['out-of-order', 3459],
        ['bursts', 0],
      ],
    );
    const withoutTag = await scanJson('tags.arrow');
    assert.equal(withoutTag.value('duplicates').value, 257);
  });

  it('the pinned figures agree with an independent reading of the CSV files', { skip: spawnSync('python3', ['-c', '0']).status === 0 ? false : 'python3 is missing' }, () => {
    const script = `
import csv, json, collections, sys
def load(p): return list(csv.DictReader(open(p)))
out = {}
for name, path in (('ratings', sys.argv[1]), ('tags', sys.argv[2])):
    rows = load(path)
    latest, ooo = {}, 0
    for r in rows:
        u, t = r['userId'], int(r['timestamp'])
        if u in latest and t < latest[u]: ooo += 1
        latest[u] = max(t, latest.get(u, t))
    per = collections.defaultdict(list)
    for r in rows: per[int(r['userId'])].append(int(r['timestamp']))
    bursts = sorted(u for u, ts in per.items() if any(b - a <= 10 for a, b in zip(sorted(ts), sorted(ts)[50 - 1:])))
    seen, dups, adjacent, run = set(), 0, 0, {}
    for r in rows:
        k = (r['userId'], r['movieId'], r['timestamp'])
        if k in seen: dups += 1
        seen.add(k)
        u, t = r['userId'], r['timestamp']
        keys = run.get(u)
        if keys and keys[0] == t:
            if k in keys[1]: adjacent += 1
            keys[1].add(k)
        else: run[u] = (t, {k})
    out[name] = {'rows': len(rows), 'ooo': ooo, 'bursts': bursts, 'dups': dups, 'adjacent': adjacent, 'users': len(per)}
print(json.dumps(out))
`;
    const r = spawnSync('python3', ['-c', script, ratingsCsv!, tagsCsv!], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      ratings: { rows: 100836, ooo: 96922, bursts: [99, 191, 429, 534], dups: 0, adjacent: 0, users: 610 },
      tags: { rows: 3683, ooo: 3459, bursts: [], dups: 260, adjacent: 257, users: 58 },
    });
  });
});

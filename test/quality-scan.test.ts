import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Field, FixedSizeList, Float32, Float64, Int64, Utf8 } from 'apache-arrow';
import { column, utf8Column, writeBatchStream } from '@recdata/core';
import { embeddings, float64, table } from '../packages/quality/test/build.ts';
import { python, rng, normal, SKIP_SCIPY } from '../packages/quality/test/scipy.ts';
import { errorLine, readTable, runCli, runShell, scratchDir } from './helpers/cli.ts';

const dir = scratchDir('quality-scan');
const END = '2026-11-08T00:00:00Z'; // the end of a 7-day gen range from 2026-11-01
const ANOMALIES = 'duplicates=0.001,out_of_order=0.001,future_ts=0.0005,bot_users=3,null_item=0.0002';
const COUNTED = `# the kinds gen events --anomalies injects, each as gen defines it
version: 1
events: { user: user_id, item: item_id, ts: ts, action: action }
checks:
  - id: future
    kind: future_ts
    skew: 1d
  - id: ooo
    kind: out_of_order
  - id: dups
    kind: duplicates
  - id: bots
    kind: burst
    max_events: 49
    window: 10s
  - id: null-items
    kind: not_null
    column: item_id
`;
const f = (name: string) => path.join(dir, name);
const qs = (args: string[], options = {}) => runCli(args, { bin: 'quality-scan', ...options });
const json = (r: { stdout: Buffer }) => JSON.parse(r.stdout.toString());

function flaggedRows(file: string): Map<string, number[]> {
  const t = readTable(fs.readFileSync(file));
  const out = new Map<string, number[]>();
  for (let i = 0; i < t.numRows; i++) {
    const row = t.get(i)!;
    const check = row.check as string;
    (out.get(check) ?? out.set(check, []).get(check)!).push(Number(row.row));
  }
  for (const v of out.values()) v.sort((a, b) => a - b);
  return out;
}

async function writeTable(file: string, fields: Field[], cols: Parameters<typeof table>[1]): Promise<string> {
  const s = table(fields, cols);
  await writeBatchStream(s, { file });
  return file;
}

before(async () => {
  fs.writeFileSync(f('counted.yaml'), COUNTED);
  const gens = [
    ['gen', 'events', '--events', '100000', '--days', '7', '--seed', '11', '--anomalies', ANOMALIES, '--truth', f('truth.json'), '-o', f('dirty.arrow')],
    ['gen', 'events', '--events', '100000', '--days', '7', '--seed', '11', '-o', f('clean.arrow')],
    ['gen', 'events', '--events', '50000', '--days', '7', '--seed', '12', '-o', f('clean2.arrow')],
  ];
  const results = await Promise.all(gens.map((g) => runCli(g)));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
});

describe('quality-scan on generated events (the built CLI)', () => {
  it('finds every injected defect of each counted kind, and only those (recall and precision 100%)', async () => {
    const r = await qs(['--checks', f('counted.yaml'), '--now', END, '--json', '--flagged', f('flagged.arrow'), f('dirty.arrow')]);
    assert.equal(r.code, 0, r.stderr);
    const truth = JSON.parse(fs.readFileSync(f('truth.json'), 'utf8'));
    const report = json(r);
    const flagged = flaggedRows(f('flagged.arrow'));
    const rowsOf = (list: { row: number }[]) => list.map((e) => e.row).sort((a, b) => a - b);
    assert.deepEqual(flagged.get('dups'), rowsOf(truth.duplicates.events));
    assert.deepEqual(flagged.get('ooo'), rowsOf(truth.out_of_order.events));
    assert.deepEqual(flagged.get('future'), rowsOf(truth.future_ts.events));
    assert.deepEqual(flagged.get('null-items'), truth.null_item.rows);
    const bots = report.checks.find((c: { id: string }) => c.id === 'bots');
    assert.deepEqual(bots.detail.bot_users, truth.bot_users.user_ids);
    for (const kind of ['duplicates', 'out_of_order', 'future_ts', 'null_item', 'bot_users']) assert.ok(truth[kind].count > 0, kind);
    assert.deepEqual(
      report.checks.map((c: { id: string; value: number; status: string }) => [c.id, c.value, c.status]),
      [
        ['future', truth.future_ts.count, 'fail'],
        ['ooo', truth.out_of_order.count, 'fail'],
        ['dups', truth.duplicates.count, 'fail'],
        ['bots', truth.bot_users.count, 'fail'],
        ['null-items', truth.null_item.count, 'fail'],
      ],
    );
  });

  it('raises nothing on clean generated data (two seeds), and the gate passes', async () => {
    for (const file of ['clean.arrow', 'clean2.arrow']) {
      const r = await qs(['--checks', f('counted.yaml'), '--now', END, '--gate', '--json', '--flagged', f(`flagged-${file}`), f(file)]);
      assert.equal(r.code, 0, r.stderr);
      const report = json(r);
      assert.deepEqual(report.summary, { checks: 5, passed: 5, failed: 0, warned: 0 });
      assert.equal(readTable(fs.readFileSync(f(`flagged-${file}`))).numRows, 0);
    }
    // The default checks (no --checks) raise nothing on clean data either.
    const d = await qs(['--now', END, '--gate', f('clean.arrow')]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout.toString(), /^quality-scan: PASSED: \d+ checks, \d+ passed, 0 failed, 0 warned \(100,000 rows, 8 days\)\n/);
  });

  it('writes the issue\'s JSON shape, JUnit XML, an Arrow table and a text summary with failing checks first', async () => {
    const [j, x, a, t] = await Promise.all([
      qs(['--checks', f('counted.yaml'), '--now', END, '--format', 'json', f('dirty.arrow')]),
      qs(['--checks', f('counted.yaml'), '--now', END, '--format', 'junit', '-o', f('quality.xml'), f('dirty.arrow')]),
      qs(['--checks', f('counted.yaml'), '--now', END, '--format', 'arrow', f('dirty.arrow')]),
      qs(['--now', END, f('dirty.arrow')]),
    ]);
    for (const r of [j, x, a, t]) assert.equal(r.code, 0, r.stderr);
    const report = json(j);
    assert.deepEqual(Object.keys(report), ['summary', 'checks', 'input']);
    assert.deepEqual(Object.keys(report.summary), ['checks', 'passed', 'failed', 'warned']);
    for (const c of report.checks) assert.deepEqual(Object.keys(c), ['id', 'kind', 'column', 'metric', 'value', 'threshold', 'status', 'detail']);
    const xml = fs.readFileSync(f('quality.xml'), 'utf8');
    assert.equal(x.stdout.length, 0);
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="quality-scan" tests="5" failures="5" errors="0" skipped="0">/);
    assert.equal((xml.match(/<testcase /g) ?? []).length, 5);
    assert.equal((xml.match(/<failure /g) ?? []).length, 5);
    assert.match(xml, /<testcase classname="quality-scan.duplicates" name="dups">\n {6}<failure type="duplicates" message="ts: rows = \d+ \(threshold 0\); e.g. row \d+">/);
    // Well-formed XML, as a CI system reads it (Python's standard library parser).
    const parsed = spawnSync('python3', ['-c', 'import sys, xml.etree.ElementTree as E\nr = E.parse(sys.argv[1]).getroot()\nprint(len(r.findall(".//testcase")), len(r.findall(".//failure")))', f('quality.xml')], { encoding: 'utf8' });
    if (parsed.status === 0) assert.equal(parsed.stdout.trim(), '5 5');
    const arrow = readTable(a.stdout);
    assert.equal(arrow.numRows, 5);
    assert.deepEqual(
      arrow.schema.fields.map((x) => x.name),
      ['id', 'kind', 'column', 'metric', 'value', 'value_text', 'threshold', 'status', 'severity', 'detail'],
    );
    assert.equal(arrow.get(2)!.id, 'dups');
    assert.equal(arrow.schema.metadata.get('recdata.command'), 'quality-scan');
    const lines = t.stdout.toString().split('\n');
    assert.match(lines[0], /^quality-scan: FAILED: 8 checks, \d passed, 2 failed, 3 warned/);
    assert.deepEqual(
      lines.slice(1, 6).map((l) => l.split(/\s+/)[0]),
      ['FAIL', 'FAIL', 'WARN', 'WARN', 'WARN'],
    );
  });

  it('exits 1 only with --gate when a check of severity error fails; warnings never fail the gate', async () => {
    fs.writeFileSync(f('warn.yaml'), 'checks:\n  - { id: ooo, kind: out_of_order, severity: warn }\n');
    const [gated, plain, warnOnly] = await Promise.all([
      qs(['--checks', f('counted.yaml'), '--now', END, '--gate', '-o', f('gated.txt'), f('dirty.arrow')]),
      qs(['--checks', f('counted.yaml'), '--now', END, f('dirty.arrow')]),
      qs(['--checks', f('warn.yaml'), '--now', END, '--gate', f('dirty.arrow')]),
    ]);
    assert.equal(gated.code, 1);
    assert.equal(errorLine(gated), 'recdata quality-scan: gate failed: 5 checks of severity error failed: future, ooo, dups, bots, null-items');
    assert.ok(fs.readFileSync(f('gated.txt'), 'utf8').startsWith('quality-scan: FAILED'), 'the report is written before the gate fails');
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(warnOnly.code, 0, warnOnly.stderr);
    assert.match(warnOnly.stdout.toString(), /^quality-scan: PASSED WITH WARNINGS/);
  });
});

describe('quality-scan worker threads in the built CLI', () => {
  // Regression: inside the CLI's bundle the profiler's worker module was looked up
  // next to a bundle chunk, where it does not exist. stdin input always takes the
  // worker threads when more than one thread is allowed.
  it('profile from stdin with --threads 2 gives the bytes --threads 1 gives', async () => {
    const dir = scratchDir('quality-threads');
    const r = await runShell(
      'recdata gen events --events 50000 --seed 3 > e.arrow && recdata quality-scan profile --threads 2 < e.arrow > two.arrow && recdata quality-scan profile --threads 1 < e.arrow > one.arrow',
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.readFileSync(path.join(dir, 'two.arrow')).equals(fs.readFileSync(path.join(dir, 'one.arrow'))));
  });
});

describe('quality-scan bad input', () => {
  it('a check naming a missing column: exit 2 with the checks file\'s line', async () => {
    fs.writeFileSync(f('missing.yaml'), 'checks:\n  - id: ok\n    kind: row_count\n    min: 1\n  - id: price-range\n    kind: range\n    column: price\n    min: 0\n');
    const r = await qs(['--checks', f('missing.yaml'), f('clean2.arrow')]);
    assert.equal(r.code, 2);
    assert.equal(errorLine(r), `recdata quality-scan: check "price-range" names column "price", which the input lacks; the input has: user_id, item_id, ts, action, duration_ms, device, region (${f('missing.yaml')}:7)`);
    assert.equal(r.stdout.length, 0);
  });

  it('bad checks files: exit 2 with file:line (YAML syntax, unknown kind, a wrong setting, drift without a reference)', async () => {
    const cases: [string, RegExp][] = [
      ['checks:\n  - id: a\n    kind: not_null\n    column: [unclosed\n', /not valid YAML: .* \(.*bad0\.yaml:\d+\)$/],
      ['checks:\n  - id: a\n    kind: not_null\n    column: ts\n  - id: b\n    kind: nonsense\n', /unknown check kind "nonsense" in check "b"; expected one of not_null, .* \(.*bad1\.yaml:6\)$/],
      ['checks:\n  - id: r\n    kind: null_rate_max\n    column: item_id\n    max: 2\n', /expected a number from 0 to 1 for max in check "r", got 2 \(.*bad2\.yaml:5\)$/],
      ['checks:\n  - id: d\n    kind: drift\n    column: duration_ms\n', /check "d": drift checks need a reference: add --reference FILE .* \(.*bad3\.yaml:3\)$/],
      ['checks:\n  - id: a\n    kind: burst\n    window: soon\n', /expected a duration like 10s, 5m, 2h or 1d for window in check "a", got "soon" \(.*bad4\.yaml:4\)$/],
      ['checks:\n  - { id: a, kind: not_null, column: ts }\n  - { id: a, kind: not_null, column: ts }\n', /check id "a" is used twice \(first at line 2\) \(.*bad5\.yaml:3\)$/],
      ['checks:\n  - { id: re, kind: regex, column: user_id, pattern: "^1" }\n', /check "re": regex needs a string column; "user_id" is uint64 \(.*bad6\.yaml:2\)$/],
    ];
    await Promise.all(
      cases.map(async ([text, expected], i) => {
        fs.writeFileSync(f(`bad${i}.yaml`), text);
        const r = await qs(['--checks', f(`bad${i}.yaml`), f('clean2.arrow')]);
        assert.equal(r.code, 2, `case ${i}: ${r.stderr}`);
        assert.match(errorLine(r), expected);
      }),
    );
  });

  it('a reference whose column types differ: exit 65 naming the column', async () => {
    const ref = await writeTable(f('ref-types.arrow'), [new Field('duration_ms', new Utf8())], [utf8Column(['1', '2'])]);
    const r = await qs(['--reference', ref, f('clean2.arrow')]);
    assert.equal(r.code, 65);
    assert.equal(errorLine(r), `recdata quality-scan: column "duration_ms" is utf8 in the reference ${ref} but uint32 in the input (column duration_ms)`);
  });

  it('an embedding column that is not fixed_size_list<float>: exit 65', async () => {
    const data = await writeTable(f('emb-bad.arrow'), [new Field('image', new Float64()), new Field('text', new FixedSizeList(2, new Field('item', new Float32(), false)))], [float64([1, 2]), embeddings([[1, 0], [0, 1]], 2)]);
    fs.writeFileSync(f('emb.yaml'), 'checks:\n  - { id: align, kind: modality_alignment, columns: [image, text] }\n');
    const r = await qs(['--checks', f('emb.yaml'), data]);
    assert.equal(r.code, 65);
    assert.equal(errorLine(r), 'recdata quality-scan: column "image" has type float64, expected fixed_size_list<float32> or fixed_size_list<float64> (an embedding) (column image)');
  });

  it('an empty input gives a report that says so; empty stdin and a missing checks file are errors', async () => {
    const empty = await runShell(`recdata gen events --events 0 | recdata quality-scan --now ${END} --json`);
    assert.equal(empty.code, 0, empty.stderr);
    const report = json(empty);
    assert.equal(report.input.empty, true);
    assert.equal(report.input.rows, 0);
    assert.equal(report.checks.find((c: { id: string }) => c.id === 'rows').status, 'fail');
    const text = await runShell(`recdata gen events --events 0 | recdata quality-scan --now ${END}`);
    assert.match(text.stdout.toString(), /\nthe input is empty: no rows to check/);
    const html = await runShell(`recdata gen events --events 0 | recdata quality-scan --now ${END} --format html`);
    assert.match(html.stdout.toString(), /id="empty-input">The input is empty/);
    const noStdin = await qs([], { input: Buffer.alloc(0) });
    assert.equal(noStdin.code, 65);
    assert.equal(errorLine(noStdin), 'recdata quality-scan: no Arrow stream on stdin');
    const noChecks = await qs(['--checks', f('nope.yaml'), f('clean2.arrow')]);
    assert.equal(noChecks.code, 66);
    assert.match(errorLine(noChecks), /cannot open .*nope\.yaml: no such file/);
  });
});

describe('quality-scan profile and merge', () => {
  it('merge of profiles equals the profile of the whole (exact fields, HyperLogLog registers), and types must agree', async () => {
    const r = await runShell(
      [
        `recdata quality-scan profile "${f('clean.arrow')}" -o "${f('a.profile.arrow')}"`,
        `recdata quality-scan profile "${f('clean2.arrow')}" -o "${f('b.profile.arrow')}"`,
        `recdata cat "${f('clean.arrow')}" "${f('clean2.arrow')}" | recdata quality-scan profile -o "${f('ab.profile.arrow')}"`,
        `recdata quality-scan merge "${f('a.profile.arrow')}" "${f('b.profile.arrow')}" -o "${f('merged.profile.arrow')}"`,
      ].join(' && '),
    );
    assert.equal(r.code, 0, r.stderr);
    const whole = readTable(fs.readFileSync(f('ab.profile.arrow')));
    const merged = readTable(fs.readFileSync(f('merged.profile.arrow')));
    assert.equal(merged.numRows, 7);
    for (let i = 0; i < 7; i++) {
      const a = whole.get(i)!.toJSON();
      const b = merged.get(i)!.toJSON();
      for (const k of ['column', 'type', 'count', 'nulls', 'nan', 'valid', 'min', 'max']) assert.deepEqual(b[k], a[k], `${a.column}.${k}`);
      if (a.mean !== null) assert.ok(Math.abs((b.mean as number) - (a.mean as number)) <= 1e-12 * Math.abs(a.mean as number), `${a.column}.mean`);
      assert.deepEqual(b.hll, a.hll, `${a.column}: merged HyperLogLog equals the union's`);
    }
    assert.equal(merged.schema.metadata.get('recdata.quality.rows'), '150000');
    const other = await writeTable(f('other.arrow'), [new Field('user_id', new Utf8())], [utf8Column(['x'])]);
    const bad = await runShell(`recdata quality-scan profile "${other}" -o "${f('other.profile.arrow')}" && recdata quality-scan merge "${f('a.profile.arrow')}" "${f('other.profile.arrow')}"`);
    assert.equal(bad.code, 65);
    assert.equal(errorLine(bad), `recdata quality-scan merge: column "user_id" is utf8 in ${f('other.profile.arrow')} but uint64 in ${f('a.profile.arrow')} (${f('other.profile.arrow')}, column user_id)`);
    const notProfile = await runCli(['quality-scan', 'merge', f('clean2.arrow')]);
    assert.equal(notProfile.code, 65);
    assert.match(errorLine(notProfile), /is not a quality-scan profile/);
  });

  it('profiles per day and serves as a drift reference; the HTML report has the heatmaps', async () => {
    const r = await runShell(
      [
        `recdata quality-scan profile --partition day "${f('clean.arrow')}" -o "${f('days.profile.arrow')}"`,
        `recdata quality-scan --now ${END} --reference "${f('days.profile.arrow')}" --format html "${f('dirty.arrow')}" -o "${f('report.html')}"`,
      ].join(' && '),
    );
    assert.equal(r.code, 0, r.stderr);
    const days = readTable(fs.readFileSync(f('days.profile.arrow')));
    assert.equal(days.schema.metadata.get('recdata.quality.partition'), 'day');
    assert.equal(new Set(days.getChild('partition')!.toArray()).size, 8);
    const html = fs.readFileSync(f('report.html'), 'utf8');
    assert.match(html, /<svg id="heatmap-drift"/);
    assert.match(html, /<svg id="heatmap-null-rate"/);
    assert.doesNotMatch(html, /(src|href)="https?:/);
  });
});

describe('quality-scan drift (against SciPy)', { skip: SKIP_SCIPY }, () => {
  it('every metric on data small enough for exact sketches matches SciPy, and psi on large data matches with the reported bins', async () => {
    const r = rng(7);
    const n1 = 180;
    const n2 = 150;
    const refX = Array.from({ length: n1 }, () => Math.round(normal(r) * 1000) / 100);
    const curX = Array.from({ length: n2 }, () => Math.round((normal(r) * 1.2 + 0.3) * 1000) / 100);
    const cats = ['a', 'b', 'c', 'd', 'e'];
    const refC = Array.from({ length: n1 }, () => cats[Math.floor(r() ** 1.5 * 5)]);
    const curC = Array.from({ length: n2 }, () => cats[Math.floor(r() * 4)]);
    const big = 20000;
    const refB = Array.from({ length: big }, () => normal(r));
    const curB = Array.from({ length: big }, () => normal(r) * 1.1 + 0.05);
    const write = async (file: string, x: number[], c: string[], b: number[]) => {
      await writeTable(file, [new Field('x', new Float64()), new Field('c', new Utf8())], [column.float64(Float64Array.from(x)), utf8Column(c)]);
      await writeTable(file.replace('.arrow', '.big.arrow'), [new Field('b', new Float64())], [column.float64(Float64Array.from(b))]);
    };
    await write(f('ref.arrow'), refX, refC, refB);
    await write(f('cur.arrow'), curX, curC, curB);
    const methods = ['psi', 'js_distance', 'js_divergence', 'linf', 'kl', 'ks', 'wasserstein_norm', 'chi2'];
    const results = await Promise.all(
      methods.map((m) => runCli(['quality-scan', 'drift', '--reference', f('ref.arrow'), '--current', f('cur.arrow'), '--columns', m === 'ks' || m === 'wasserstein_norm' ? 'x' : 'x,c', '--method', m, '--json', '--now', END])),
    );
    const bigPsi = await runCli(['quality-scan', 'drift', '--reference', f('ref.big.arrow'), '--current', f('cur.big.arrow'), '--method', 'psi', '--bins', '12', '--json']);
    const auto = await runCli(['quality-scan', 'drift', '--reference', f('ref.arrow'), '--current', f('cur.arrow'), '--method', 'auto', '--json']);
    for (const x of [...results, bigPsi, auto]) assert.equal(x.code, 0, x.stderr);
    const got: Record<string, Record<string, number>> = {};
    results.forEach((x, i) => {
      got[methods[i]] = Object.fromEntries(json(x).checks.map((c: { column: string; value: number }) => [c.column, c.value]));
    });
    const edgesOf = (x: { stdout: Buffer }, col: string) => json(x).checks.find((c: { column: string }) => c.column === col).detail.edges;
    const expected = python<Record<string, Record<string, number>>>(
      `
def fill(p):
    m = p[p > 0].min()
    return np.where(p == 0, m / 1e6 if m <= 1e-4 else 1e-4, p)
def binned(ref, cur, edges):
    r = np.bincount(np.searchsorted(edges, ref, side='left'), minlength=len(edges) + 1).astype(float)
    c = np.bincount(np.searchsorted(edges, cur, side='left'), minlength=len(edges) + 1).astype(float)
    return r, c
def cats(ref, cur):
    keys = sorted(set(ref) | set(cur))
    return np.array([ref.count(k) for k in keys], float), np.array([cur.count(k) for k in keys], float)
def metrics(r, c):
    p, q = r / r.sum(), c / c.sum()
    keep = (r > 0) | (c > 0)
    return {'psi': float(np.sum((fill(q) - fill(p)) * np.log(fill(q) / fill(p)))),
            'js_distance': float(spatial.distance.jensenshannon(p, q)),
            'js_divergence': float(spatial.distance.jensenshannon(p, q, base=2) ** 2),
            'linf': float(np.abs(p - q).max()),
            'kl': float(stats.entropy(fill(q), fill(p))),
            'chi2': float(stats.chisquare(c[keep], r[keep] * c.sum() / r.sum()).pvalue)}
d = data
rx, cx = binned(d['refX'], d['curX'], np.array(d['edgesX']))
rc, cc = cats(d['refC'], d['curC'])
rb, cb = binned(d['refB'], d['curB'], np.array(d['edgesB']))
mx, mc = metrics(rx, cx), metrics(rc, cc)
out = {m: {'x': mx[m], 'c': mc[m]} for m in mx}
out['ks'] = {'x': float(stats.ks_2samp(d['refX'], d['curX'], method='asymp').pvalue)}
out['wasserstein_norm'] = {'x': float(stats.wasserstein_distance(d['refX'], d['curX']) / max(np.std(d['refX']), 0.001))}
out['big_psi'] = {'b': metrics(rb, cb)['psi']}
print(json.dumps(out))
`,
      { refX, curX, refC, curC, refB, curB, edgesX: edgesOf(results[0], 'x'), edgesB: edgesOf(bigPsi, 'b') },
    );
    for (const m of methods) for (const [col, v] of Object.entries(expected[m])) assert.ok(Math.abs(got[m][col] - v) <= 1e-9 * Math.abs(v) + 1e-12, `${m} ${col}: ${got[m][col]} vs SciPy ${v}`);
    const bigCheck = json(bigPsi).checks[0];
    assert.ok(Math.abs(bigCheck.value - expected.big_psi.b) <= 1e-9 * expected.big_psi.b, `psi on 20000 rows: ${bigCheck.value} vs ${expected.big_psi.b}`);
    assert.equal(bigCheck.detail.reference_bins_exact, true);
    assert.equal(bigCheck.detail.edges.length, 11);
    // auto: a reference of <= 1000 values: ks for the numeric column, chi2 for the categorical one.
    assert.deepEqual(
      json(auto).checks.map((c: { column: string; metric: string }) => [c.column, c.metric]),
      [
        ['x', 'ks'],
        ['c', 'chi2'],
      ],
    );
  });
});

describe('training-serving skew and modality alignment', () => {
  it('reports per-feature mismatch rates (exact for integers and strings, a tolerance for floats) and rows on one side only', async () => {
    const fields = [new Field('request_id', new Int64()), new Field('clicks', new Int64()), new Field('score', new Float64()), new Field('country', new Utf8())];
    const train = await writeTable(f('train.arrow'), fields, [
      column.int64(BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n])),
      column.int64(BigInt64Array.from([10n, 20n, 30n, 40n, 50n, 60n])),
      float64([0.5, 0.25, 1.0, 2.0, null, 3.0]),
      utf8Column(['fr', 'de', 'us', 'us', 'jp', 'br']),
    ]);
    const serve = await writeTable(f('serve.arrow'), fields, [
      column.int64(BigInt64Array.from([2n, 3n, 4n, 5n, 6n, 7n, 8n])),
      column.int64(BigInt64Array.from([20n, 31n, 40n, 50n, 60n, 70n, 80n])),
      float64([0.25 + 1e-9, 1.0, 2.5, null, 3.0, 1, 1]),
      utf8Column(['de', 'us', 'us', 'JP', 'br', 'x', 'y']),
    ]);
    const r = await qs(['--serving', serve, '--join-key', 'request_id', '--json', '--now', END, train]);
    assert.equal(r.code, 0, r.stderr);
    const skew = json(r).checks.filter((c: { kind: string }) => c.kind === 'skew');
    const by = (id: string) => skew.find((c: { id: string }) => c.id === id);
    assert.deepEqual([by('skew:rows').value, by('skew:rows').detail.matched, by('skew:rows').detail.only_in_training, by('skew:rows').detail.only_in_serving], [3 / 8, 5, 1, 2]);
    assert.deepEqual([by('skew:clicks').value, by('skew:clicks').detail.mismatches], [1 / 5, 1]);
    assert.deepEqual([by('skew:score').value, by('skew:score').detail.mismatches], [1 / 5, 1]); // 2.0 vs 2.5; 0.25 vs 0.25+1e-9 is within tolerance; null = null
    assert.deepEqual([by('skew:country').value, by('skew:country').detail.mismatches], [1 / 5, 1]);
    assert.deepEqual(by('skew:country').detail.examples, [{ key: 5, training: 'jp', serving: 'JP' }]);
    const mismatch = await writeTable(f('serve-bad.arrow'), [new Field('request_id', new Int64()), new Field('clicks', new Utf8())], [column.int64(BigInt64Array.from([1n])), utf8Column(['1'])]);
    const bad = await qs(['--serving', mismatch, '--join-key', 'request_id', train]);
    assert.equal(bad.code, 65);
    assert.equal(errorLine(bad), 'recdata quality-scan: column "clicks" is int64 in the input but utf8 in the serving file (column clicks)');
    const noKey = await qs(['--serving', serve, train]);
    assert.equal(noKey.code, 2);
    assert.match(errorLine(noKey), /--join-key/);
  });

  it('modality alignment: mean cosine, share below min_cosine, zero vectors, worst rows by key; dimension mismatch fails', async () => {
    const s = Math.SQRT1_2;
    const data = await writeTable(
      f('emb.arrow'),
      [new Field('item_id', new Int64()), new Field('image', new FixedSizeList(2, new Field('item', new Float32(), false))), new Field('text', new FixedSizeList(2, new Field('item', new Float32(), false)))],
      [column.int64(BigInt64Array.from([1n, 2n, 3n, 4n, 5n])), embeddings([[1, 0], [1, 0], [0, 1], [0, 0], null], 2), embeddings([[2, 0], [s, s], [1, 0], [1, 1], [1, 0]], 2)],
    );
    fs.writeFileSync(f('align.yaml'), 'checks:\n  - { id: align, kind: modality_alignment, columns: [image, text], key: item_id, min_cosine: 0.5, max_share_below: 0.2 }\n');
    const r = await qs(['--checks', f('align.yaml'), '--json', data]);
    assert.equal(r.code, 0, r.stderr);
    const c = json(r).checks[0];
    assert.equal(c.value, 1 / 3);
    assert.equal(c.status, 'fail');
    assert.equal(c.detail.compared, 3);
    assert.equal(c.detail.zero_vectors, 1);
    assert.equal(c.detail.null_rows, 1);
    assert.ok(Math.abs(c.detail.mean_cosine - (1 + Math.SQRT1_2 + 0) / 3) < 1e-6);
    assert.deepEqual(c.detail.worst.map((w: { key: number }) => w.key), [4, 3, 2, 1]);
    const dims = await writeTable(f('emb-dims.arrow'), [new Field('image', new FixedSizeList(2, new Field('item', new Float32(), false))), new Field('text', new FixedSizeList(3, new Field('item', new Float32(), false)))], [embeddings([[1, 0]], 2), embeddings([[1, 0, 0]], 3)]);
    fs.writeFileSync(f('align2.yaml'), 'checks:\n  - { id: align, kind: modality_alignment, columns: [image, text] }\n');
    const d = await qs(['--checks', f('align2.yaml'), '--json', dims]);
    assert.equal(json(d).checks[0].status, 'fail');
    assert.equal(json(d).checks[0].detail.dimension_mismatch, 'the embeddings have different dimensions: image 2, text 3');
  });
});


describe('quality-scan --help', () => {
  /** The examples of a command's --help, continuation lines joined. */
  const examples = (help: string) =>
    help
      .slice(help.indexOf('EXAMPLES'))
      .split('\n')
      .reduce<string[]>((acc, line, i, all) => {
        const t = line.trim();
        if (t.startsWith('$ ')) acc.push(t.slice(2));
        else if (acc.length && all[i - 1]?.trim().endsWith('\\')) acc[acc.length - 1] = acc[acc.length - 1].replace(/\\$/, '') + t;
        return acc;
      }, []);

  it('resolves the command and its subcommands (a command and a topic of one name), each with examples that work', async () => {
    const ex = scratchDir('quality-scan-examples');
    const setup = await runShell(
      [
        'recdata gen events --events 20000 --days 7 -o week.arrow',
        'recdata gen events --events 5000 --days 1 --start 2026-11-08 --seed 3 --anomalies default -o today.arrow',
        'recdata quality-scan profile week.arrow -o ref.profile.arrow',
        'recdata gen events --events 3000 --days 1 -o mon.arrow && recdata quality-scan profile mon.arrow -o mon.profile.arrow',
        'recdata gen events --events 3000 --days 1 --start 2026-11-02 -o tue.arrow && recdata quality-scan profile tue.arrow -o tue.profile.arrow',
        'cp mon.profile.arrow day-1.profile.arrow && cp tue.profile.arrow day-2.profile.arrow',
        'printf "userId,movieId,rating,timestamp\\n1,1,4.0,964982703\\n1,3,4.0,964981247\\n2,6,4.5,964982224\\n" > ratings.csv',
      ].join(' && '),
      { cwd: ex },
    );
    assert.equal(setup.code, 0, setup.stderr);
    fs.writeFileSync(path.join(ex, 'checks.yaml'), COUNTED);
    await writeTable(path.join(ex, 'ref.arrow'), [new Field('price', new Float64()), new Field('category', new Utf8())], [float64([1, 2, 3, 4, 5, 6]), utf8Column(['a', 'b', 'a', 'c', 'b', 'a'])]);
    await writeTable(path.join(ex, 'cur.arrow'), [new Field('price', new Float64()), new Field('category', new Utf8())], [float64([2, 3, 4, 5, 6, 9]), utf8Column(['a', 'b', 'b', 'c', 'b', 'a'])]);
    for (const name of ['training', 'serving']) {
      await writeTable(path.join(ex, `${name}.arrow`), [new Field('request_id', new Int64()), new Field('score', new Float64())], [column.int64(BigInt64Array.from([1n, 2n, 3n])), float64([0.5, name === 'training' ? 0.25 : 0.3, 1])]);
    }
    const top = await qs(['--help']);
    assert.match(top.stdout.toString(), /COMMANDS\n {2}quality-scan drift .*\n[\s\S]* {2}quality-scan merge .*\n {2}quality-scan profile /);
    for (const cmd of [[], ['profile'], ['merge'], ['drift']]) {
      const help = await runCli(['quality-scan', ...cmd, '--help']);
      assert.equal(help.code, 0, help.stderr);
      const list = examples(help.stdout.toString());
      assert.ok(list.length >= 2, `quality-scan ${cmd.join(' ')} has ${list.length} examples`);
      for (const example of list) {
        const r = await runShell(example, { cwd: ex });
        const gated = example.includes('--gate');
        assert.ok(r.code === 0 || (gated && r.code === 1), `${example}: exit ${r.code}\n${r.stderr}`);
      }
    }
  });
});

// gpu-featurize end to end: the built CLI (and its standalone binary) through real
// files and pipes, every bad-input path with its exit code and one-line message,
// and categorify on MovieLens (movieId, tags) against a direct count.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { FixedSizeList, type Table } from 'apache-arrow';
import { datasetPath, errorLine, readTable, ROOT, runCli, runShell, scratchDir } from './helpers/cli.ts';

const SPEC = path.join(ROOT, 'fixtures', 'featurize', 'events.yaml');
const dir = scratchDir('gpu-featurize');
const train = path.join(dir, 'train.arrow');
const fitted = path.join(dir, 'fitted.json');

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

/** MovieLens, next to the checkout or (for a worktree) in /work/shared; null when absent. */
function movielens(name: string): string | null {
  const env = process.env.RECDATA_DATASETS;
  for (const p of [datasetPath('movielens-latest-small', name), env ? path.join(env, 'movielens-latest-small', name) : null, path.join('/work/shared/datasets/movielens-latest-small', name)]) {
    if (p && fs.existsSync(p)) return p;
  }
  return null;
}

describe('gpu-featurize', () => {
  before(async () => {
    const g = await runCli(['gen', 'events', '--events', '20000', '--anomalies', 'null_item=0.01', '-o', train]);
    assert.equal(g.code, 0, g.stderr);
    const f = await runCli(['fit', '--spec', SPEC, train, '-o', fitted], { bin: 'gpu-featurize' });
    assert.equal(f.code, 0, f.stderr);
  });

  it('fit writes a versioned fitted file with fingerprints; sidecars for large vocabularies', () => {
    const doc = JSON.parse(fs.readFileSync(fitted, 'utf8'));
    assert.equal(doc.format, 'recdata-featurize-fitted');
    assert.equal(doc.rows, 20000);
    assert.deepEqual(
      doc.schema.map((c: { name: string }) => c.name),
      ['duration_ms', 'item_id', 'action', 'device', 'region', 'user_id', 'ts'],
    );
    const items = doc.features.find((f: { name: string }) => f.name === 'item_code');
    assert.ok(items.fitted.sidecar && fs.existsSync(path.join(dir, items.fitted.sidecar)));
  });

  it('transform: one column per feature, the same bytes on every backend, from a pipe or a file', async () => {
    const outs: Buffer[] = [];
    for (const backend of ['js', 'native']) {
      const r = await runCli(['gpu-featurize', 'transform', '--spec', fitted, '--backend', backend, '--keep', 'user_id'], { input: { file: train } });
      assert.equal(r.code, 0, r.stderr);
      outs.push(r.stdout);
    }
    assert.ok(outs[0].equals(outs[1]), 'js and native differ');
    const t = readTable(outs[1]);
    assert.equal(t.numRows, 20000);
    assert.deepEqual(
      t.schema.fields.map((f) => f.name),
      ['user_id', 'duration_z', 'duration_log', 'duration_capped', 'duration_bucket', 'duration_decile', 'item_code', 'action_code', 'device_code', 'region_bucket', 'user_x_item', 'item_watch_time', 'since_last_event'],
    );
    const meta = JSON.parse(t.schema.metadata.get('recdata.featurize')!);
    assert.equal(meta.layout, 'columns');
    assert.equal(meta.spec_fingerprint, JSON.parse(fs.readFileSync(fitted, 'utf8')).spec_fingerprint);
    const fromFile = await runCli(['gpu-featurize', 'transform', '--spec', fitted, '--keep', 'user_id', '--backend', 'native', train, '-o', path.join(dir, 'out.arrow')]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.ok(fs.readFileSync(path.join(dir, 'out.arrow')).equals(outs[1]));
  });

  it('--layout tensor: dense float32 and categorical int64 tensors, one buffer each, the feature order in the metadata', async () => {
    const r = await runCli(['gpu-featurize', 'transform', '--spec', fitted, '--layout', 'tensor', train]);
    assert.equal(r.code, 0, r.stderr);
    const t: Table = readTable(r.stdout);
    assert.deepEqual(
      t.schema.fields.map((f) => f.name),
      ['dense', 'categorical'],
    );
    const dense = t.schema.fields[0].type as FixedSizeList;
    const cat = t.schema.fields[1].type as FixedSizeList;
    assert.equal(dense.listSize, 5);
    assert.equal(cat.listSize, 7);
    assert.equal(String(dense.valueType), 'Float32');
    assert.equal(String(cat.valueType), 'Int64');
    const meta = JSON.parse(t.schema.metadata.get('recdata.featurize')!);
    const offsets = meta.features.map((f: { name: string; column: string; offset: number }) => `${f.column}[${f.offset}]=${f.name}`);
    assert.deepEqual(offsets, [
      'dense[0]=duration_z',
      'dense[1]=duration_log',
      'dense[2]=duration_capped',
      'categorical[0]=duration_bucket',
      'categorical[1]=duration_decile',
      'categorical[2]=item_code',
      'categorical[3]=action_code',
      'categorical[4]=device_code',
      'categorical[5]=region_bucket',
      'categorical[6]=user_x_item',
      'dense[3]=item_watch_time',
      'dense[4]=since_last_event',
    ]);
    // The columns layout's values, row by row, are the tensors' (nulls as NaN and -1).
    const cols = readTable((await runCli(['gpu-featurize', 'transform', '--spec', fitted, train])).stdout);
    for (const row of [0, 1, 777, 19999]) {
      const d = [...t.getChild('dense')!.get(row)!];
      const c = [...t.getChild('categorical')!.get(row)!].map(Number);
      for (const f of meta.features as { name: string; column: string; offset: number }[]) {
        const v = cols.getChild(f.name)!.get(row);
        if (f.column === 'dense') assert.ok(Object.is(d[f.offset], v === null ? NaN : v), `${f.name} row ${row}`);
        else assert.equal(c[f.offset], v === null ? -1 : Number(v), `${f.name} row ${row}`);
      }
    }
  });

  it('pyarrow reads the tensors as contiguous fixed-size lists', async (t) => {
    const python = path.join(ROOT, '.venv', 'bin', 'python3');
    if (!fs.existsSync(python) || spawnSync(python, ['-c', 'import pyarrow'], { stdio: 'ignore' }).status !== 0) return t.skip('pyarrow is not installed (npm test installs it into .venv)');
    const out = path.join(dir, 'tensor.arrow');
    const r = await runCli(['gpu-featurize', 'transform', '--spec', fitted, '--layout', 'tensor', train, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const py = spawnSync(
      python,
      [
        '-c',
        `import pyarrow as pa, pyarrow.ipc as ipc, sys, numpy as np
t = ipc.open_stream(open(sys.argv[1], 'rb')).read_all()
d = t.column('dense').combine_chunks()
assert pa.types.is_fixed_size_list(d.type) and d.type.value_type == pa.float32()
arr = d.values.to_numpy(zero_copy_only=True).reshape(len(d), d.type.list_size)
c = t.column('categorical').combine_chunks().values.to_numpy(zero_copy_only=True)
print(arr.shape[0], arr.shape[1], c.dtype)`,
        out,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(py.status, 0, py.stderr);
    assert.equal(py.stdout.trim(), '20000 5 int64');
  });

  it('an empty stream (schema, no batches) fits and transforms to an empty stream', async () => {
    const empty = path.join(dir, 'empty.arrow');
    assert.equal((await runCli(['gen', 'events', '--events', '0', '-o', empty])).code, 0);
    const out = path.join(dir, 'empty-fitted.json');
    const f = await runCli(['gpu-featurize', 'fit', '--spec', SPEC, empty, '-o', out]);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).rows, 0);
    const r = await runCli(['gpu-featurize', 'transform', '--spec', out, empty]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readTable(r.stdout).numRows, 0);
  });

  it('a closed stdout ends quietly with exit 0', async () => {
    const r = await runShell(`recdata gpu-featurize transform --spec "${fitted}" "${train}" | head -c 100 > /dev/null`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  describe('bad input', () => {
    it('spec errors exit 2 with file:line and the op', async () => {
      const bad = file('bad-op.yaml', 'features:\n  - { name: a, op: normalize, input: duration_ms }\n  - { name: b, op: standardise, input: duration_ms }\n');
      let r = await runCli(['gpu-featurize', 'fit', '--spec', bad, train, '-o', path.join(dir, 'x.json')]);
      assert.equal(r.code, 2);
      assert.match(errorLine(r), /^recdata gpu-featurize fit: feature "b": unknown op "standardise" \(one of .*\) \(.*bad-op\.yaml:3\)$/);
      const col = file('bad-col.yaml', 'features:\n  - { name: a, op: normalize, input: duration }\n');
      r = await runCli(['gpu-featurize', 'fit', '--spec', col, train, '-o', path.join(dir, 'x.json')]);
      assert.equal(r.code, 2);
      assert.match(errorLine(r), /feature "a" \(op normalize\): unknown column "duration"; the input has: user_id, item_id, ts, .* \(.*bad-col\.yaml:2\)$/);
      const param = file('bad-param.yaml', 'features:\n  - name: a\n    op: bucketize\n    input: duration_ms\n    boundaries: 1000\n');
      r = await runCli(['gpu-featurize', 'fit', '--spec', param, train, '-o', path.join(dir, 'x.json')]);
      assert.equal(r.code, 2);
      assert.match(errorLine(r), /feature "a" \(op bucketize\): parameter "boundaries" must be a non-empty list of finite numbers, got 1000 \(.*bad-param\.yaml:5\)$/);
      assert.ok(!fs.existsSync(path.join(dir, 'x.json')), 'a failed fit left a file');
    });

    it('a column of a type the op cannot take exits 65 naming op, column and type', async () => {
      const spec = file('bad-type.yaml', 'features:\n  - { name: a, op: log1p, input: region }\n');
      const r = await runCli(['gpu-featurize', 'fit', '--spec', spec, train, '-o', path.join(dir, 'x.json')]);
      assert.equal(r.code, 65);
      assert.match(errorLine(r), /feature "a" \(op log1p\): column "region" has type dict, expected an integer or float column \(.*bad-type\.yaml:2, column region\)$/);
    });

    it('transform refuses a stream whose columns differ from the fitted ones (exit 65, naming the difference)', async () => {
      let r = await runShell(`recdata cat --select user_id,item_id,ts "${train}" | recdata gpu-featurize transform --spec "${fitted}"`);
      assert.equal(r.code, 65);
      assert.match(errorLine(r), /the stream has no column "duration_ms" \(uint32 when fitted, read by duration_z, .*\); it has: user_id, item_id, ts/);
      const ints = file('ints.csv', 'k,v\n1,2\n3,4\n');
      const floats = file('floats.csv', 'k,v\n1,2.5\n3,4\n');
      const spec = file('kv.yaml', 'features:\n  - { name: z, op: normalize, input: v }\n');
      const kv = path.join(dir, 'kv.json');
      r = await runShell(`recdata import --format csv "${ints}" | recdata gpu-featurize fit --spec "${spec}" -o "${kv}" && recdata import --format csv "${floats}" | recdata gpu-featurize transform --spec "${kv}" -o "${path.join(dir, 'kv.arrow')}"`);
      assert.equal(r.code, 65);
      assert.match(errorLine(r), /column "v" is float64 in the stream but was int64 when fitted \(.*kv\.json, column v\)$/);
      assert.ok(!fs.existsSync(path.join(dir, 'kv.arrow')));
    });

    it('--backend cuda without a device exits 69 with the reason', async (t) => {
      const probe = spawnSync('nvidia-smi', ['-L'], { stdio: 'ignore' });
      if (probe.status === 0) return t.skip('this machine has a GPU');
      const r = await runCli(['gpu-featurize', 'transform', '--spec', fitted, '--backend', 'cuda', train]);
      assert.equal(r.code, 69);
      assert.match(errorLine(r), /^recdata gpu-featurize transform: backend cuda is unavailable: .+/);
    });

    it('files that are not there, not fitted, or not Arrow', async () => {
      let r = await runCli(['gpu-featurize', 'fit', '--spec', path.join(dir, 'nope.yaml'), train, '-o', path.join(dir, 'x.json')]);
      assert.equal(r.code, 66);
      assert.match(errorLine(r), /cannot open .*nope\.yaml: no such file/);
      r = await runCli(['gpu-featurize', 'transform', '--spec', SPEC, train]);
      assert.equal(r.code, 65);
      assert.match(errorLine(r), /not a valid fitted file: it is not JSON \(a feature spec\? run `gpu-featurize fit --spec SPEC` first/);
      r = await runCli(['gpu-featurize', 'transform', '--spec', fitted], { input: Buffer.alloc(0) });
      assert.equal(r.code, 65);
      assert.match(errorLine(r), /no Arrow stream on stdin/);
      r = await runCli(['gpu-featurize', 'transform', '--spec', fitted], { input: Buffer.from('user_id,item_id\n1,2\n') });
      assert.equal(r.code, 65);
      errorLine(r);
    });

    it('bad flag values exit 2', async () => {
      let r = await runCli(['gpu-featurize', 'transform', '--spec', fitted, '--layout', 'rows', train]);
      assert.equal(r.code, 2);
      errorLine(r);
      r = await runCli(['gpu-featurize', 'fit', '--spec', SPEC, train, '-o', path.join(dir, 'x.json'), '--memory-limit', 'lots']);
      assert.equal(r.code, 2);
      assert.match(errorLine(r), /expected a size of at least 1MiB, e.g. 512MiB or 2GiB for --memory-limit, got "lots"/);
      r = await runCli(['gpu-featurize', 'transform', '--spec', fitted, '--keep', 'duration_z', train]);
      assert.equal(r.code, 65);
      assert.match(errorLine(r), /missing column "duration_z"/);
      r = await runCli(['gpu-featurize', 'fit', '--spec', SPEC, train]);
      assert.equal(r.code, 2);
      assert.match(errorLine(r), /Missing required flag/i);
      r = await runCli(['gpu-featurize', 'fit', '--spec', SPEC, train, '-o', '-']);
      assert.equal(r.code, 2);
      assert.match(errorLine(r), /expected a file name \(fit writes sidecar vocabularies next to it\) for --output, got "-"/);
    });
  });

  describe('MovieLens', () => {
    const ratings = movielens('ratings.csv');
    const tags = movielens('tags.csv');
    const reason = !ratings || !tags ? 'MovieLens (../shared/datasets/movielens-latest-small) is absent' : false;

    it('categorify vocabularies of movieId and tags equal a direct count', { skip: reason }, async () => {
      const spec = file('movielens.yaml', 'features:\n  - { name: movie, op: categorify, input: movieId, oov_buckets: 2 }\n  - { name: tag_code, op: categorify, input: tag, min_freq: 2 }\n');
      const counts = new Map<string, Map<string, number>>();
      for (const [csv, column, feature] of [
        [ratings!, 'movieId', 'movie'],
        [tags!, 'tag', 'tag_code'],
      ] as const) {
        const arrow = path.join(dir, `${column}.arrow`);
        const imp = await runCli(['import', '--format', 'csv', csv, '-o', arrow]);
        assert.equal(imp.code, 0, imp.stderr);
        // The direct count, from the imported rows.
        const direct = new Map<string, number>();
        const t = readTable(fs.readFileSync(arrow));
        for (const v of t.getChild(column)!) if (v !== null) direct.set(String(v), (direct.get(String(v)) ?? 0) + 1);
        counts.set(feature, direct);
        const single = file(`${feature}.yaml`, `features:\n${fs.readFileSync(spec, 'utf8').split('\n').find((l) => l.includes(`name: ${feature},`))}\n`);
        const out = path.join(dir, `${feature}.json`);
        const f = await runCli(['gpu-featurize', 'fit', '--spec', single, arrow, '-o', out]);
        assert.equal(f.code, 0, f.stderr);
        const state = JSON.parse(fs.readFileSync(out, 'utf8')).features[0].fitted;
        assert.equal(state.exact, true);
        let vocabulary: [unknown, number][];
        if (state.sidecar) {
          const side = readTable(fs.readFileSync(path.join(dir, state.sidecar)));
          vocabulary = [...side.getChild('value')!].map((v, i) => [v, Number(side.getChild('count')!.get(i))]);
        } else vocabulary = state.vocabulary;
        const minFreq = feature === 'tag_code' ? 2 : 1;
        const expected = [...direct].filter(([, n]) => n >= minFreq).sort((a, b) => b[1] - a[1] || (typeof t.getChild(column)!.get(0) === 'string' ? (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) : Number(a[0]) - Number(b[0])));
        assert.equal(vocabulary.length, expected.length, `${column}: vocabulary size`);
        vocabulary.forEach(([v, n], r) => {
          assert.equal(String(v), expected[r][0], `${column}: rank ${r}`);
          assert.equal(n, expected[r][1], `${column}: count of ${v}`);
        });
        // And transform gives each value its rank's code.
        const tr = await runCli(['gpu-featurize', 'transform', '--spec', out, arrow, '--keep', column, '--backend', 'native']);
        assert.equal(tr.code, 0, tr.stderr);
        const coded = readTable(tr.stdout);
        const code = new Map(expected.map(([v], r) => [v, 2 + (feature === 'movie' ? 2 : 1) + r]));
        for (let i = 0; i < coded.numRows; i += 97) {
          const v = String(coded.getChild(column)!.get(i));
          if (code.has(v)) assert.equal(Number(coded.getChild(feature)!.get(i)), code.get(v), `${column} ${v}`);
        }
      }
      assert.ok(counts.get('movie')!.size > 9000 && counts.get('tag_code')!.size > 1000);
    });
  });
});

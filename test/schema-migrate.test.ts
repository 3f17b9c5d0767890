import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Dictionary, Field, Float32, Int32, List, Schema, Table, tableToIPC, TimeUnit, Timestamp, Uint64, Utf8, vectorFromArray, makeData, RecordBatch, Struct } from 'apache-arrow';
import { errorLine, readTable, ROOT, runCli, runShell, scratchDir } from './helpers/cli.ts';

const dir = scratchDir('schema-migrate');
const EX = path.join(ROOT, 'fixtures', 'schema', 'examples');
const v = (n: number) => path.join(EX, `user_features_v${n}.proto`);
const FEAST = path.join(ROOT, 'fixtures', 'schema', 'rules', 'feast_reuse');
const sm = (...args: string[]) => ['schema-migrate', ...args];

/** Rows written under user_features_v1.proto (its Arrow mapping), with or without field ids. */
function v1Stream(rows: number, withIds = true, format: 'stream' | 'file' = 'stream'): Uint8Array {
  const meta = (id: number) => (withIds ? new Map([['PARQUET:field_id', String(id)]]) : new Map<string, string>());
  const segments = ['SEGMENT_UNKNOWN', 'NEW', 'ACTIVE'];
  const fields = [
    new Field('user_id', new Uint64(), true, meta(1)),
    new Field('clicks_7d', new Int32(), true, meta(2)),
    new Field('ctr_7d', new Float32(), true, meta(3)),
    new Field('country', new Utf8(), true, meta(4)),
    new Field('segment', new Dictionary(new Utf8(), new Int32(), 0), true, meta(5)),
    new Field('recent_items', new List(new Field('item', new Uint64(), true)), true, meta(6)),
    new Field('updated_at', new Timestamp(TimeUnit.MICROSECOND, 'UTC'), true, meta(7)),
  ];
  const cols = [
    vectorFromArray(Array.from({ length: rows }, (_, i) => BigInt(i + 1)), fields[0].type),
    vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : i * 3 - 50)), fields[1].type),
    vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : i / 8)), fields[2].type),
    vectorFromArray(Array.from({ length: rows }, (_, i) => ['fr', 'de', null, 'jp'][i % 4]), fields[3].type),
    vectorFromArray(Array.from({ length: rows }, (_, i) => segments[i % 3]), fields[4].type),
    vectorFromArray(Array.from({ length: rows }, (_, i) => Array.from({ length: i % 3 }, (_, k) => BigInt(i * 10 + k))), fields[5].type),
    vectorFromArray(Array.from({ length: rows }, (_, i) => 1_700_000_000_000 + i), fields[6].type),
  ];
  const schema = new Schema(fields);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children: cols.map((c) => c.data[0]) }));
  return tableToIPC(new Table([batch]), format);
}

describe('schema-migrate to-arrow', () => {
  it('prints the Arrow schema with field numbers', async () => {
    const r = await runCli(sm('to-arrow', v(3), '--message', 'UserFeatures'));
    assert.equal(r.code, 0, r.stderr);
    const text = r.stdout.toString();
    assert.match(text, /^user_id: uint64 {2}\[field 1\]\nclicks_7d: int64 {2}\[field 2\]\nctr_7d: float64 {2}\[field 3\]\ncountry_code: utf8 {2}\[field 4\]\nsegment: dict {2}\[field 5\]\nupdated_at: timestamp\[us, UTC\] {2}\[field 7\]\nwatch_time_7d: float64 {2}\[field 8\]\ncategory_clicks: map<utf8, int64> {2}\[field 9\]\nlanguage: utf8 {2}\[field 10\]\n/);
    assert.match(text, /recdata\.schema\.fingerprint: [0-9a-f]{64}\n/);
  });

  it('--format arrow writes an empty stream with the schema', async () => {
    const r = await runShell(`recdata schema-migrate to-arrow "${v(1)}" --format arrow | recdata cat --schema`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /^user_id: uint64\nclicks_7d: int32\nctr_7d: float32\ncountry: utf8\nsegment: dict\nrecent_items: list<uint64>\nupdated_at: timestamp\[us, UTC\]\n/);
  });

  it('an unknown message is exit 2 listing the messages', async () => {
    const r = await runCli(sm('to-arrow', v(1), '--message', 'ItemFeatures'));
    assert.equal(r.code, 2);
    assert.match(errorLine(r), /^recdata schema-migrate to-arrow: no message "ItemFeatures" in .*user_features_v1\.proto; its messages are: rec\.v1\.UserFeatures$/);
  });

  it('an unparsable .proto is exit 65 with file:line:col', async () => {
    const bad = path.join(dir, 'bad.proto');
    fs.writeFileSync(bad, 'syntax = "proto3";\n\nmessage M {\n  int64 id = 1\n  string name = 2;\n}\n');
    const r = await runCli(sm('to-arrow', bad));
    assert.equal(r.code, 65);
    assert.match(errorLine(r), new RegExp(`^recdata schema-migrate to-arrow: illegal token 'string', ';' expected \\(${bad.replace(/[/.]/g, '\\$&')}:5:3\\)$`));
  });

  it('a missing file is exit 66', async () => {
    const r = await runCli(sm('to-arrow', path.join(dir, 'nope.proto')));
    assert.equal(r.code, 66);
    assert.match(errorLine(r), /cannot open .*nope\.proto: no such file/);
  });
});

describe('schema-migrate check', () => {
  it('compatible versions: exit 0', async () => {
    const r = await runCli(sm('check', v(1), v(2), v(3), '--message', 'UserFeatures'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'compatible (backward_transitive)\n');
  });

  it('the Feast case: exit 1 under backward_transitive, each violation at file:line:col; plain backward misses it', async () => {
    const files = ['v1.proto', 'v2.proto', 'v3.proto'].map((f) => path.join(FEAST, f));
    const r = await runCli(sm('check', ...files));
    assert.equal(r.code, 1);
    const lines = r.stdout.toString().trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], new RegExp(`^${files[2].replace(/[/.]/g, '\\$&')}:8:3: FIELD_NUMBER_REUSED fx\\.DriverStats\\.trips_today: field number 3 was deleted in .*v2\\.proto`));
    assert.match(lines[1], /:8:3: FIELD_SAME_TYPE fx\.DriverStats\.trips_today: field 3 "trips_today" changed type from int64 to string/);
    assert.equal(lines[2], 'incompatible (backward_transitive): 2 violations');
    assert.match(errorLine(r), /^recdata schema-migrate check: incompatible under backward_transitive: 2 violations \(FIELD_NUMBER_REUSED, FIELD_SAME_TYPE\)$/);
    const plain = await runCli(sm('check', ...files, '--mode', 'backward'));
    assert.equal(plain.code, 0, plain.stdout.toString());
  });

  it('--json gives {compatible, violations: [{rule, message, field, file, line, column}]}', async () => {
    const prev = path.join(ROOT, 'fixtures', 'schema', 'rules', 'field_delete_number', 'previous.proto');
    const cur = path.join(ROOT, 'fixtures', 'schema', 'rules', 'field_delete_number', 'current.proto');
    const r = await runCli(sm('check', prev, cur, '--json'));
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout.toString());
    assert.equal(doc.compatible, false);
    assert.deepEqual(
      doc.violations.map((x: any) => ({ rule: x.rule, message: x.message, field: x.field, file: x.file, line: x.line, column: x.column })),
      [{ rule: 'FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', message: 'fx.Item', field: 'price', file: cur, line: 5, column: 1 }],
    );
  });

  it('usage errors are exit 2: one file, a bad mode, --registry without --subject', async () => {
    for (const args of [sm('check', v(1)), sm('check', v(1), v(2), '--mode', 'sideways'), sm('check', v(1), '--registry', 'x.db')]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      errorLine(r);
    }
  });
});

describe('schema-migrate register, versions, and apply from the registry', () => {
  const reg = path.join(dir, 'reg.db');

  it('registers versions; the same schema again is a no-op; an incompatible one is refused (exit 1)', async () => {
    fs.rmSync(reg, { force: true });
    for (const n of [1, 2, 3]) {
      const r = await runCli(sm('register', '--registry', reg, '--subject', 'user_features', v(n)));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.toString(), new RegExp(`^registered user_features version ${n} \\(sha256 [0-9a-f]{64}, backward_transitive\\)\\n$`));
    }
    const copy = path.join(dir, 'v3-copy.proto');
    fs.writeFileSync(copy, `// the same schema, other comments\n${fs.readFileSync(v(3), 'utf8').replace(/\/\/.*\n/g, '')}`);
    const again = await runCli(sm('register', '--registry', reg, '--subject', 'user_features', copy));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout.toString(), /^unchanged: user_features version 3 has this schema already/);
    const narrowing = path.join(dir, 'v4-bad.proto');
    fs.writeFileSync(narrowing, fs.readFileSync(v(3), 'utf8').replace('int64 clicks_7d = 2;', 'int32 clicks_7d = 2;'));
    const refused = await runCli(sm('register', '--registry', reg, '--subject', 'user_features', narrowing, '--json'));
    assert.equal(refused.code, 1);
    const doc = JSON.parse(refused.stdout.toString());
    assert.equal(doc.outcome, 'refused');
    assert.deepEqual(doc.violations.map((x: any) => [x.rule, x.field, x.line, x.column]), [['FIELD_SAME_TYPE', 'clicks_7d', 14, 3]]);
    errorLine(refused);
  });

  it('lists and shows versions', async () => {
    const list = await runCli(sm('versions', '--registry', reg, '--subject', 'user_features'));
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.toString().trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[3], /^3 +sha256:[0-9a-f]{16}  backward_transitive  rec\.v1\.UserFeatures  \d{4}-\d\d-\d\dT/);
    const show = await runCli(sm('versions', '--registry', reg, '--subject', 'user_features', '--show', '2'));
    assert.equal(show.stdout.toString(), fs.readFileSync(v(2), 'utf8'));
    const canonical = await runCli(sm('versions', '--registry', reg, '--subject', 'user_features', '--show', '2', '--canonical'));
    assert.match(canonical.stdout.toString(), /^\{"format":"recdata\.schema\/1","syntax":"proto3","record":"rec\.v1\.UserFeatures",\n/);
    const subjects = await runCli(sm('versions', '--registry', reg, '--json'));
    assert.deepEqual(JSON.parse(subjects.stdout.toString()), { subjects: [{ name: 'user_features', versions: 3, latest: 3 }] });
  });

  it('apply --to-version 3 replays v1 data: renamed, promoted, added, removed, in v3 order, with version and fingerprint', async () => {
    const input = path.join(dir, 'day-v1.arrow');
    fs.writeFileSync(input, v1Stream(1000));
    const r = await runCli(sm('apply', '--registry', reg, '--subject', 'user_features', '--to-version', '3', input));
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(r.stdout);
    assert.deepEqual(t.schema.fields.map((f) => f.name), ['user_id', 'clicks_7d', 'ctr_7d', 'country_code', 'segment', 'updated_at', 'watch_time_7d', 'category_clicks', 'language']);
    assert.deepEqual(t.schema.fields.map((f) => f.metadata.get('PARQUET:field_id')), ['1', '2', '3', '4', '5', '7', '8', '9', '10']);
    assert.equal(t.schema.metadata.get('recdata.schema.version'), '3');
    assert.equal(t.schema.metadata.get('recdata.schema.subject'), 'user_features');
    assert.match(t.schema.metadata.get('recdata.schema.fingerprint')!, /^[0-9a-f]{64}$/);
    assert.equal(t.numRows, 1000);
    const row = t.get(9)!.toJSON();
    assert.equal(row.user_id, 10n);
    assert.equal(row.clicks_7d, -23n);
    assert.equal(row.ctr_7d, 9 / 8);
    assert.equal(row.country_code, 'de');
    assert.equal(row.segment, 'SEGMENT_UNKNOWN');
    assert.equal(t.get(10)!.toJSON().segment, 'NEW');
    assert.equal(row.watch_time_7d, null);
    assert.equal(row.category_clicks, null);
    assert.equal(t.get(0)!.toJSON().clicks_7d, null);
  });

  it('output of apply names its version: a second apply checks it against that version', async () => {
    const r = await runShell(
      `recdata schema-migrate apply --registry "${reg}" --subject user_features --to-version 2 "${path.join(dir, 'day-v1.arrow')}" | recdata schema-migrate apply --registry "${reg}" --subject user_features --verbose > "${path.join(dir, 'v2-v3.arrow')}"`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /data checked against user_features version 2/);
    assert.equal(readTable(fs.readFileSync(path.join(dir, 'v2-v3.arrow'))).schema.metadata.get('recdata.schema.version'), '3');
  });

  it('a file that is not a recdata registry is exit 65', async () => {
    const notReg = path.join(dir, 'not-a-registry.db');
    fs.writeFileSync(notReg, 'plain text, not SQLite\n'.repeat(100));
    for (const args of [sm('register', '--registry', notReg, '--subject', 's', v(1)), sm('versions', '--registry', notReg)]) {
      const r = await runCli(args);
      assert.equal(r.code, 65, r.stderr);
      assert.match(errorLine(r), /not-a-registry\.db is not a recdata schema registry/);
    }
  });
});

describe('schema-migrate apply between files', () => {
  it('--from matches columns without field ids by name; through real pipes', async () => {
    const input = path.join(dir, 'bare-v1.arrow');
    fs.writeFileSync(input, v1Stream(300, false));
    const r = await runShell(`cat "${input}" | recdata schema-migrate apply --from "${v(1)}" --to "${v(3)}" --message UserFeatures | recdata cat --validate`);
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(r.stdout);
    assert.equal(t.numRows, 300);
    assert.equal(t.getChild('clicks_7d')!.get(1), -47n);
  });

  it('the relay and --validate (every batch decoded) write the same bytes; IPC files and several streams are read', async () => {
    const a = path.join(dir, 'a.arrow');
    const b = path.join(dir, 'b.arrow');
    const ours = await runCli(['cat', '--validate', '-'], { input: v1Stream(20000) });
    fs.writeFileSync(a, ours.stdout);
    fs.writeFileSync(b, v1Stream(500, true, 'file'));
    const relay = await runShell(`cat "${a}" | recdata schema-migrate apply --to "${v(3)}" - "${b}" "${a}"`);
    const decoded = await runShell(`cat "${a}" | recdata schema-migrate apply --to "${v(3)}" --validate - "${b}" "${a}"`);
    assert.equal(relay.code, 0, relay.stderr);
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.equal(readTable(relay.stdout).numRows, 40500);
    assert.deepEqual(readTable(relay.stdout).toArray().map((x) => x.toJSON()), readTable(decoded.stdout).toArray().map((x) => x.toJSON()));
    const single = await runCli(sm('apply', '--to', v(3), a));
    const singleDecoded = await runCli(sm('apply', '--to', v(3), '--validate', a));
    assert.ok(single.stdout.equals(singleDecoded.stdout), 'relay and --validate bytes differ');
  });

  it('an unsafe difference is exit 65 naming the field and both types, leaving no -o file', async () => {
    const input = path.join(dir, 'day-v3.arrow');
    const made = await runCli(sm('apply', '--to', v(3), '-o', input), { input: v1Stream(50) });
    assert.equal(made.code, 0, made.stderr);
    const out = path.join(dir, 'never.arrow');
    const r = await runCli(sm('apply', '--to', v(1), input, '-o', out));
    assert.equal(r.code, 65);
    assert.match(errorLine(r), /^recdata schema-migrate apply: column "clicks_7d" \(field 2\) has type int64 in the data, the reader schema declares int32: not a safe promotion \(column clicks_7d\)$/);
    assert.equal(fs.existsSync(out), false);
  });

  it('a column whose type is not what --from declares is exit 65 naming the column and both types', async () => {
    const r = await runCli(sm('apply', '--from', v(2), '--to', v(3)), { input: v1Stream(10) });
    assert.equal(r.code, 65);
    assert.match(errorLine(r), /column "clicks_7d" \(field 2\) has type int32, but .*user_features_v2\.proto declares int64 \(int64\)/);
  });

  it('bad input: empty stdin, truncated stream, no reader schema, no field ids', async () => {
    const empty = await runCli(sm('apply', '--to', v(3)), { input: Buffer.alloc(0) });
    assert.equal(empty.code, 65);
    assert.match(errorLine(empty), /no Arrow stream on stdin/);
    const whole = Buffer.from(v1Stream(5000));
    const out = path.join(dir, 'truncated-out.arrow');
    const cut = await runCli(sm('apply', '--to', v(3), '-o', out), { input: whole.subarray(0, whole.length - 3000) });
    assert.equal(cut.code, 65);
    assert.match(errorLine(cut), /truncated Arrow stream/);
    assert.equal(fs.existsSync(out), false);
    const none = await runCli(sm('apply'), { input: whole });
    assert.equal(none.code, 2);
    assert.match(errorLine(none), /give the reader schema/);
    const bare = await runCli(sm('apply', '--to', v(3)), { input: v1Stream(5, false) });
    assert.equal(bare.code, 65);
    assert.match(errorLine(bare), /column "user_id" carries no field number/);
  });

  it('a closed stdout (| head -c 100) is success', async () => {
    const big = path.join(dir, 'big-v1.arrow');
    fs.writeFileSync(big, v1Stream(60000));
    for (const flags of ['', '--validate']) {
      const r = await runShell(`recdata schema-migrate apply --to "${v(3)}" ${flags} "${big}" | head -c 100 > /dev/null; echo "status=\${PIPESTATUS[0]}" >&2`);
      assert.equal(r.stderr.trim(), 'status=0');
    }
  });

  it('runs as the standalone schema-migrate binary', async () => {
    const r = await runCli(['diff', v(1), v(2)], { bin: 'schema-migrate' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /~ 4 country -> country_code {2}\(renamed\)/);
  });
});

const hasPyarrow = spawnSync('python3', ['-c', 'import pyarrow'], { stdio: 'ignore' }).status === 0;

describe('schema-migrate apply, held to pyarrow', () => {
  it('pyarrow-written v1 data, relayed and decoded to v3: pyarrow validates both and reads the promised values', { skip: hasPyarrow ? false : 'python3 has no pyarrow (pip install pyarrow to run this check)' }, async () => {
    const input = path.join(dir, 'pyarrow-v1.arrow');
    const py = (script: string, ...args: string[]) => spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
    const made = py(
      `
import pyarrow as pa, pyarrow.ipc as ipc, sys
def f(name, type, id): return pa.field(name, type, metadata={b'PARQUET:field_id': str(id).encode()})
schema = pa.schema([f('user_id', pa.uint64(), 1), f('clicks_7d', pa.int32(), 2), f('ctr_7d', pa.float32(), 3), f('country', pa.string(), 4),
  f('segment', pa.dictionary(pa.int32(), pa.string()), 5), f('recent_items', pa.list_(pa.uint64()), 6), f('updated_at', pa.timestamp('us', tz='UTC'), 7)])
with ipc.new_stream(sys.argv[1], schema) as w:
  for b in range(3):
    n = 1000 + b
    rows = range(b * 10000, b * 10000 + n)
    w.write_batch(pa.record_batch([
      pa.array([i + 1 for i in rows], pa.uint64()),
      pa.array([None if i % 7 == 0 else i * 3 - 50 for i in rows], pa.int32()),
      pa.array([None if i % 5 == 0 else i / 8 for i in rows], pa.float32()),
      pa.array([['fr', 'de', None, 'jp'][i % 4] for i in rows], pa.string()),
      pa.array([['SEGMENT_UNKNOWN', 'NEW', 'ACTIVE'][i % 3] for i in rows], pa.string()).dictionary_encode(),
      pa.array([[i * 10 + k for k in range(i % 3)] for i in rows], pa.list_(pa.uint64())),
      pa.array([1700000000000000 + i for i in rows], pa.timestamp('us', tz='UTC')),
    ], schema=schema))
`,
      input,
    );
    assert.equal(made.status, 0, made.stderr);
    const relayed = path.join(dir, 'pyarrow-v3-relayed.arrow');
    const decoded = path.join(dir, 'pyarrow-v3-decoded.arrow');
    for (const [out, flags] of [[relayed, []], [decoded, ['--validate']]] as const) {
      const r = await runCli(sm('apply', '--to', v(3), input, '-o', out, ...flags));
      assert.equal(r.code, 0, r.stderr);
    }
    const check = py(
      `
import pyarrow as pa, pyarrow.ipc as ipc, pyarrow.compute as pc, sys
src = ipc.open_stream(open(sys.argv[1], 'rb')).read_all()
for path in sys.argv[2:]:
  t = ipc.open_stream(open(path, 'rb')).read_all()
  t.validate(full=True)
  assert t.column_names == ['user_id', 'clicks_7d', 'ctr_7d', 'country_code', 'segment', 'updated_at', 'watch_time_7d', 'category_clicks', 'language'], t.column_names
  assert [f.metadata[b'PARQUET:field_id'] for f in t.schema] == [b'1', b'2', b'3', b'4', b'5', b'7', b'8', b'9', b'10']
  assert t['clicks_7d'].type == pa.int64() and t['clicks_7d'].equals(src['clicks_7d'].cast(pa.int64()))
  assert t['ctr_7d'].type == pa.float64() and t['ctr_7d'].equals(src['ctr_7d'].cast(pa.float64()))
  assert t['country_code'].equals(src['country']) and t['user_id'].equals(src['user_id']) and t['updated_at'].equals(src['updated_at'])
  assert t['segment'].cast(pa.string()).equals(src['segment'].cast(pa.string()))
  assert t['watch_time_7d'].null_count == t.num_rows and t['category_clicks'].null_count == t.num_rows and t['language'].null_count == t.num_rows
  assert str(t['category_clicks'].type) == 'map<string, int64>', t['category_clicks'].type
print(src.num_rows)
`,
      input,
      relayed,
      decoded,
    );
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout.trim(), '3003');
  });
});

describe('schema-migrate diff and --help', () => {
  it('diff names added, removed, renamed and retyped fields', async () => {
    const r = await runCli(sm('diff', v(1), v(3), '--message', 'UserFeatures'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), fs.readFileSync(path.join(ROOT, 'fixtures', 'schema', 'expected', 'user_features_v1_v3.diff.txt'), 'utf8').replace('--- v1\n+++ v3', `--- ${v(1)}\n+++ ${v(3)}`));
    const json = JSON.parse((await runCli(sm('diff', v(1), v(3), '--json'))).stdout.toString());
    assert.deepEqual(json.messages[0].renamed, [{ number: 4, name: 'country_code', from: 'country' }]);
  });

  it('every command has --help with examples', async () => {
    for (const c of ['to-arrow', 'check', 'register', 'versions', 'apply', 'diff']) {
      const r = await runCli(sm(c, '--help'));
      assert.equal(r.code, 0, r.stderr);
      const examples = r.stdout.toString().split('EXAMPLES')[1] ?? '';
      assert.ok((examples.match(/\$ recdata schema-migrate/g) ?? []).length >= 2, `${c}: fewer than two examples`);
    }
  });
});

// dpu-hash through the built CLI: real pipes, files, every backend, bad input.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Field, Int32, Int64, List, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, vectorFromArray, type Table as ArrowTable } from 'apache-arrow';
import { murmur3_32, siphash24, xxh64 } from '../packages/hash/src/index.ts';
import { datasetPath, errorLine, readTable, runCli, runShell, scratchDir } from './helpers/cli.ts';

const dir = scratchDir('dpu-hash');
const events = path.join(dir, 'events.arrow');
const KEY_HEX = '000102030405060708090a0b0c0d0e0f';
const KEY = Uint8Array.from({ length: 16 }, (_, i) => i);

const u64le = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};

function valuesOf(t: ArrowTable, name: string): unknown[] {
  const c = t.getChild(name)!;
  return Array.from({ length: c.length }, (_, i) => c.get(i));
}

before(async () => {
  const r = await runShell(`recdata gen events --events 3000 --users 200 --items 500 --batch-size 700 --anomalies null_item=0.02 > "${events}"`);
  assert.equal(r.code, 0, r.stderr);
});

describe('dpu-hash: output', () => {
  it('appends <col>_bucket columns that are xxh64(value bytes, seed) mod M, with provenance', async () => {
    // The standalone binary, reading a pipe.
    const r = await runCli(['--cols', 'item_id,user_id', '--algo', 'xxh64', '--seed', '7', '--buckets', '1000000'], { bin: 'dpu-hash', input: { file: events } });
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(r.stdout);
    assert.deepEqual(t.schema.fields.slice(-2).map((f) => `${f.name}:${f.type}`), ['item_id_bucket:Int64', 'user_id_bucket:Int64']);
    assert.equal(t.numRows, 3000);
    const items = valuesOf(t, 'item_id') as (bigint | null)[];
    const buckets = valuesOf(t, 'item_id_bucket') as (bigint | null)[];
    let nulls = 0;
    items.forEach((v, i) => {
      if (v === null) {
        nulls++;
        assert.equal(buckets[i], null);
      } else assert.equal(buckets[i], xxh64(u64le(v), 7n) % 1000000n);
    });
    assert.ok(nulls > 0, 'the input has null items');
    assert.equal(t.schema.metadata.get('recdata.command'), 'dpu-hash');
    assert.match(t.schema.metadata.get('recdata.params')!, /"algo":"xxh64","seed":"7","buckets":"1000000"/);
  });

  it('every backend, any thread count, gives the same bytes', async () => {
    const outputs: Buffer[] = [];
    for (const args of [['--backend', 'js'], ['--backend', 'native'], ['--backend', 'offload', '--threads', '1'], ['--backend', 'offload', '--threads', '2'], []]) {
      const r = await runCli(['dpu-hash', '--cols', 'user_id,item_id,action', '--cross', 'user_id,item_id', '--cross', 'item_id,action,device', '--algo', 'xxh3', '--seed', '0xfeedface12345678', events, ...args]);
      assert.equal(r.code, 0, r.stderr);
      outputs.push(r.stdout);
    }
    for (const o of outputs.slice(1)) assert.ok(o.equals(outputs[0]), 'outputs differ between backends');
    assert.ok(readTable(outputs[0]).getChild('item_id_x_action_x_device_hash'));
  });

  it('--cross appends a_x_b columns whose murmur3 chain matches the scalar functions; --cross is repeatable', async () => {
    const r = await runCli(['dpu-hash', '--cross', 'user_id,item_id', '--cross', 'item_id,user_id', '--algo', 'murmur3', '--seed', '42', events]);
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(r.stdout);
    const users = valuesOf(t, 'user_id') as bigint[];
    const items = valuesOf(t, 'item_id') as (bigint | null)[];
    const ab = valuesOf(t, 'user_id_x_item_id_hash') as (number | null)[];
    const ba = valuesOf(t, 'item_id_x_user_id_hash') as (number | null)[];
    assert.equal(String(t.getChild('user_id_x_item_id_hash')!.type), 'Uint32');
    for (let i = 0; i < 200; i++) {
      if (items[i] === null) {
        assert.equal(ab[i], null);
        continue;
      }
      assert.equal(ab[i], murmur3_32(u64le(items[i]!), murmur3_32(u64le(users[i]), 42)));
      assert.equal(ba[i], murmur3_32(u64le(users[i]), murmur3_32(u64le(items[i]!), 42)));
    }
  });

  it('--replace puts the hash in place of its source; --null-hash fills nulls', async () => {
    const r = await runCli(['dpu-hash', '--cols', 'item_id', '--replace', '--null-hash', '0', events]);
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(r.stdout);
    assert.deepEqual(t.schema.fields.slice(0, 3).map((f) => f.name), ['user_id', 'item_id_hash', 'ts']);
    assert.ok(!t.getChild('item_id'));
    assert.equal(t.getChild('item_id_hash')!.nullCount, 0);
    assert.ok((valuesOf(t, 'item_id_hash') as bigint[]).includes(0n));
  });

  it('list columns are hashed element by element into lists with the same offsets', async () => {
    const schema = new Schema([new Field('id', new Int32(), false), new Field('tags', new List(new Field('item', new Utf8(), true)), true)]);
    const tags = vectorFromArray([['a', 'b'], null, [], ['c', null]], schema.fields[1].type).data[0];
    const ids = makeData({ type: new Int32(), length: 4, data: Int32Array.from([1, 2, 3, 4]) });
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 4, children: [ids, tags], nullCount: 0 }));
    const r = await runCli(['dpu-hash', '--cols', 'tags'], { input: tableToIPC(new Table([batch]), 'stream') });
    assert.equal(r.code, 0, r.stderr);
    const out = readTable(r.stdout).getChild('tags_hash')!;
    assert.equal(String(out.type), 'List<Uint64>');
    const rows = Array.from({ length: 4 }, (_, i) => out.get(i));
    assert.deepEqual(rows[0] && Array.from(rows[0]), [xxh64('a'), xxh64('b')]);
    assert.equal(rows[1], null);
    assert.equal(rows[2]!.length, 0);
    assert.deepEqual(Array.from(rows[3]!), [xxh64('c'), null]);
  });

  it('--keyed pseudonymises with SipHash-2-4; the key comes from --key-file or RECDATA_HASH_KEY and never shows in the output', async () => {
    const keyFile = path.join(dir, 'secret.key');
    fs.writeFileSync(keyFile, `${KEY_HEX}\n`);
    const a = await runCli(['dpu-hash', '--cols', 'user_id', '--keyed', '--key-file', keyFile, '--replace', events]);
    const b = await runCli(['dpu-hash', '--cols', 'user_id', '--keyed', '--replace', events], { env: { RECDATA_HASH_KEY: KEY_HEX } });
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(a.stdout.equals(b.stdout));
    assert.ok(!a.stdout.toString('latin1').includes(KEY_HEX));
    const t = readTable(a.stdout);
    assert.equal(String(t.getChild('user_id_hash')!.type), 'Uint64');
    const original = readTable(fs.readFileSync(events));
    const users = valuesOf(original, 'user_id') as bigint[];
    const hashed = valuesOf(t, 'user_id_hash') as bigint[];
    for (let i = 0; i < 100; i++) assert.equal(hashed[i], siphash24(u64le(users[i]), KEY));
    assert.match(t.schema.metadata.get('recdata.params')!, /"keyed":true/);
  });

  it('a closed stdout (| head -c 100) is success, silently', async () => {
    const big = path.join(dir, 'big.arrow');
    fs.writeFileSync(big, Buffer.concat(Array.from({ length: 20 }, () => fs.readFileSync(events))));
    for (const backend of ['native', 'offload']) {
      const r = await runShell(`recdata dpu-hash --cols user_id --backend ${backend} "${big}" | head -c 100 > /dev/null; echo "status=\${PIPESTATUS[0]}" >&2`);
      assert.equal(r.stderr.trim(), 'status=0', backend);
    }
  });

  it('a stream with a schema and no batches gives a valid empty output', async () => {
    const empty = tableToIPC(readTable(fs.readFileSync(events)).slice(0, 0), 'stream');
    const r = await runCli(['dpu-hash', '--cols', 'item_id'], { input: empty });
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(r.stdout);
    assert.equal(t.numRows, 0);
    assert.ok(t.getChild('item_id_hash'));
  });
});

describe('dpu-hash: bad input', () => {
  const keyFile = path.join(dir, 'bad.key');

  const cases: { name: string; args: string[]; code: number; pattern: RegExp; env?: Record<string, string>; setup?: () => void }[] = [
    { name: 'a missing column', args: ['--cols', 'nope'], code: 65, pattern: /missing column "nope"; the input has: user_id, item_id, ts, action, duration_ms, device, region/ },
    { name: 'a missing column in a cross', args: ['--cross', 'user_id,nope'], code: 65, pattern: /missing column "nope"/ },
    { name: 'a missing key file', args: ['--cols', 'user_id', '--keyed', '--key-file', path.join(dir, 'nope.key')], code: 66, pattern: /cannot open .*nope\.key: no such file/ },
    {
      name: 'a key of the wrong length',
      args: ['--cols', 'user_id', '--keyed', '--key-file', keyFile],
      code: 2,
      pattern: /the key in .*bad\.key must be 32 hex characters \(128 bits\), got 30/,
      setup: () => fs.writeFileSync(keyFile, 'ab'.repeat(15)),
    },
    { name: 'a bad key in the environment', args: ['--cols', 'user_id', '--keyed'], code: 2, pattern: /the key in RECDATA_HASH_KEY must be 32 hex/, env: { RECDATA_HASH_KEY: 'xyz' } },
    { name: '--keyed without a key', args: ['--cols', 'user_id', '--keyed'], code: 2, pattern: /--keyed needs a key: --key-file FILE, or the environment variable RECDATA_HASH_KEY/, env: { RECDATA_HASH_KEY: '' } },
    { name: '--key-file without --keyed', args: ['--cols', 'user_id', '--key-file', keyFile], code: 2, pattern: /keyed/ },
    { name: '--algo with --keyed', args: ['--cols', 'user_id', '--keyed', '--algo', 'xxh3'], code: 2, pattern: /--algo|--keyed/, env: { RECDATA_HASH_KEY: KEY_HEX } },
    { name: '--buckets 0', args: ['--cols', 'user_id', '--buckets', '0'], code: 2, pattern: /expected an integer from 1 to 2\^63 for --buckets, got "0"/ },
    { name: '--buckets not a number', args: ['--cols', 'user_id', '--buckets', 'many'], code: 2, pattern: /for --buckets, got "many"/ },
    { name: 'a murmur3 seed over 32 bits', args: ['--cols', 'user_id', '--algo', 'murmur3', '--seed', '4294967296'], code: 2, pattern: /expected an integer from 0 to 2\^32-1 .* for --seed/ },
    { name: 'a seed over 64 bits', args: ['--cols', 'user_id', '--seed', '18446744073709551616'], code: 2, pattern: /for --seed/ },
    { name: 'an unknown algorithm', args: ['--cols', 'user_id', '--algo', 'md5'], code: 2, pattern: /--algo/ },
    { name: 'nothing to hash', args: [], code: 2, pattern: /nothing to hash: give --cols and\/or --cross/ },
    { name: 'a cross of one column', args: ['--cross', 'user_id'], code: 2, pattern: /a cross needs at least two columns/ },
  ];
  for (const c of cases) {
    it(`${c.name}: exit ${c.code} and one line`, async () => {
      c.setup?.();
      const r = await runCli(['dpu-hash', ...c.args, events], { env: c.env });
      assert.equal(r.code, c.code, r.stderr);
      assert.match(errorLine(r), c.pattern);
      assert.equal(r.stdout.length, 0);
    });
  }

  it('an unsupported type (struct): exit 65 naming the column and its type', async () => {
    const schema = new Schema([new Field('s', new Struct([new Field('a', new Int64())]), true)]);
    const a = makeData({ type: new Int64(), length: 1, data: BigInt64Array.from([1n]) });
    const s = makeData({ type: schema.fields[0].type, length: 1, children: [a], nullCount: 0 });
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 1, children: [s], nullCount: 0 }));
    const r = await runCli(['dpu-hash', '--cols', 's'], { input: tableToIPC(new Table([batch]), 'stream') });
    assert.equal(r.code, 65, r.stderr);
    assert.match(errorLine(r), /column "s" has type struct<a: int64>, expected an integer, float, bool, utf8/);
  });

  it('usage errors come before the input is read (exit 2 even with nothing on stdin)', async () => {
    for (const args of [['--cross', 'a'], ['--cols', 'a', '--buckets', '0'], [], ['--cols', 'a,a']]) {
      const r = await runCli(['dpu-hash', ...args], { input: Buffer.alloc(0) });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      errorLine(r);
    }
  });

  it('empty stdin: exit 65', async () => {
    const r = await runCli(['dpu-hash', '--cols', 'x'], { input: Buffer.alloc(0) });
    assert.equal(r.code, 65);
    assert.match(errorLine(r), /no Arrow stream on stdin/);
  });

  it('-o leaves no file behind when the input is truncated', async () => {
    const out = path.join(dir, 'partial.arrow');
    const bytes = fs.readFileSync(events);
    const r = await runCli(['dpu-hash', '--cols', 'user_id', '-o', out], { input: bytes.subarray(0, bytes.length - 500) });
    assert.equal(r.code, 65);
    assert.equal(fs.existsSync(out), false);
  });

  it('--backend cuda without a device: exit 69 with the reason', async (t) => {
    const probe = await runCli(['doctor', '--json']);
    const doctor = JSON.parse(probe.stdout.toString() || '{}');
    if (doctor?.cuda?.devices?.length > 0) return t.skip('this machine has a GPU (hash.gpu.test.ts covers it)');
    const r = await runCli(['dpu-hash', '--cols', 'user_id', '--backend', 'cuda', events]);
    assert.equal(r.code, 69);
    assert.match(errorLine(r), /backend cuda is unavailable: /);
  });
});

describe('dpu-hash on real data (MovieLens ratings)', () => {
  const ratings = datasetPath('movielens-latest-small', 'ratings.csv');
  it('a hashed cross of userId and movieId in 65536 murmur3 buckets', { skip: ratings ? false : 'shared/datasets/movielens-latest-small is absent' }, async () => {
    const lines = fs.readFileSync(ratings!, 'utf8').trim().split('\n').slice(1);
    const users = BigInt64Array.from(lines.map((l) => BigInt(l.split(',')[0])));
    const movies = BigInt64Array.from(lines.map((l) => BigInt(l.split(',')[1])));
    const schema = new Schema([new Field('userId', new Int64(), false), new Field('movieId', new Int64(), false)]);
    const children = [users, movies].map((v) => makeData({ type: new Int64(), length: v.length, data: v }));
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: users.length, children, nullCount: 0 }));
    const file = path.join(dir, 'ratings.arrow');
    fs.writeFileSync(file, tableToIPC(new Table([batch]), 'stream'));
    const r = await runCli(['dpu-hash', '--cross', 'userId,movieId', '--buckets', '65536', '--algo', 'murmur3', file]);
    assert.equal(r.code, 0, r.stderr);
    const b = readTable(r.stdout).getChild('userId_x_movieId_bucket')!;
    assert.equal(b.length, 100836);
    const le = (v: bigint) => u64le(BigInt.asUintN(64, v));
    for (const i of [0, 1, 5000, 100835]) assert.equal(b.get(i), BigInt(murmur3_32(le(movies[i]), murmur3_32(le(users[i]), 0))) % 65536n);
    const distinct = new Set(Array.from({ length: b.length }, (_, i) => b.get(i))).size;
    assert.ok(distinct > 50000, `${distinct} distinct buckets of 65536 for 100836 distinct pairs`);
  });
});

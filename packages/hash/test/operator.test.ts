// The dpu-hash operator's plan (names, places, types, nullability, metadata,
// bad input) and the key loader.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Dictionary, Field, Int32, Int64, List, Schema, Struct, Uint64, Utf8, vectorFromArray, makeData, RecordBatch } from 'apache-arrow';
import { batchStream, collect, RecdataError } from '@recdata/core';
import { createExecutor, dpuHash, HASH_FIELD_METADATA, loadKey, parseKey, planDpuHash } from '../src/index.ts';

const schema = new Schema([
  new Field('user_id', new Uint64(), false),
  new Field('item_id', new Uint64(), true),
  new Field('action', new Dictionary(new Utf8(), new Int32()), false),
  new Field('tags', new List(new Field('item', new Utf8(), true)), true),
  new Field('meta', new Struct([new Field('a', new Int32())]), true),
]);

function code(fn: () => unknown): { exitCode: number; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RecdataError, String(e));
    return { exitCode: e.exitCode, message: e.describe() };
  }
  assert.fail('expected an error');
}

describe('dpu-hash plan', () => {
  it('appends <col>_hash and <a>_x_<b>_hash after the input columns', () => {
    const plan = planDpuHash(schema, { algorithm: 'xxh64', cols: ['item_id', 'tags'], crosses: [['user_id', 'item_id']] });
    assert.deepEqual(plan.schema.fields.map((f) => f.name), ['user_id', 'item_id', 'action', 'tags', 'meta', 'item_id_hash', 'tags_hash', 'user_id_x_item_id_hash']);
    const f = (n: string) => plan.schema.fields.find((x) => x.name === n)!;
    assert.equal(String(f('item_id_hash').type), 'Uint64');
    assert.equal(f('item_id_hash').nullable, true);
    assert.equal(String(f('tags_hash').type), 'List<Uint64>');
    assert.equal(f('user_id_x_item_id_hash').nullable, true, 'a cross is nullable when a source is');
    const meta = JSON.parse(f('user_id_x_item_id_hash').metadata.get(HASH_FIELD_METADATA)!);
    assert.deepEqual(meta, { spec: 'recdata-hash/1', algorithm: 'xxh64', seed: '0', buckets: null, nullHash: null, keyed: false, sources: ['user_id', 'item_id'] });
  });

  it('buckets are <col>_bucket int64; murmur3 hashes are uint32; --null-hash makes them non-null', () => {
    const b = planDpuHash(schema, { algorithm: 'murmur3', cols: ['item_id'], buckets: 100n, nullHash: 0n });
    const f = b.schema.fields.at(-1)!;
    assert.equal(f.name, 'item_id_bucket');
    assert.equal(String(f.type), 'Int64');
    assert.equal(f.nullable, false);
    assert.equal(String(planDpuHash(schema, { algorithm: 'murmur3', cols: ['action'] }).schema.fields.at(-1)!.type), 'Uint32');
  });

  it('--replace puts each column hash in place of its source and drops the sources of crosses', () => {
    const plan = planDpuHash(schema, { algorithm: 'xxh3', cols: ['user_id'], crosses: [['action', 'item_id']], replace: true });
    assert.deepEqual(plan.schema.fields.map((f) => f.name), ['user_id_hash', 'tags', 'meta', 'action_x_item_id_hash']);
  });

  it('bad input: missing columns (65, listing the columns), unhashable types (65, naming column and type)', () => {
    const missing = code(() => planDpuHash(schema, { algorithm: 'xxh64', cols: ['nope'] }));
    assert.equal(missing.exitCode, 65);
    assert.match(missing.message, /missing column "nope"; the input has: user_id, item_id, action, tags, meta/);
    const struct = code(() => planDpuHash(schema, { algorithm: 'xxh64', cols: ['meta'] }));
    assert.equal(struct.exitCode, 65);
    assert.match(struct.message, /column "meta" has type struct<a: int32>/);
    const crossList = code(() => planDpuHash(schema, { algorithm: 'xxh64', crosses: [['user_id', 'tags']] }));
    assert.equal(crossList.exitCode, 65);
    assert.match(crossList.message, /column "tags" has type list<utf8>, expected a non-list column/);
    const clash = code(() => planDpuHash(new Schema([new Field('a', new Int32()), new Field('a_hash', new Int32())]), { algorithm: 'xxh64', cols: ['a'] }));
    assert.equal(clash.exitCode, 65);
    assert.match(clash.message, /"a_hash" already exists/);
  });

  it('usage: nothing to hash, a cross of one column, a column made twice (exit 2)', () => {
    assert.equal(code(() => planDpuHash(schema, { algorithm: 'xxh64' })).exitCode, 2);
    assert.equal(code(() => planDpuHash(schema, { algorithm: 'xxh64', crosses: [['user_id']] })).exitCode, 2);
    assert.equal(code(() => planDpuHash(schema, { algorithm: 'xxh64', cols: ['user_id', 'user_id'] })).exitCode, 2);
    assert.equal(code(() => planDpuHash(schema, { algorithm: 'xxh64', crosses: [['user_id', 'user_id']] })).exitCode, 2);
    assert.equal(code(() => planDpuHash(schema, { algorithm: 'murmur3', cols: ['user_id'], seed: 1n << 32n })).exitCode, 2);
    assert.equal(code(() => planDpuHash(schema, { algorithm: 'xxh64', cols: ['user_id'], buckets: 0n })).exitCode, 2);
  });

  it('the operator passes other columns through untouched and keeps batch boundaries', async () => {
    const s = new Schema([new Field('id', new Int64(), false), new Field('name', new Utf8(), true)]);
    const batches = [0, 1].map((k) => {
      const ids = makeData({ type: new Int64(), length: 3, data: BigInt64Array.from([1n, 2n, 3n].map((v) => v + BigInt(k))) });
      const names = vectorFromArray(['a', null, 'c'], new Utf8()).data[0];
      return new RecordBatch(s, makeData({ type: new Struct(s.fields), length: 3, children: [ids, names], nullCount: 0 }));
    });
    const out = await collect(dpuHash(batchStream(s, batches), { algorithm: 'xxh64', cols: ['name'] }, createExecutor('js')));
    assert.equal(out.length, 2);
    assert.equal(out[0].data.children[0], batches[0].data.children[0], 'zero copy');
    assert.equal(out[1].getChild('name_hash')!.nullCount, 1);
  });
});

describe('the key for --keyed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recdata-key-'));

  it('32 hex characters, in byte order, whitespace around ignored', () => {
    assert.deepEqual(Array.from(parseKey(' 000102030405060708090a0B0c0d0e0F\n', 'k')), Array.from({ length: 16 }, (_, i) => i));
  });

  it('a key of the wrong length or with other characters is exit 2 and never echoed', () => {
    for (const bad of ['00', '0'.repeat(33), 'zz0102030405060708090a0b0c0d0e0f', '']) {
      const r = code(() => parseKey(bad, 'secret.key'));
      assert.equal(r.exitCode, 2);
      assert.match(r.message, /the key in secret\.key must be 32 hex characters/);
      if (bad.length > 2) assert.ok(!r.message.includes(bad));
    }
  });

  it('--key-file first, then RECDATA_HASH_KEY; a missing file is exit 66; no key is exit 2', () => {
    const file = path.join(dir, 'k.hex');
    fs.writeFileSync(file, 'ff'.repeat(16));
    assert.equal(loadKey(file, { RECDATA_HASH_KEY: '00'.repeat(16) })[0], 0xff);
    assert.equal(loadKey(undefined, { RECDATA_HASH_KEY: '01'.repeat(16) })[0], 1);
    const missing = code(() => loadKey(path.join(dir, 'nope.hex'), {}));
    assert.equal(missing.exitCode, 66);
    assert.match(missing.message, /cannot open .*nope\.hex: no such file/);
    assert.equal(code(() => loadKey(undefined, {})).exitCode, 2);
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Field, Int32, RecordBatch, Schema, tableFromIPC } from 'apache-arrow';
import { batchStream, collect, limitBatchRows, RecdataError, typeName, writeBatchStream } from '@recdata/core';
import {
  applySchema,
  batchToRecords,
  checkCompatibility,
  FIELD_ID_KEY,
  fingerprint,
  modelFromFile,
  parseProtoSource,
  recordsToBatch,
  relayLayout,
  planResolution,
  replayArrow,
  SCHEMA_METADATA,
  type PlainRecord,
  type ResolveOptions,
  type SchemaModel,
} from '../src/index.js';
import { asReader, evolve, firstVersion, modelOf, prng, randomRecords, type VersionSpec } from './evolution.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const model = (source: string, label = 'm.proto') => modelFromFile(parseProtoSource(source, label), 'M');

async function run(batch: RecordBatch, options: ResolveOptions): Promise<RecordBatch> {
  const out = await collect(applySchema(batchStream(batch.schema, [batch]), options));
  assert.equal(out.length, 1);
  return out[0];
}

function errorOf(fn: () => unknown): RecdataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RecdataError, String(e));
    return e;
  }
  assert.fail('expected an error');
}

function scratch(name: string): string {
  const dir = path.join(process.env.RECDATA_TEST_OUTPUT ?? path.join(ROOT, 'test-output'), `schema-apply-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const V1 = `syntax = "proto2";
message M {
  optional int64 id = 1;
  optional int32 clicks = 2;
  optional string name = 3;
  optional float score = 4;
  optional uint32 views = 5;
  repeated int32 hist = 6;
  optional Color color = 7;
  optional Inner inner = 8;
  map<string, int32> counts = 9;
  optional int32 rank = 10;
  optional uint32 shares = 11;
  enum Color { RED = 0; GREEN = 1; }
  message Inner { optional int32 x = 1; optional string y = 2; }
}`;
const V2 = `syntax = "proto2";
message M {
  reserved 3;
  reserved "name";
  optional Inner inner = 8;
  optional int64 id = 1;
  optional int64 clicks = 2;
  optional double score = 4;
  optional uint64 views = 5;
  repeated int64 hist = 6;
  optional Color colour = 7;
  map<string, int64> counts = 9;
  optional double rank = 10;
  optional int64 shares = 11;
  optional string country = 12 [default = "FR"];
  optional int64 big = 13 [default = -9223372036854775808];
  optional uint64 top = 14 [default = 18446744073709551615];
  optional bool flag = 15 [default = true];
  optional bytes raw = 16 [default = "\\001\\377"];
  optional double nan = 17 [default = nan];
  optional float ninf = 18 [default = -inf];
  optional Color c2 = 19 [default = GREEN];
  optional int32 plain = 20;
  repeated string tags = 21;
  enum Color { ROUGE = 0; GREEN = 1; BLUE = 2; }
  message Inner { reserved 2; reserved "y"; optional int64 x = 1; optional int32 z = 3 [default = 7]; }
}`;
const RECORDS: PlainRecord[] = [
  { id: 1n, clicks: 5, name: 'a', score: 1.5, views: 4294967295, hist: [1, -2], color: 'RED', inner: { x: -3, y: 'q' }, counts: [['k', 3]], rank: -2147483648, shares: 0 },
  { id: 2n, clicks: null, name: null, score: null, views: null, hist: [], color: 'GREEN', inner: null, counts: [], rank: 2147483647, shares: 4294967295 },
  { id: null, clicks: -2147483648, name: 'c', score: Math.fround(0.1), views: 0, hist: null, color: null, inner: { x: null, y: null }, counts: null, rank: null, shares: null },
];

describe('apply: resolution by field number', () => {
  const v1 = model(V1, 'v1.proto');
  const v2 = model(V2, 'v2.proto');
  const input = recordsToBatch(v1, RECORDS);

  it('gives exactly the reader schema, in the reader order, with field ids', async () => {
    const out = await run(input, { reader: v2 });
    assert.deepEqual(
      out.schema.fields.map((f) => [f.name, f.metadata.get(FIELD_ID_KEY)]),
      [['inner', '8'], ['id', '1'], ['clicks', '2'], ['score', '4'], ['views', '5'], ['hist', '6'], ['colour', '7'], ['counts', '9'], ['rank', '10'], ['shares', '11'],
       ['country', '12'], ['big', '13'], ['top', '14'], ['flag', '15'], ['raw', '16'], ['nan', '17'], ['ninf', '18'], ['c2', '19'], ['plain', '20'], ['tags', '21']],
    );
  });

  it('renames, promotes, fills defaults (else null) and drops removed fields', async () => {
    const out = await run(input, { reader: v2 });
    const rows = batchToRecords(out);
    const fills = { country: 'FR', big: -9223372036854775808n, top: 18446744073709551615n, flag: true, raw: Uint8Array.from([1, 255]), nan: NaN, ninf: -Infinity, c2: 'GREEN', plain: null, tags: null };
    assert.deepEqual(rows[0], { inner: { x: -3n, z: 7 }, id: 1n, clicks: 5n, score: 1.5, views: 4294967295n, hist: [1n, -2n], colour: 'RED', counts: [['k', 3n]], rank: -2147483648, shares: 0n, ...fills });
    assert.deepEqual(rows[1], { inner: null, id: 2n, clicks: null, score: null, views: null, hist: [], colour: 'GREEN', counts: [], rank: 2147483647, shares: 4294967295n, ...fills });
    assert.deepEqual(rows[2], { inner: { x: null, z: 7 }, id: null, clicks: -2147483648n, score: Math.fround(0.1), views: 0n, hist: null, colour: null, counts: null, rank: null, shares: null, ...fills });
  });

  it('passes unchanged columns through as the same Data objects (no copies)', async () => {
    const out = await run(input, { reader: v2 });
    const id = input.schema.fields.findIndex((f) => f.name === 'id');
    assert.equal(out.data.children[1], input.data.children[id]);
    const color = input.schema.fields.findIndex((f) => f.name === 'color');
    assert.equal(out.data.children[6], input.data.children[color]);
  });

  it('with the writer schema known, renamed enum values read under their new names', async () => {
    const out = await run(input, { reader: v2, writer: v1 });
    assert.deepEqual(batchToRecords(out).map((r) => r.colour), ['ROUGE', 'GREEN', null]);
  });

  it('records the reader\'s message and fingerprint (and subject and version when given) in the metadata', async () => {
    const out = await run(input, { reader: v2, metadata: { [SCHEMA_METADATA.subject]: 'm', [SCHEMA_METADATA.version]: '2' } });
    assert.equal(out.schema.metadata.get(SCHEMA_METADATA.fingerprint), fingerprint(v2));
    assert.equal(out.schema.metadata.get(SCHEMA_METADATA.message), 'M');
    assert.equal(out.schema.metadata.get(SCHEMA_METADATA.version), '2');
    assert.equal(out.schema.metadata.get(SCHEMA_METADATA.subject), 'm');
  });

  it('an empty stream gives an empty stream under the reader schema', async () => {
    const out = await collect(applySchema(batchStream(input.schema, []), { reader: v2 }));
    assert.equal(out.length, 0);
  });

  it('an unsafe difference is exit 65 naming the field and both types, before any batch', () => {
    const narrow = model('syntax = "proto2";\nmessage M { optional int32 id = 1; }');
    const e = errorOf(() => applySchema(batchStream(input.schema, []), { reader: narrow }));
    assert.equal(e.exitCode, 65);
    assert.match(e.message, /column "id" \(field 1\) has type int64 in the data, the reader schema declares int32/);
    const text = model('syntax = "proto2";\nmessage M { optional bytes name = 3; }');
    assert.match(errorOf(() => planResolution(input.schema, { reader: text })).message, /column "name" \(field 3\) has type utf8 in the data, the reader schema declares binary/);
    const rep = model('syntax = "proto2";\nmessage M { repeated int64 id = 1; }');
    assert.match(errorOf(() => planResolution(input.schema, { reader: rep })).message, /singular data for a repeated field/);
    const nested = model('syntax = "proto2";\nmessage M { optional Inner inner = 8; message Inner { optional string x = 1; } }');
    assert.match(errorOf(() => planResolution(input.schema, { reader: nested })).message, /column "inner\.x" \(field 1\) has type int32 in the data, the reader schema declares utf8/);
  });

  it('a column whose type is not what the writer schema declares is exit 65 naming the column and both types', () => {
    const liar = model(V1.replace('optional int32 clicks = 2;', 'optional string clicks = 2;'), 'liar.proto');
    const e = errorOf(() => planResolution(input.schema, { reader: v2, writer: liar }));
    assert.equal(e.exitCode, 65);
    assert.match(e.message, /column "clicks" \(field 2\) has type int32, but liar\.proto declares utf8 \(string\)/);
  });

  it('columns without field ids need the writer schema (matched by name)', async () => {
    const bare = new Schema(input.schema.fields.map((f) => new Field(f.name, f.type, f.nullable)));
    const e = errorOf(() => planResolution(bare, { reader: v2 }));
    assert.equal(e.exitCode, 65);
    assert.match(e.message, /column "id" carries no field number .*--from/);
    const out = await run(new RecordBatch(bare, input.data), { reader: v2, writer: v1 });
    assert.deepEqual(batchToRecords(out)[0].clicks, 5n);
    const stranger = new Schema([new Field('who', new Int32())]);
    assert.match(errorOf(() => planResolution(stranger, { reader: v2, writer: v1 })).message, /column "who" is not a field of M in v1\.proto/);
  });

  it('two columns with one field number are exit 65', () => {
    const meta = new Map([[FIELD_ID_KEY, '1']]);
    const twice = new Schema([new Field('a', new Int32(), true, meta), new Field('b', new Int32(), true, meta)]);
    assert.match(errorOf(() => planResolution(twice, { reader: v2 })).message, /columns "a" and "b" both carry field number 1/);
  });
});

/** Five versions from one seed, each accepted by backward_transitive. */
function history(seed: number): { specs: VersionSpec[]; models: SchemaModel[] } {
  const rnd = prng(seed);
  const specs = [firstVersion(rnd)];
  for (let v = 2; v <= 5; v++) specs.push(evolve(specs[specs.length - 1], rnd, v));
  const models = specs.map((s, i) => modelOf(s, `v${i + 1}.proto`));
  return { specs, models };
}

function assertSameTable(actual: RecordBatch[], expected: RecordBatch, context: string): void {
  assert.deepEqual(
    actual[0]?.schema.fields.map((f) => [f.name, typeName(f.type), f.metadata.get(FIELD_ID_KEY)]) ?? [],
    actual.length ? expected.schema.fields.map((f) => [f.name, typeName(f.type), f.metadata.get(FIELD_ID_KEY)]) : [],
    context,
  );
  assert.deepEqual(actual.flatMap(batchToRecords), batchToRecords(expected), context);
}

describe('apply: property (random evolutions over 5 versions)', () => {
  it('data of every version, replayed to the last, equals the data written under the last directly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const { specs, models } = history(seed);
        for (let i = 1; i < models.length; i++) {
          const check = checkCompatibility(models.slice(0, i).map((m, k) => ({ model: m, label: `v${k + 1}` })), { model: models[i], label: `v${i + 1}` }, 'backward_transitive');
          assert.equal(check.compatible, true, `seed ${seed}: v${i + 1} refused: ${check.violations.map((v) => v.detail).join('; ')}`);
        }
        const rnd = prng(seed ^ 0x5bd1e995);
        const last = models[models.length - 1];
        for (let i = 0; i < models.length; i++) {
          const records = randomRecords(specs[i], rnd, 1 + Math.floor(rnd() * 12));
          const written = recordsToBatch(models[i], records);
          const expected = recordsToBatch(last, asReader(specs[i], specs[specs.length - 1], records));
          const byIds = await collect(applySchema(batchStream(written.schema, [written]), { reader: last }));
          assertSameTable(byIds, expected, `seed ${seed}, data of v${i + 1} by field ids`);
          const bare = new Schema(written.schema.fields.map((f) => new Field(f.name, f.type, f.nullable)));
          const byName = await collect(applySchema(batchStream(bare, [new RecordBatch(bare, written.data)]), { reader: last, writer: models[i] }));
          assertSameTable(byName, expected, `seed ${seed}, data of v${i + 1} by name with --from`);
        }
      }),
      { numRuns: Number(process.env.SCHEMA_PROPERTY_RUNS ?? 40) },
    );
  });

  it('the relay writes the same bytes as the batch operator, through files, in batches', async () => {
    const dir = scratch('relay');
    let relayed = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 9 }), async (seed, batchRows) => {
        const { specs, models } = history(seed);
        const rnd = prng(seed ^ 0x1234567);
        const first = 0;
        const records = randomRecords(specs[first], rnd, 25);
        const written = recordsToBatch(models[first], records);
        const input = path.join(dir, 'in.arrow');
        await writeBatchStream(limitBatchRows(batchStream(written.schema, [written]), batchRows), { file: input });
        const last = models[models.length - 1];
        const options = { reader: last };
        if (relayLayout(written.schema, planResolution(written.schema, options))) relayed++;
        const provenance = { command: 'test', params: {} };
        await replayArrow([input], () => options, { file: path.join(dir, 'relay.arrow'), provenance });
        await replayArrow([input], () => options, { file: path.join(dir, 'decoded.arrow'), provenance, validate: true });
        const a = fs.readFileSync(path.join(dir, 'relay.arrow'));
        const b = fs.readFileSync(path.join(dir, 'decoded.arrow'));
        assert.ok(a.equals(b), `seed ${seed}: relay and operator bytes differ`);
        const expected = recordsToBatch(last, asReader(specs[first], specs[specs.length - 1], records));
        const table = tableFromIPC(a);
        assertSameTable(table.batches, expected, `seed ${seed}`);
      }),
      { numRuns: Number(process.env.SCHEMA_PROPERTY_RUNS ?? 20) },
    );
    assert.ok(relayed > 0, 'no case took the relay');
  });
});

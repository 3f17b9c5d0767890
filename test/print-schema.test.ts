// --print-schema on every transform: an empty Arrow stream whose schema (fields,
// types, field and schema metadata) is exactly what the command writes for that
// input, computed from the input's schema message alone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Schema } from 'apache-arrow';
import { errorLine, readTable, runCli, scratchDir } from './helpers/cli.ts';

const dir = scratchDir('print-schema');
const V1 = 'fixtures/schema/demo/watch_events_v1.proto';
const V2 = 'fixtures/schema/demo/watch_events_v2.proto';
const FEATURES = 'fixtures/featurize/events.yaml';
const fitted = path.join(dir, 'fitted.json');
let events: Buffer;
let seqs: Buffer;
let watchV1: Buffer;

/** Everything a schema says, field metadata included, as comparable JSON. */
function describeSchema(schema: Schema, { rowDerivedKeys = [] as string[] } = {}): unknown {
  return {
    fields: schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable, metadata: Object.fromEntries(f.metadata) })),
    metadata: Object.fromEntries([...schema.metadata].map(([k, v]) => [k, rowDerivedKeys.includes(k) ? '(from the rows)' : v]).sort()),
  };
}

/** The schema message of a stream and the first bytes of its first batch: any read past the schema fails. */
function schemaThenTruncated(stream: Buffer): Buffer {
  assert.equal(stream.readUInt32LE(0), 0xffffffff);
  const schemaEnd = 8 + stream.readInt32LE(4);
  return stream.subarray(0, schemaEnd + 100);
}

async function run(args: string[], input: Buffer) {
  const r = await runCli(args, { input });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return readTable(r.stdout);
}

before(async () => {
  const gen = await runCli(['gen', 'events', '--events', '3000', '--seed', '5']);
  assert.equal(gen.code, 0, gen.stderr);
  events = gen.stdout;
  const enc = await runCli(['seq-encode'], { input: events });
  assert.equal(enc.code, 0, enc.stderr);
  seqs = enc.stdout;
  const sel = await runCli(['cat', '--select', 'user_id,item_id,action,duration_ms,device'], { input: events });
  assert.equal(sel.code, 0, sel.stderr);
  watchV1 = sel.stdout;
  const fit = await runCli(['gpu-featurize', 'fit', '--spec', FEATURES, '-o', fitted], { input: events });
  assert.equal(fit.code, 0, fit.stderr);
});

describe('--print-schema: the schema the command writes, from the input schema only', () => {
  const cases: { name: string; args: string[]; input: () => Buffer; rowDerivedKeys?: string[] }[] = [
    { name: 'cat', args: ['cat'], input: () => events },
    { name: 'cat --select', args: ['cat', '--select', 'ts,user_id'], input: () => events },
    { name: 'dpu-hash --cols --buckets', args: ['dpu-hash', '--cols', 'item_id,user_id', '--buckets', '1000', '--seed', '3'], input: () => events },
    { name: 'dpu-hash --cross --replace (murmur3)', args: ['dpu-hash', '--cols', 'device', '--cross', 'user_id,item_id', '--replace', '--algo', 'murmur3'], input: () => events },
    // The per-stream tables and models in the metadata are measured on the rows: print-schema gives an empty input's.
    { name: 'seq-encode', args: ['seq-encode', '--partition', 'day'], input: () => events, rowDerivedKeys: ['recdata.seq.header', 'recdata.seq.columns'] },
    { name: 'seq-decode', args: ['seq-decode'], input: () => seqs },
    { name: 'seq-decode --format lists', args: ['seq-decode', '--format', 'lists'], input: () => seqs },
    { name: 'schema-migrate apply', args: ['schema-migrate', 'apply', '--from', V1, '--to', V2], input: () => watchV1 },
    { name: 'gpu-featurize transform', args: ['gpu-featurize', 'transform', '--spec', fitted, '--keep', 'user_id'], input: () => events },
    { name: 'gpu-featurize transform --layout tensor', args: ['gpu-featurize', 'transform', '--spec', fitted, '--layout', 'tensor'], input: () => events },
  ];
  for (const c of cases) {
    it(`${c.name}: equals the schema of a real run`, async () => {
      const real = await run(c.args, c.input());
      assert.ok(real.numRows > 0);
      const r = await runCli([...c.args, '--print-schema'], { input: c.input() });
      assert.equal(r.code, 0, r.stderr);
      const schemaEnd = 8 + r.stdout.readInt32LE(4);
      assert.deepEqual([...r.stdout.subarray(schemaEnd)], [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], 'a schema message, then end-of-stream');
      const printed = readTable(r.stdout);
      assert.deepEqual(describeSchema(printed.schema, c), describeSchema(real.schema, c));
    });

    it(`${c.name}: reads nothing past the schema message`, async () => {
      const input = schemaThenTruncated(c.input());
      const real = await runCli(c.args, { input });
      assert.equal(real.code, 65, 'the real run reads the truncated batch and fails');
      const printed = await run([...c.args, '--print-schema'], input);
      assert.equal(printed.numRows, 0);
    });
  }

  it('writes -o FILE like any output', async () => {
    const out = path.join(dir, 'schema.arrow');
    const r = await runCli(['dpu-hash', '--cols', 'item_id', '--print-schema', '-o', out], { input: events });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readTable(fs.readFileSync(out)).schema.fields.map((f) => f.name).slice(-1), ['item_id_hash']);
  });

  it('an input schema the command cannot take fails as the real run does (exit 65, same message)', async () => {
    for (const args of [
      ['dpu-hash', '--cols', 'nosuch'],
      ['seq-encode', '--user', 'nosuch'],
      ['seq-decode'],
      ['cat', '--select', 'nosuch'],
      ['gpu-featurize', 'transform', '--spec', fitted],
    ]) {
      // (gpu-featurize: the stream's columns are not those the spec was fitted on)
      const input = args[0] === 'gpu-featurize' ? watchV1 : events;
      const real = await runCli(args, { input });
      const printed = await runCli([...args, '--print-schema'], { input });
      assert.equal(printed.code, 65, `${args.join(' ')}: ${printed.stderr}`);
      assert.equal(real.code, 65);
      assert.equal(errorLine(printed), errorLine(real));
    }
  });

  it('empty stdin is exit 65 with the usual message', async () => {
    const r = await runCli(['dpu-hash', '--cols', 'item_id', '--print-schema'], { input: Buffer.alloc(0) });
    assert.equal(r.code, 65);
    assert.match(errorLine(r), /no Arrow stream on stdin/);
  });

  it('a schema-only input (no batches) gives the same empty stream as without the flag', async () => {
    const empty = schemaThenTruncated(events).subarray(0, 8 + events.readInt32LE(4));
    const eos = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    const input = Buffer.concat([empty, eos]);
    const real = await run(['dpu-hash', '--cols', 'item_id'], input);
    const printed = await run(['dpu-hash', '--cols', 'item_id', '--print-schema'], input);
    assert.deepEqual(describeSchema(printed.schema), describeSchema(real.schema));
  });
});

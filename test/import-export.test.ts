// recdata import / export end to end: the built CLI, real files, real pipes.
// MovieLens (../shared/datasets) is real data: those tests skip when it is absent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Field, Schema, Table, tableToIPC, Vector } from 'apache-arrow';
import { column, dictionaryValues, makeBatch, typeName, utf8Column } from '@recdata/core';
import { parseTypeName } from '@recdata/core/formats';
import { datasetPath, errorLine, readTable, ROOT, runCli, runShell, scratchDir } from './helpers/cli.ts';

const FIXTURES = path.join(ROOT, 'fixtures', 'formats');
const fixture = (name: string) => path.join(FIXTURES, name);
const MOVIELENS = datasetPath('movielens-latest-small');

/** Column values of a table as plain values (BigInt for 64-bit integers and timestamps). */
function columnValues(table: Table, name: string): unknown[] {
  const out: unknown[] = [];
  const v = table.getChild(name)!;
  for (const d of v.data) {
    const raw = typeName(d.type).startsWith('timestamp') || typeName(d.type).endsWith('int64');
    const chunk = new Vector([d]);
    for (let i = 0; i < d.length; i++) out.push(!d.getValid(i) ? null : raw ? (d.values as BigInt64Array)[i] : chunk.get(i));
  }
  return out;
}

/** An events table shaped like `gen events`, built from typed arrays, with nulls. */
function eventsArrow(rows: number): Uint8Array {
  const type = (n: string) => parseTypeName(n)!;
  const schema = new Schema([
    new Field('user_id', type('uint64'), true),
    new Field('item_id', type('uint64'), true),
    new Field('ts', type('timestamp[ms]'), true),
    new Field('action', type('dict'), true),
    new Field('device', type('dict'), true),
    new Field('region', type('dict'), true),
    new Field('duration_ms', type('uint32'), true),
  ]);
  const valid = (every: number) => {
    const bits = new Uint8Array((rows + 7) >> 3).fill(0xff);
    for (let i = 0; i < rows; i += every) bits[i >> 3] &= ~(1 << (i & 7));
    return bits;
  };
  const idx = Array.from({ length: rows }, (_, i) => i);
  const batch = makeBatch(
    schema,
    [
      column.uint64(BigUint64Array.from(idx, (i) => 2n ** 64n - 1n - BigInt(i) * 7919n), valid(101)),
      column.uint64(BigUint64Array.from(idx, (i) => BigInt((i * 31) % 5000)), valid(17)),
      column.fixed(schema.fields[2].type, BigInt64Array.from(idx, (i) => 1_793_491_200_000n + BigInt(i * 1333)), rows),
      column.dictionary(schema.fields[3].type as any, Int32Array.from(idx, (i) => i % 4), dictionaryValues(['impression', 'click', 'play', 'add "to" cart, now']), valid(13)),
      column.dictionary(schema.fields[4].type as any, Int32Array.from(idx, (i) => i % 3), dictionaryValues(['ios', 'android', ''])),
      column.dictionary(schema.fields[5].type as any, Int32Array.from(idx, (i) => (i * 7) % 3), dictionaryValues(['eu', 'us', 'asia-pacific']), valid(11)),
      column.uint32(Uint32Array.from(idx, (i) => (i * 2654435761) % 4294967296), valid(5)),
    ],
    rows,
  );
  return tableToIPC(new Table([batch]), 'stream');
}

const EVENT_TYPES = 'user_id:uint64,item_id:uint64,ts:timestamp[ms],action:dict,device:dict,region:dict,duration_ms:uint32';

describe('import: bad input is one line on stderr with the DESIGN exit code', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['a row with too many fields', ['import', '--format', 'csv', fixture('too-many-fields.csv')], 65, /^recdata import: row has 4 fields, expected 3 \(.*too-many-fields\.csv:3\)$/],
    ['a row with too few fields', ['import', '--format', 'csv', fixture('too-few-fields.csv')], 65, /^recdata import: row has 2 fields, expected 3 \(.*too-few-fields\.csv:3\)$/],
    [
      'a value that does not parse as its declared type',
      ['import', '--format', 'csv', '--types', 'item_id:int64', fixture('bad-value.csv')],
      65,
      /^recdata import: cannot read "twenty" as int64 \(.*bad-value\.csv:3, column item_id\)$/,
    ],
    ['invalid UTF-8 (after a quoted line break)', ['import', '--format', 'csv', fixture('invalid-utf8.csv')], 65, /^recdata import: invalid UTF-8 \(byte 0xff\) \(.*invalid-utf8\.csv:5\)$/],
    ['a missing input file', ['import', '--format', 'csv', fixture('nope.csv')], 66, /^recdata import: cannot open .*nope\.csv: no such file$/],
    ['an unknown flag', ['import', '--format', 'csv', '--frobnicate', fixture('bad-value.csv')], 2, /^recdata import: Nonexistent flag: --frobnicate/],
    [
      'an unknown --types name, listing the valid names',
      ['import', '--format', 'csv', '--types', 'rating:decimal', fixture('bad-value.csv')],
      2,
      /^recdata import: expected a type name \(bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, utf8, binary, date32, timestamp\[s\], timestamp\[ms\], timestamp\[us\], timestamp\[ns\], dict; .*\) for --types, got "decimal"$/,
    ],
    ['--types naming a column the input lacks', ['import', '--format', 'csv', '--types', 'rate:float64', fixture('bad-value.csv')], 2, /^recdata import: expected columns of the input \(user_id, item_id, rating\) for --types, got "rate"$/],
    ['--format missing', ['import', fixture('bad-value.csv')], 2, /^recdata import: .*Missing required flag format/],
    ['--format unknown', ['import', '--format', 'xlsx', fixture('bad-value.csv')], 2, /^recdata import: Expected --format=xlsx to be one of: csv, tsv, jsonl, parquet/],
    ['a Parquet file that is not Parquet', ['import', '--format', 'parquet', fixture('bad-value.csv')], 65, /^recdata import: not a Parquet file: .*\(.*bad-value\.csv\)$/],
  ];
  for (const [what, args, code, message] of cases) {
    it(what, async () => {
      const r = await runCli(args);
      assert.equal(r.code, code, r.stderr);
      assert.match(errorLine(r), message);
      assert.equal(r.stdout.length, 0, 'nothing on stdout after a usage error or before the first batch');
    });
  }

  it('empty stdin is exit 65 "no CSV header"; a header alone is a valid empty stream', async () => {
    const empty = await runCli(['import', '--format', 'csv']);
    assert.equal(empty.code, 65);
    assert.match(errorLine(empty), /^recdata import: empty input: no CSV header \(stdin\)$/);
    const header = await runCli(['import', '--format', 'csv', '--types', 'b:int32'], { input: 'a,b\n' });
    assert.equal(header.code, 0, header.stderr);
    const t = readTable(header.stdout);
    assert.equal(t.numRows, 0);
    assert.deepEqual(t.schema.fields.map((f) => `${f.name}:${typeName(f.type)}`), ['a:utf8', 'b:int32']);
  });

  it('--skip-bad-rows leaves bad rows out and reports their count in one line', async () => {
    const r = await runCli(['import', '--format', 'csv', '--skip-bad-rows', '--types', 'item_id:int64', fixture('some-bad-rows.csv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(errorLine(r), /^recdata import: skipped 3 bad rows \(first: row has 2 fields, expected 3 \(.*some-bad-rows\.csv:3\)\)$/);
    const t = readTable(r.stdout);
    assert.deepEqual(columnValues(t, 'user_id'), [1n, 5n]);
  });

  it('a failed import leaves no output file behind', async () => {
    const dir = scratchDir('import-atomic');
    const out = path.join(dir, 'out.arrow');
    const r = await runCli(['import', '--format', 'csv', '-o', out, fixture('too-few-fields.csv')]);
    assert.equal(r.code, 65);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});

describe('export: bad input and usage', () => {
  it('rejects input that is not Arrow (65), a missing file (66), a missing or unknown --format (2)', async () => {
    const notArrow = await runCli(['export', '--format', 'csv', fixture('bad-value.csv')]);
    assert.equal(notArrow.code, 65);
    assert.match(errorLine(notArrow), /^recdata export: not an Arrow IPC stream/);
    const missing = await runCli(['export', '--format', 'csv', fixture('nope.arrow')]);
    assert.equal(missing.code, 66);
    assert.match(errorLine(missing), /^recdata export: cannot open .*nope\.arrow/);
    const noFormat = await runCli(['export'], { input: eventsArrow(3) });
    assert.equal(noFormat.code, 2);
    assert.match(errorLine(noFormat), /Missing required flag format/);
    const badFormat = await runCli(['export', '--format', 'xml'], { input: eventsArrow(3) });
    assert.equal(badFormat.code, 2);
    assert.match(errorLine(badFormat), /Expected --format=xml to be one of: csv, tsv, jsonl, parquet, table/);
  });

  it('ends quietly with exit 0 when the reader closes the pipe', async () => {
    const dir = scratchDir('export-epipe');
    fs.writeFileSync(path.join(dir, 'big.arrow'), eventsArrow(200_000));
    const r = await runShell('recdata export --format csv big.arrow | head -2', { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.toString().split('\n').length, 3);
  });
});

describe('round trips through real pipes', () => {
  it('events (uint64, timestamp[ms], dict, uint32, with nulls): export csv | import csv --types gives the same columns', async () => {
    const dir = scratchDir('roundtrip-events');
    fs.writeFileSync(path.join(dir, 'events.arrow'), eventsArrow(100_000));
    const r = await runShell(`recdata export --format csv events.arrow | recdata import --format csv --empty-as-null --types '${EVENT_TYPES}' > back.arrow`, { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const original = readTable(fs.readFileSync(path.join(dir, 'events.arrow')));
    const back = readTable(fs.readFileSync(path.join(dir, 'back.arrow')));
    assert.deepEqual(back.schema.fields.map((f) => typeName(f.type)), original.schema.fields.map((f) => typeName(f.type)));
    for (const f of original.schema.fields) assert.deepEqual(columnValues(back, f.name), columnValues(original, f.name), f.name);
    assert.equal(back.schema.metadata.get('recdata.command'), 'import');
    assert.equal(JSON.parse(back.schema.metadata.get('recdata.params')!).types, EVENT_TYPES);
  });

  it('gen events → export csv → import csv --types → cat: the same values and types, over random seeds', async () => {
    const dir = scratchDir('roundtrip-gen');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 30_000 }), fc.boolean(), async (seed, events, anomalies) => {
        const defects = anomalies ? ' --anomalies duplicates=0.01,out_of_order=0.01,null_item=0.01' : '';
        const r = await runShell(
          `recdata gen events --seed ${seed} --events ${events} --users 500${defects} > gen.arrow && recdata export --format csv gen.arrow | recdata import --format csv --types '${EVENT_TYPES}' | recdata cat > back.arrow`,
          { cwd: dir },
        );
        assert.equal(r.code, 0, r.stderr);
        const original = readTable(fs.readFileSync(path.join(dir, 'gen.arrow')));
        const back = readTable(fs.readFileSync(path.join(dir, 'back.arrow')));
        assert.equal(back.numRows, original.numRows);
        assert.deepEqual(back.schema.fields.map((f) => typeName(f.type)), original.schema.fields.map((f) => typeName(f.type)));
        for (const f of original.schema.fields) assert.deepEqual(columnValues(back, f.name), columnValues(original, f.name), f.name);
      }),
      { numRuns: 5 },
    );
  });

  it('parquet and jsonl: export then import gives the same values', async () => {
    const dir = scratchDir('roundtrip-parquet');
    fs.writeFileSync(path.join(dir, 'events.arrow'), eventsArrow(20_000));
    const r = await runShell(
      [
        'recdata export --format parquet events.arrow -o events.parquet',
        'recdata import --format parquet events.parquet > from-parquet.arrow',
        'cat events.parquet | recdata import --format parquet > from-stdin.arrow',
        'recdata export --format jsonl events.arrow | recdata import --format jsonl --types ' + `'${EVENT_TYPES}' > from-jsonl.arrow`,
      ].join(' && '),
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const original = readTable(fs.readFileSync(path.join(dir, 'events.arrow')));
    for (const name of ['from-parquet.arrow', 'from-stdin.arrow', 'from-jsonl.arrow']) {
      const back = readTable(fs.readFileSync(path.join(dir, name)));
      for (const f of original.schema.fields) assert.deepEqual(columnValues(back, f.name), columnValues(original, f.name), `${name} ${f.name}`);
    }
  });

  it('property: random tables → export csv → import csv --types → identical columns (the built CLI)', async () => {
    const dir = scratchDir('roundtrip-property');
    const kinds = ['bool', 'int8', 'int64', 'uint64', 'float32', 'float64', 'utf8', 'binary', 'date32', 'timestamp[s]', 'timestamp[ns, UTC]', 'dict'];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...kinds), { minLength: 1, maxLength: kinds.length }),
        fc.array(fc.tuple(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.double(), fc.string({ unit: 'grapheme' }), fc.boolean(), fc.nat(9)), { maxLength: 40 }),
        async (cols, rows) => {
          const n = rows.length;
          const schema = new Schema(cols.map((k, c) => new Field(`c${c}_${k.replace(/\W+/g, '')}`, parseTypeName(k)!, true)));
          const valid = Uint8Array.from({ length: (n + 7) >> 3 }, (_, i) => rows.slice(i * 8, i * 8 + 8).reduce((b, r, j) => b | (r[4] === 0 ? 0 : 1 << j), 0));
          const data = cols.map((k, c) => {
            const type = schema.fields[c].type;
            switch (k) {
              case 'bool':
                return column.bool(Uint8Array.from({ length: (n + 7) >> 3 }, (_, i) => rows.slice(i * 8, i * 8 + 8).reduce((b, r, j) => b | (r[3] ? 1 << j : 0), 0)), n, valid);
              case 'int8':
                return column.fixed(type, Int8Array.from(rows, (r) => Number(BigInt.asIntN(8, r[0]))), n, valid);
              case 'int64':
              case 'timestamp[s]':
              case 'timestamp[ns, UTC]':
                return column.fixed(type, BigInt64Array.from(rows, (r) => r[0]), n, valid);
              case 'uint64':
                return column.uint64(BigUint64Array.from(rows, (r) => BigInt.asUintN(64, r[0])), valid);
              case 'float32':
                return column.float32(Float32Array.from(rows, (r) => r[1]), valid);
              case 'float64':
                return column.float64(Float64Array.from(rows, (r) => r[1]), valid);
              case 'date32':
                return column.fixed(type, Int32Array.from(rows, (r) => Number(BigInt.asIntN(32, r[0]))), n, valid);
              case 'binary': {
                const bytes = rows.map((r) => Buffer.from(r[2]));
                const offsets = new Int32Array(n + 1);
                bytes.forEach((b, i) => (offsets[i + 1] = offsets[i] + b.length));
                return column.binary(offsets, Buffer.concat(bytes), valid);
              }
              case 'dict': {
                const uniq = [...new Set(rows.map((r) => r[2]))];
                return column.dictionary(type as any, Int32Array.from(rows, (r) => uniq.indexOf(r[2])), dictionaryValues(uniq), valid);
              }
              default:
                return utf8Column(rows.map((r) => (r[4] === 0 ? null : r[2])));
            }
          });
          const file = path.join(dir, `t${run++}.arrow`);
          fs.writeFileSync(file, tableToIPC(new Table(n > 0 ? [makeBatch(schema, data, n)] : schema), 'stream'));
          const types = schema.fields.map((f) => `${f.name}:${typeName(f.type)}`).join(',');
          const r = await runShell(`recdata export --format csv '${file}' | recdata import --format csv --empty-as-null --types '${types}'`);
          assert.equal(r.code, 0, r.stderr);
          const original = readTable(fs.readFileSync(file));
          const back = readTable(r.stdout);
          for (const f of schema.fields) assert.deepEqual(columnValues(back, f.name), columnValues(original, f.name), f.name);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('MovieLens (real data from ../shared/datasets)', { skip: MOVIELENS ? false : 'movielens-latest-small is absent' }, () => {
  const expected: Record<string, [string, number]> = {
    'ratings.csv': ['userId:int64 movieId:int64 rating:float64 timestamp:int64', 100836],
    'tags.csv': ['userId:int64 movieId:int64 tag:utf8 timestamp:int64', 3683],
    'movies.csv': ['movieId:int64 title:utf8 genres:utf8', 9742],
    // imdbId is written with leading zeros (0114709): a code, kept as text so nothing is lost
    'links.csv': ['movieId:int64 imdbId:utf8 tmdbId:int64', 9742],
  };
  for (const [file, [schema, rows]] of Object.entries(expected)) {
    it(`${file} imports with --format csv alone, with the right types`, async () => {
      const r = await runCli(['import', '--format', 'csv', path.join(MOVIELENS!, file)]);
      assert.equal(r.code, 0, r.stderr);
      const t = readTable(r.stdout);
      assert.equal(t.schema.fields.map((f) => `${f.name}:${typeName(f.type)}`).join(' '), schema);
      assert.equal(t.numRows, rows);
    });
  }

  it('movies.csv, tags.csv and links.csv (quoted titles, leading zeros) export back to the same text', async () => {
    for (const file of ['movies.csv', 'tags.csv', 'links.csv']) {
      const source = path.join(MOVIELENS!, file);
      const r = await runShell(`recdata import --format csv '${source}' | recdata export --format csv`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), fs.readFileSync(source, 'utf8').replace(/\r\n/g, '\n'), file);
    }
    const t = readTable((await runCli(['import', '--format', 'csv', path.join(MOVIELENS!, 'movies.csv')])).stdout);
    assert.equal(columnValues(t, 'title')[10], 'American President, The (1995)');
  });

  it('ratings timestamp reads as timestamp[s] when --types says so', async () => {
    const r = await runCli(['import', '--format', 'csv', '--types', 'timestamp:timestamp[s],userId:uint32', path.join(MOVIELENS!, 'ratings.csv')]);
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(r.stdout);
    assert.equal(typeName(t.schema.fields[3].type), 'timestamp[s]');
    assert.equal(typeName(t.schema.fields[0].type), 'uint32');
    assert.equal(columnValues(t, 'timestamp')[0], 964982703n);
  });
});

describe('help', () => {
  for (const command of ['import', 'export']) {
    it(`${command} --help shows examples that work`, async () => {
      const help = await runCli([command, '--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout.toString(), /EXAMPLES/);
      // The examples as --help shows them come from the manifest (oclif wraps long lines there).
      const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'cli', 'oclif.manifest.json'), 'utf8'));
      const commands: string[] = manifest.commands[command].examples.map((e: { command: string } | string) =>
        (typeof e === 'string' ? e : e.command).replace(/<%= config\.bin %>/g, 'recdata'),
      );
      assert.ok(commands.length >= 2, 'at least two examples');
      for (const c of commands) assert.ok(help.stdout.toString().includes(c.slice(0, 30)), `--help shows ${c}`);
      // Run each in a folder holding the files the examples name.
      const dir = scratchDir(`help-${command}`);
      fs.writeFileSync(path.join(dir, 'ratings.csv'), 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n');
      fs.writeFileSync(path.join(dir, 'events.tsv'), '1\t10\t2024-01-01T00:00:00\n2\t20\tbad\textra\n');
      fs.writeFileSync(path.join(dir, 'events.arrow'), eventsArrow(10));
      const toParquet = await runShell('recdata export --format parquet events.arrow -o part-0.parquet && cp part-0.parquet part-1.parquet', { cwd: dir });
      assert.equal(toParquet.code, 0, toParquet.stderr);
      for (const example of commands) {
        const r = await runShell(example, { cwd: dir });
        assert.equal(r.code, 0, `${example}\n${r.stderr}`);
      }
    });
  }
});

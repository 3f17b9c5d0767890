// CSV, TSV and JSONL import/export at the library level: the tokenizer against
// csv-parse, inference, nulls and empty strings, bad rows, chunk boundaries, and
// the exact round trip export → import over random tables of every type.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse as csvParse } from 'csv-parse/sync';
import { Data, DataType, Field, RecordBatch, Schema, Vector } from 'apache-arrow';
import { batchStream, collect, column, dictionaryValues, makeBatch, RecdataError, typeName, utf8Column } from '@recdata/core';
import { exportStream, openImport, type ImportOptions, parseTypeName, TYPE_NAMES } from '@recdata/core/formats';
import { CsvTokenizer } from '../src/formats/csv-tokenize.ts';
import { fieldText, FieldTableBuilder, QUOTED } from '../src/formats/field-table.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'recdata-formats-'));
let fileCounter = 0;
function tempPath(name: string): string {
  return path.join(scratch, `${fileCounter++}-${name}`);
}
function writeTemp(name: string, content: string | Uint8Array): string {
  const p = tempPath(name);
  fs.writeFileSync(p, content);
  return p;
}

async function importText(content: string | Uint8Array, options: Partial<ImportOptions> = {}) {
  const file = writeTemp('in.txt', content);
  const stream = await openImport([file], { format: 'csv', ...options });
  const batches = await collect(stream);
  return { schema: stream.schema, batches, stats: stream.stats, file };
}

/** Column `c` of the batches as plain values (BigInt for 64-bit integers and timestamps, base64 for binary). */
function values(batches: RecordBatch[], c: number): unknown[] {
  const out: unknown[] = [];
  for (const b of batches) {
    const d = b.data.children[c];
    const v = new Vector([d]);
    const name = typeName(d.type);
    for (let i = 0; i < d.length; i++) {
      if (!d.getValid(i)) out.push(null);
      else if (name === 'int64' || name === 'uint64' || name.startsWith('timestamp') || name.startsWith('float')) out.push((d.values as any)[i]);
      else if (name === 'binary') out.push(Buffer.from(v.get(i) as Uint8Array).toString('base64'));
      else if (name === 'date32') out.push((d.values as Int32Array)[i]);
      else out.push(v.get(i));
    }
  }
  return out;
}

async function expectError(p: Promise<unknown>, exitCode: number, pattern: RegExp): Promise<RecdataError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RecdataError, `expected a RecdataError, got ${(e as Error).stack}`);
    assert.equal(e.exitCode, exitCode, e.describe());
    assert.match(e.describe(), pattern);
    return e;
  }
  assert.fail('expected an error');
}

describe('CSV tokenizer', () => {
  /** Random records written with random quoting and line ends. */
  const csvText = fc
    .record({
      width: fc.integer({ min: 1, max: 4 }),
      rows: fc.array(fc.array(fc.oneof(fc.string(), fc.constantFrom('', ',', '"', 'a"b', '\n', 'x\r\ny', ' ', 'é€😀')), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
      quoteAll: fc.boolean(),
      crlf: fc.boolean(),
      finalNewline: fc.boolean(),
    })
    .map(({ width, rows, quoteAll, crlf, finalNewline }) => {
      const records = rows.map((r) => r.slice(0, width));
      const field = (f: string) => (quoteAll || /[",\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f);
      const eol = crlf ? '\r\n' : '\n';
      const text = records.map((r) => r.map(field).join(',')).join(eol) + (finalNewline ? eol : '');
      return { records, text, quoteAll };
    });

  it('cuts what csv-parse cuts, split at every possible chunk boundary', () => {
    fc.assert(
      fc.property(csvText, fc.integer({ min: 1, max: 16 }), ({ records, text, quoteAll }, step) => {
        const reference = csvParse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
        assert.deepEqual(reference, records);
        const bytes = new TextEncoder().encode(text);
        const tokenizer = new CsvTokenizer(0x2c, 'test');
        tokenizer.skipBlankLines = false;
        const got: string[][] = [];
        let carry = new Uint8Array(0);
        for (let at = 0; at < bytes.length || carry.length > 0; at += step) {
          const chunk = bytes.subarray(at, Math.min(bytes.length, at + step));
          const buf = new Uint8Array(carry.length + chunk.length);
          buf.set(carry);
          buf.set(chunk, carry.length);
          const last = at + step >= bytes.length;
          const t = new FieldTableBuilder();
          t.reset(buf);
          const used = tokenizer.tokenize(buf, 0, last, t);
          for (let r = 0; r < t.records; r++) {
            const row: string[] = [];
            for (let f = t.recordFirst[r]; f < t.recordFirst[r + 1]; f++) {
              row.push(fieldText(t, f));
              if (quoteAll) assert.ok(t.flags[f] & QUOTED, 'every field was quoted');
            }
            got.push(row);
          }
          carry = buf.slice(used);
          if (last) break;
        }
        assert.deepEqual(got, records);
      }),
      { numRuns: 500 },
    );
  });

  it('counts lines across quoted line breaks for error messages', async () => {
    const csv = 'a,b\n1,"two\nlines"\n3,"x"\n4\n';
    const e = await expectError(importText(csv), 65, /row has 1 fields, expected 2 \(.*:5\)/);
    assert.equal(e.where?.line, 5);
  });
});

describe('type inference', () => {
  it('infers every rule from the first rows', async () => {
    const csv = [
      'i,f,b,d,s,ms,us,ns,utc,mixed,text,empty,big,nan',
      '1,1.5,true,2024-01-31,2024-01-31T10:00:00,2024-01-31T10:00:00.123,2024-01-31 10:00:00.123456,2024-01-31T10:00:00.123456789,2024-01-31T10:00:00Z,2024-01-31T10:00:00.5,x,,99999999999999999999,NaN',
      '-2,3,FALSE,1970-01-01,2024-02-01T00:00:00,2024-02-01T00:00:00,2024-02-01T00:00:00.1,2024-02-01T00:00:00,2024-02-01T00:00:00+00:00,2024-02-01,1,,1,1.5',
    ].join('\n');
    const { schema } = await importText(csv);
    assert.deepEqual(
      schema.fields.map((f) => `${f.name}:${typeName(f.type)}`),
      [
        'i:int64',
        'f:float64',
        'b:bool',
        'd:date32',
        's:timestamp[s]',
        'ms:timestamp[ms]',
        'us:timestamp[us]',
        'ns:timestamp[ns]',
        'utc:timestamp[s, UTC]',
        'mixed:timestamp[ms]',
        'text:utf8',
        'empty:utf8',
        'big:utf8',
        'nan:float64',
      ],
    );
  });

  it('looks at --infer-rows rows only; a later value that does not fit fails with its line and column', async () => {
    const csv = 'n\n1\n2\nx\n';
    await expectError(importText(csv, { inferRows: 2 }), 65, /cannot read "x" as int64 \(.*:4, column n\)/);
    const { schema } = await importText(csv, { inferRows: 3 });
    assert.equal(typeName(schema.fields[0].type), 'utf8');
  });

  it('gives utf8 columns for a header with no rows, and --types wins', async () => {
    const a = await importText('a,b\n');
    assert.deepEqual(a.schema.fields.map((f) => typeName(f.type)), ['utf8', 'utf8']);
    assert.equal(a.batches.length, 0);
    const b = await importText('a,b\n', { types: 'b:uint64' });
    assert.deepEqual(b.schema.fields.map((f) => typeName(f.type)), ['utf8', 'uint64']);
    await expectError(importText('a,b\n', { types: 'c:int8' }), 2, /--types, got "c"/);
  });
});

describe('nulls and empty strings', () => {
  const csv = 'u,d,n,bin\n"",x,1,""\n,"",,\n' + 'plain,,2,AAE=\n';
  it('reads an empty utf8 field as "" by default, null with --empty-as-null; "" always stays a string', async () => {
    const plain = await importText(csv, { types: 'd:dict,bin:binary' });
    assert.deepEqual(values(plain.batches, 0), ['', '', 'plain']);
    const nulls = await importText(csv, { types: 'd:dict,bin:binary', emptyAsNull: true });
    assert.deepEqual(values(nulls.batches, 0), ['', null, 'plain']);
    // dict and binary: unquoted empty is null, quoted empty the empty value; numbers: null
    assert.deepEqual(values(nulls.batches, 1), ['x', '', null]);
    assert.deepEqual(values(nulls.batches, 2), [1n, null, 2n]);
    assert.deepEqual(values(nulls.batches, 3), ['', null, 'AAE=']);
  });

  it('reads a single-column file whose blank line is a null row', async () => {
    const { batches } = await importText('s\nx\n\n""\n', { emptyAsNull: true });
    assert.deepEqual(values(batches, 0), ['x', null, '']);
  });
});

describe('bad input', () => {
  it('names file:line for too many and too few fields, and the column for bad values', async () => {
    await expectError(importText('a,b\n1,2\n3,4,5\n'), 65, /row has 3 fields, expected 2 \(.*in\.txt:3\)/);
    await expectError(importText('a,b\n1,2\n3\n'), 65, /row has 1 fields, expected 2 \(.*in\.txt:3\)/);
    await expectError(importText('a,b\n1,2\n3,x\n', { types: 'b:int32' }), 65, /cannot read "x" as int32 \(.*in\.txt:3, column b\)/);
    await expectError(importText('a\n300\n', { types: 'a:uint8' }), 65, /cannot read "300" as uint8: out of range for uint8/);
    await expectError(importText('a\n-1\n', { types: 'a:uint64' }), 65, /negative value in an unsigned column/);
    await expectError(importText('a\n9223372036854775808\n', { types: 'a:int64' }), 65, /out of range for int64/);
    await expectError(importText('t\n2024-01-01T00:00:00.1234\n', { types: 't:timestamp[ms]' }), 65, /finer than timestamp\[ms\]/);
    await expectError(importText('a\n"open\n'), 65, /quoted field never ends \(.*:2\)/);
    await expectError(importText('a\n"x"y\n'), 65, /quoted field is followed by "y"/);
    await expectError(importText(''), 65, /empty input: no CSV header/);
  });

  it('finds the line of invalid UTF-8, wherever chunks end', async () => {
    const head = 'a,b\n' + 'xx,1\n'.repeat(20);
    const bytes = Buffer.concat([Buffer.from(head), Buffer.from([0x79, 0xc3, 0x28, 0x2c, 0x32, 0x0a]), Buffer.from('z,3\n')]);
    for (const chunkBytes of [undefined, 3, 7, 64]) {
      await expectError(importText(bytes, { chunkBytes }), 65, /invalid UTF-8 \(byte 0xc3\) \(.*:22\)/);
    }
    // a multi-byte character cut by a chunk boundary is fine
    const ok = await importText('s\n' + 'é€😀\n'.repeat(10), { chunkBytes: 5 });
    assert.deepEqual(values(ok.batches, 0), Array(10).fill('é€😀'));
  });

  it('skips and counts bad rows with --skip-bad-rows, keeping the good ones in order', async () => {
    const csv = 'a,b\n1,2\n3\n4,x\n5,6\n7,8,9\n9,10\n';
    const { batches, stats } = await importText(csv, { types: 'b:int64', skipBadRows: true, batchSize: 2 });
    assert.deepEqual(values(batches, 0), [1n, 5n, 9n]);
    assert.deepEqual(values(batches, 1), [2n, 6n, 10n]);
    assert.equal(stats.badRows, 3);
    assert.match(stats.firstBadRow!, /row has 1 fields, expected 2 \(.*:3\)/);
  });

  it('checks that every input has the first one\'s header', async () => {
    const a = writeTemp('a.csv', 'x,y\n1,2\n');
    const b = writeTemp('b.csv', 'x,z\n3,4\n');
    const c = writeTemp('c.csv', 'x,y\n3,4\n');
    const both = await collect(await openImport([a, c], { format: 'csv' }));
    assert.deepEqual(values(both, 0), [1n, 3n]);
    await expectError(collect(await openImport([a, b], { format: 'csv' })), 65, /header differs/);
    await expectError(openImport([a, path.join(scratch, 'missing.csv')], { format: 'csv' }), 66, /cannot open .*missing\.csv: no such file/);
  });
});

describe('headers and batches', () => {
  it('reads --no-header input with --columns, or names columns column_N', async () => {
    const named = await importText('1,a\n2,b\n', { header: false, columns: ['id', 'name'] });
    assert.deepEqual(named.schema.fields.map((f) => f.name), ['id', 'name']);
    assert.deepEqual(values(named.batches, 0), [1n, 2n]);
    const auto = await importText('1\t2\n', { format: 'tsv', header: false });
    assert.deepEqual(auto.schema.fields.map((f) => f.name), ['column_1', 'column_2']);
    await expectError(importText('a,b\n1,2\n', { columns: ['only'] }), 2, /--columns names 1 columns but the header has 2/);
  });

  it('cuts batches of --batch-size rows, with one dictionary for the whole stream', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `${i},${['click', 'view', 'buy'][i % 3]}${i > 2000 ? i % 5 : ''}`);
    const { batches } = await importText('n,action\n' + rows.join('\n'), { batchSize: 1000, types: 'action:dict', chunkBytes: 4096 });
    assert.deepEqual(batches.map((b) => b.numRows), [1000, 1000, 500]);
    assert.deepEqual(values(batches, 1).slice(0, 3), ['click', 'view', 'buy']);
    assert.equal(values(batches, 1)[2499], `${['click', 'view', 'buy'][2499 % 3]}${2499 % 5}`);
    // later batches only add new values (dictionary deltas): the first chunk stays the same
    assert.equal(batches[1].data.children[1].dictionary!.data[0], batches[0].data.children[1].dictionary!.data[0]);
  });
});

describe('JSON Lines', () => {
  const FIXTURE = path.resolve(import.meta.dirname, '../../../fixtures/formats/events.jsonl');

  it('reads keys as columns, numbers digit for digit, nested values as JSON text, missing keys as null', async () => {
    const stream = await openImport([FIXTURE], { format: 'jsonl' });
    const batches = await collect(stream);
    assert.deepEqual(stream.schema.fields.map((f) => `${f.name}:${typeName(f.type)}`), ['user_id:utf8', 'ts:timestamp[ms, UTC]', 'tags:utf8', 'score:float64']);
    assert.deepEqual(values(batches, 0), ['1', '18446744073709551615', '3']); // past int64: text, losslessly
    assert.deepEqual(values(batches, 1), [1714557600250n, 1714557601000n, 1714557602500n]);
    assert.deepEqual(values(batches, 2), ['["a", "b"]', null, null]);
    assert.ok(Object.is(values(batches, 3)[0], 0.5) && Number.isNaN(values(batches, 3)[1] as number) && values(batches, 3)[2] === -1000);
    const typed = await collect(await openImport([FIXTURE], { format: 'jsonl', types: 'user_id:uint64' }));
    assert.deepEqual(values(typed, 0), [1n, 18446744073709551615n, 3n]);
  });

  it('names the line of a malformed object or an unknown key; --columns picks keys', async () => {
    const good = '{"a": 1, "b": "x"}\n';
    await expectError(importText(good + '{"a": 2, "b": }\n', { format: 'jsonl' }), 65, /malformed JSON: expected a value \(.*:2\)/);
    await expectError(importText(good + '\n{"a": 2, "c": 1}\n', { format: 'jsonl', inferRows: 1 }), 65, /key "c" is not a column .* \(.*:3\)/);
    await expectError(importText(good + '[1, 2]\n', { format: 'jsonl' }), 65, /not a JSON object \(.*:2\)/);
    await expectError(importText(good + '{"a": "z"}\n', { format: 'jsonl', types: 'a:int64' }), 65, /cannot read "z" as int64 \(.*:2, column a\)/);
    const picked = await importText(good + '{"a": 2, "c": 1}\n', { format: 'jsonl', columns: ['c', 'a'] });
    assert.deepEqual(picked.schema.fields.map((f) => f.name), ['c', 'a']);
    assert.deepEqual(values(picked.batches, 0), [null, 1n]);
    const skipped = await importText(good + '{"a": 2, "b": }\n{"a": 3}\n', { format: 'jsonl', skipBadRows: true });
    assert.deepEqual(values(skipped.batches, 0), [1n, 3n]);
    assert.equal(skipped.stats.badRows, 1);
  });
});

// ---------------------------------------------------------------------------
// Round trip: random tables of every type → export → import --types → the same.

const KINDS = [...TYPE_NAMES, 'timestamp[ms, UTC]', 'timestamp[ns, UTC]'];
const INT_RANGE: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ',', '"', '""', '\n', '\r\n', '\t', 'a,"b"', ' lead', 'NaN', 'null', '1'));
const int64 = (min: bigint, max: bigint) => fc.oneof(fc.bigInt({ min, max }), fc.constantFrom(min, max, 0n, 1n), fc.bigInt({ min: -1000n > min ? -1000n : min, max: 1000n }));

function valueArb(kind: string): fc.Arbitrary<unknown> {
  if (INT_RANGE[kind]) return fc.integer({ min: INT_RANGE[kind][0], max: INT_RANGE[kind][1] });
  if (kind === 'int64') return int64(-(2n ** 63n), 2n ** 63n - 1n);
  if (kind === 'uint64') return int64(0n, 2n ** 64n - 1n);
  if (kind.startsWith('timestamp')) return fc.oneof(int64(-(2n ** 63n), 2n ** 63n - 1n), fc.bigInt({ min: 0n, max: 2000000000000000000n }));
  switch (kind) {
    case 'bool':
      return fc.boolean();
    case 'float32':
      return fc.oneof(fc.float(), fc.constantFrom(NaN, -0, Infinity, -Infinity));
    case 'float64':
      return fc.oneof(fc.double(), fc.constantFrom(NaN, -0, Infinity, -Infinity, 0.1, 1e21, 5e-324));
    case 'date32':
      return fc.oneof(fc.integer({ min: -2147483648, max: 2147483647 }), fc.integer({ min: -1000000, max: 1000000 }));
    case 'binary':
      return fc.uint8Array({ maxLength: 9 });
    default:
      return text; // utf8, dict
  }
}

interface ColumnSpec {
  name: string;
  kind: string;
  values: unknown[];
}

const tableArb = fc.integer({ min: 0, max: 25 }).chain((rows) =>
  fc.uniqueArray(fc.record({ name: fc.string({ maxLength: 6 }), kind: fc.constantFrom(...KINDS) }), { minLength: 1, maxLength: 5, selector: (c) => c.name }).chain((cols) =>
    fc.tuple(...cols.map((c) => fc.array(fc.option(valueArb(c.kind), { nil: null, freq: 4 }), { minLength: rows, maxLength: rows }))).map((vals) =>
      cols.map((c, i): ColumnSpec => ({ ...c, values: vals[i] })),
    ),
  ),
);

function validityOf(vals: unknown[]): Uint8Array {
  const bits = new Uint8Array((vals.length + 7) >> 3);
  vals.forEach((v, i) => {
    if (v !== null) bits[i >> 3] |= 1 << (i & 7);
  });
  return bits;
}

/** A column built the way the product builds them: typed arrays, no vectorFromArray. */
function buildColumn(type: DataType, kind: string, vals: unknown[]): Data {
  const valid = validityOf(vals);
  const n = vals.length;
  const or0 = <T,>(v: unknown, zero: T) => (v === null ? zero : (v as T));
  if (INT_RANGE[kind] || kind.startsWith('float') || kind === 'date32') {
    const Ctor = { int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array, date32: Int32Array }[kind]!;
    return column.fixed(type, Ctor.from(vals.map((v) => or0(v, 0))), n, valid);
  }
  if (kind === 'int64' || kind.startsWith('timestamp')) return column.fixed(type, BigInt64Array.from(vals.map((v) => or0(v, 0n))), n, valid);
  if (kind === 'uint64') return column.fixed(type, BigUint64Array.from(vals.map((v) => or0(v, 0n))), n, valid);
  if (kind === 'bool') {
    const bits = new Uint8Array((n + 7) >> 3);
    vals.forEach((v, i) => v === true && (bits[i >> 3] |= 1 << (i & 7)));
    return column.bool(bits, n, valid);
  }
  if (kind === 'binary') {
    const offsets = new Int32Array(n + 1);
    const parts = vals.map((v) => (v as Uint8Array | null) ?? new Uint8Array(0));
    parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
    const bytes = new Uint8Array(offsets[n]);
    parts.forEach((p, i) => bytes.set(p, offsets[i]));
    return column.binary(offsets, bytes, valid);
  }
  if (kind === 'dict') {
    const uniques = [...new Set(vals.filter((v) => v !== null) as string[])];
    const codes = Int32Array.from(vals.map((v) => (v === null ? 0 : uniques.indexOf(v as string))));
    return column.dictionary(type as any, codes, dictionaryValues(uniques), valid);
  }
  return utf8Column(vals as (string | null)[]);
}

function expected(spec: ColumnSpec): unknown[] {
  if (spec.kind === 'binary') return spec.values.map((v) => (v === null ? null : Buffer.from(v as Uint8Array).toString('base64')));
  if (spec.kind === 'float32') return spec.values.map((v) => (v === null ? null : Math.fround(v as number)));
  if (spec.kind === 'uint64') return spec.values.map((v) => (v === null ? null : BigInt.asUintN(64, v as bigint)));
  return spec.values;
}

async function roundTrip(specs: ColumnSpec[], format: 'csv' | 'tsv' | 'jsonl', chunkBytes?: number) {
  const schema = new Schema(specs.map((s) => new Field(s.name, parseTypeName(s.kind)!, true)));
  const rows = specs[0].values.length;
  const batch = makeBatch(schema, specs.map((s, i) => buildColumn(schema.fields[i].type, s.kind, s.values)), rows);
  const file = tempPath(`t.${format}`);
  await exportStream(batchStream(schema, rows > 0 ? [batch] : []), { format, file });
  const types = new Map(specs.map((s) => [s.name, parseTypeName(s.kind)!]));
  const stream = await openImport([file], { format, types, emptyAsNull: true, chunkBytes, batchSize: 7 });
  const batches = await collect(stream);
  return { schema: stream.schema, batches, text: fs.readFileSync(file, 'utf8') };
}

describe('round trip: export then import gives back identical columns', () => {
  for (const format of ['csv', 'tsv', 'jsonl'] as const) {
    it(`${format}: random tables of every type, nulls, empty strings, quotes, extremes, NaN/±Infinity/-0`, async () => {
      await fc.assert(
        fc.asyncProperty(tableArb, fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }), async (specs, chunkBytes) => {
          const { schema, batches, text } = await roundTrip(specs, format, chunkBytes);
          assert.deepEqual(schema.fields.map((f) => [f.name, typeName(f.type)]), specs.map((s) => [s.name, typeName(parseTypeName(s.kind)!)]));
          specs.forEach((s, c) => assert.deepEqual(values(batches, c), expected(s), `column ${JSON.stringify(s.name)} (${s.kind}) from:\n${text}`));
        }),
        { numRuns: format === 'csv' ? 300 : 120 },
      );
    });
  }

  it('events: uint64 ids, timestamp[ms], dict columns and uint32 with nulls survive CSV exactly', async () => {
    const n = 5000;
    const pick = <T,>(xs: T[], i: number) => xs[(i * 7919) % xs.length];
    const specs: ColumnSpec[] = [
      { name: 'user_id', kind: 'uint64', values: Array.from({ length: n }, (_, i) => (i % 97 === 0 ? null : 18446744073709551615n - BigInt(i * 1_000_003))) },
      { name: 'item_id', kind: 'uint64', values: Array.from({ length: n }, (_, i) => BigInt(i % 1000)) },
      { name: 'ts', kind: 'timestamp[ms]', values: Array.from({ length: n }, (_, i) => 1_700_000_000_000n + BigInt(i * 1234)) },
      { name: 'action', kind: 'dict', values: Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : pick(['click', 'view', 'purchase', 'add to cart, then "buy"'], i))) },
      { name: 'device', kind: 'dict', values: Array.from({ length: n }, (_, i) => pick(['ios', 'android', 'web', ''], i)) },
      { name: 'region', kind: 'dict', values: Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : pick(['eu', 'us', 'apac'], i))) },
      { name: 'duration_ms', kind: 'uint32', values: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : (i * 2654435761) % 4294967296)) },
    ];
    const { batches, text } = await roundTrip(specs, 'csv');
    const lines = text.split('\n');
    assert.equal(lines[0], 'user_id,item_id,ts,action,device,region,duration_ms');
    assert.equal(lines[1], ',0,2023-11-14T22:13:20.000,,ios,,');
    assert.equal(lines[2], '18446744073708551612,1,2023-11-14T22:13:21.234,"add to cart, then ""buy""","",apac,2654435761');
    specs.forEach((s, c) => assert.deepEqual(values(batches, c), expected(s), s.name));
  });
});

describe('export text', () => {
  it('writes every type in its documented form (golden)', async () => {
    const specs: ColumnSpec[] = [
      { name: 'b', kind: 'bool', values: [true, false, null] },
      { name: 'i8', kind: 'int8', values: [-128, 127, null] },
      { name: 'i64', kind: 'int64', values: [-(2n ** 63n), 2n ** 63n - 1n, null] },
      { name: 'u64', kind: 'uint64', values: [2n ** 64n - 1n, 0n, null] },
      { name: 'f32', kind: 'float32', values: [0.1, -0, NaN] },
      { name: 'f64', kind: 'float64', values: [1e21, -Infinity, 5e-324] },
      { name: 's', kind: 'utf8', values: ['a,"b"', '', null] },
      { name: 'bin', kind: 'binary', values: [new Uint8Array([0, 255]), new Uint8Array(0), null] },
      { name: 'd', kind: 'date32', values: [0, -719528, 2932897] },
      { name: 'ts_s', kind: 'timestamp[s]', values: [0n, -1n, null] },
      { name: 'ts_ms', kind: 'timestamp[ms, UTC]', values: [1700000000123n, 0n, null] },
      { name: 'ts_us', kind: 'timestamp[us]', values: [1700000000123456n, -1n, null] },
      { name: 'ts_ns', kind: 'timestamp[ns, UTC]', values: [1700000000123456789n, 2n ** 63n - 1n, null] },
      { name: 'dict', kind: 'dict', values: ['x y', '', null] },
    ];
    const schema = new Schema(specs.map((s) => new Field(s.name, parseTypeName(s.kind)!, true)));
    const batch = makeBatch(schema, specs.map((s, i) => buildColumn(schema.fields[i].type, s.kind, s.values)), 3);
    const golden = path.resolve(import.meta.dirname, '../../../fixtures/formats');
    for (const format of ['csv', 'jsonl'] as const) {
      const file = process.env.RECDATA_WRITE_GOLDEN ? path.join(golden, `all-types.${format}`) : tempPath(`golden.${format}`);
      await exportStream(batchStream(schema, [batch]), { format, file });
      assert.equal(fs.readFileSync(file, 'utf8'), fs.readFileSync(path.join(golden, `all-types.${format}`), 'utf8'), format);
    }
  });
});

// Parquet through parquet-wasm: the parquet-testing files read to exactly their
// expected values (real data, from ../shared/datasets), and our own files read back
// identically, by us and by pyarrow.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse as csvParse } from 'csv-parse/sync';
import { Field, RecordBatch, Schema, Vector } from 'apache-arrow';
import { batchStream, collect, column, dictionaryValues, makeBatch, RecdataError, typeName, utf8Column, openOutput, commitOutput } from '@recdata/core';
import { exportStream, openImport, parseTypeName } from '@recdata/core/formats';
import { writeParquet } from '../src/formats/parquet.ts';

const DATASET = path.resolve(import.meta.dirname, '../../../../shared/datasets/parquet-testing');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'recdata-parquet-'));

/** Every cell as text (the form the _expect.csv files use), null as null. */
function cells(batches: RecordBatch[]): (string | null)[][] {
  const rows: (string | null)[][] = [];
  for (const b of batches) {
    const cols = b.data.children.map((d) => new Vector([d]));
    for (let i = 0; i < b.numRows; i++) rows.push(cols.map((v) => (v.isValid(i) ? String(v.get(i)) : null)));
  }
  return rows;
}

/** An _expect.csv with unquoted empty fields as nulls (csv-parse tells quoted ones apart). */
function expectedCells(file: string): { header: string[]; rows: (string | null)[][] } {
  const all = csvParse(fs.readFileSync(file), { cast: (value: string, ctx: { quoting: boolean }) => (value === '' && !ctx.quoting ? null : value) }) as (string | null)[][];
  return { header: all[0] as string[], rows: all.slice(1) };
}

describe('parquet-testing files (real data from ../shared/datasets)', { skip: fs.existsSync(DATASET) ? false : `${DATASET} is absent` }, () => {
  for (const name of ['delta_binary_packed', 'delta_byte_array']) {
    it(`${name}.parquet reads to exactly ${name}_expect.csv`, async () => {
      const stream = await openImport([path.join(DATASET, `${name}.parquet`)], { format: 'parquet' });
      const batches = await collect(stream);
      const expected = expectedCells(path.join(DATASET, `${name}_expect.csv`));
      assert.deepEqual(stream.schema.fields.map((f) => f.name), expected.header);
      assert.deepEqual(cells(batches), expected.rows);
    });
  }

  it('delta_binary_packed keeps INT64 as int64 (every digit) and INT32 as int32', async () => {
    const stream = await openImport([path.join(DATASET, 'delta_binary_packed.parquet')], { format: 'parquet' });
    assert.equal(typeName(stream.schema.fields[0].type), 'int64');
    assert.equal(typeName(stream.schema.fields[65].type), 'int32');
    const [first] = await collect(stream);
    assert.equal(first.data.children[0].values[0], 6374628540732951412n);
  });

  it('delta_length_byte_array.parquet reads its 1000 FRUIT values', async () => {
    const batches = await collect(await openImport([path.join(DATASET, 'delta_length_byte_array.parquet')], { format: 'parquet', batchSize: 300 }));
    assert.deepEqual(batches.map((b) => b.numRows), [300, 300, 300, 100]);
    assert.deepEqual(cells(batches).map((r) => r[0]), Array.from({ length: 1000 }, (_, i) => `apple_banana_mango${i * i}`));
  });
});

function sampleSchemaAndBatch(rows: number, offset = 0) {
  const schema = new Schema(
    ['bool', 'int8', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'utf8', 'binary', 'date32', 'timestamp[ms, UTC]', 'timestamp[ns]', 'dict'].map(
      (k) => new Field(k, parseTypeName(k)!, true),
    ),
  );
  const valid = new Uint8Array((rows + 7) >> 3).fill(0xff);
  for (let i = 0; i < rows; i += 3) valid[i >> 3] &= ~(1 << (i & 7));
  const idx = Array.from({ length: rows }, (_, i) => i + offset);
  const words = ['', 'a,b', 'ünï', '"q"'];
  const data = [
    column.bool(Uint8Array.from({ length: (rows + 7) >> 3 }, (_, i) => (0x55 * (i + 1)) & 0xff), rows, valid),
    column.fixed(schema.fields[1].type, Int8Array.from(idx, (i) => (i % 256) - 128), rows, valid),
    column.uint32(Uint32Array.from(idx, (i) => 4294967295 - i), valid),
    column.int64(BigInt64Array.from(idx, (i) => -(2n ** 63n) + BigInt(i)), valid),
    column.uint64(BigUint64Array.from(idx, (i) => 2n ** 64n - 1n - BigInt(i)), valid),
    column.float32(Float32Array.from(idx, (i) => (i % 7 === 1 ? NaN : i / 3)), valid),
    column.float64(Float64Array.from(idx, (i) => (i % 5 === 1 ? -0 : i * 1e300)), valid),
    utf8Column(idx.map((i) => (i % 3 === 0 ? null : words[i % 4]))),
    column.binary(Int32Array.from({ length: rows + 1 }, (_, i) => i), Uint8Array.from(idx, (i) => i & 0xff), valid),
    column.fixed(schema.fields[9].type, Int32Array.from(idx, (i) => i * 1000 - 500000), rows, valid),
    column.fixed(schema.fields[10].type, BigInt64Array.from(idx, (i) => 1700000000000n + BigInt(i)), rows, valid),
    column.fixed(schema.fields[11].type, BigInt64Array.from(idx, (i) => 2n ** 62n + BigInt(i)), rows, valid),
    column.dictionary(schema.fields[12].type as any, Int32Array.from(idx, (i) => i % 3), dictionaryValues(['click', 'view', '']), valid),
  ];
  return { schema, batch: makeBatch(schema, data, rows) };
}

function rowsOf(batches: RecordBatch[]): string[] {
  const out: string[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      out.push(
        b.data.children
          .map((d) => {
            const v = new Vector([d]);
            if (!v.isValid(i)) return 'null';
            const x = typeName(d.type).startsWith('timestamp') || typeName(d.type).endsWith('int64') ? (d.values as BigInt64Array)[i] : v.get(i);
            return typeof x === 'number' ? (Object.is(x, -0) ? '-0' : String(x)) : x instanceof Uint8Array ? `b${[...x]}` : String(x);
          })
          .join('|'),
      );
    }
  }
  return out;
}

describe('Parquet written by export', () => {
  it('reads back with the same types and values (every import type, nulls, NaN, -0, extremes)', async () => {
    const { schema, batch } = sampleSchemaAndBatch(100);
    const file = path.join(scratch, 'all.parquet');
    await exportStream(batchStream(schema, [batch, batch.slice(10, 60)]), { format: 'parquet', file, compression: 'snappy' });
    const stream = await openImport([file], { format: 'parquet' });
    assert.deepEqual(stream.schema.fields.map((f) => typeName(f.type)), schema.fields.map((f) => typeName(f.type)));
    assert.deepEqual(rowsOf(await collect(stream)), rowsOf([batch, batch.slice(10, 60)]));
  });

  it('writes row groups as it goes and reads them one at a time, in order', async () => {
    const file = path.join(scratch, 'groups.parquet');
    const batches = [0, 1, 2, 3, 4].map((k) => sampleSchemaAndBatch(1000, k * 1000).batch);
    const sink = openOutput(file);
    await writeParquet(batchStream(batches[0].schema, batches), sink, { compression: 'zstd', rowGroupRows: 1500 });
    await commitOutput(sink);
    const back = await collect(await openImport([file], { format: 'parquet', batchSize: 700 }));
    assert.ok(back.every((b) => b.numRows <= 700));
    assert.deepEqual(rowsOf(back), rowsOf(batches));
    const py = spawnSync('python3', ['-c', 'import sys, pyarrow.parquet as pq; f = pq.ParquetFile(sys.argv[1]); print(f.metadata.num_row_groups, f.metadata.num_rows)', file], { encoding: 'utf8' });
    if (py.status === 0) assert.equal(py.stdout.trim(), '4 5000', 'pyarrow sees 4 row groups of at most 1500 rows');
  });

  it('keeps the Arrow schema metadata and a stream with no rows', async () => {
    const { schema } = sampleSchemaAndBatch(0);
    const file = path.join(scratch, 'empty.parquet');
    await exportStream(batchStream(schema, []), { format: 'parquet', file, provenance: { command: 'export', params: { format: 'parquet' } } });
    const stream = await openImport([file], { format: 'parquet' });
    assert.equal(stream.schema.fields.length, schema.fields.length);
    assert.equal(stream.schema.metadata.get('recdata.command'), 'export');
    assert.equal((await collect(stream)).length, 0);
  });

  it('is read by pyarrow with the same values', { skip: spawnSync('python3', ['-c', 'import pyarrow']).status === 0 ? false : 'pyarrow is not installed' }, async () => {
    const { schema, batch } = sampleSchemaAndBatch(10);
    const file = path.join(scratch, 'py.parquet');
    await exportStream(batchStream(schema, [batch]), { format: 'parquet', file });
    const script = `import sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
print(t.schema.field('uint64').type, t.schema.field('timestamp[ms, UTC]').type, t.schema.field('dict').type)
print('|'.join(str(t.column(c)[i].as_py()) for c, i in [('uint64', 1), ('int64', 2), ('utf8', 1), ('dict', 2)]))`;
    const py = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.deepEqual(py.stdout.trim().split('\n'), ['uint64 timestamp[ms, tz=UTC] dictionary<values=string, indices=int32, ordered=0>', '18446744073709551614|-9223372036854775806|a,b|']);
  });

  it('fails with exit 65 on a file that is not Parquet and 66 on a missing one', async () => {
    const bogus = path.join(scratch, 'bogus.parquet');
    fs.writeFileSync(bogus, 'a,b\n1,2\n');
    await assert.rejects(openImport([bogus], { format: 'parquet' }), (e) => e instanceof RecdataError && e.exitCode === 65 && /not a Parquet file/.test(e.message));
    await assert.rejects(openImport([path.join(scratch, 'nope.parquet')], { format: 'parquet' }), (e) => e instanceof RecdataError && e.exitCode === 66);
  });
});

// dpu-hash on 10M int64 values and on 10M short strings (8-32 bytes):
//  - end to end: `cat f | dpu-hash --cols x | cat` against `cat f | recdata cat | cat`
//    (target: at least 0.8x the passthrough throughput);
//  - the kernel alone (native, one thread, xxh64, 64K-row batches already in memory)
//    against DuckDB's hash() over the same column (target: at least 2x DuckDB's rows/s);
//  - offload with 2 threads against native with 1 (target: at least 1.7x).
// DuckDB and recdata hash the same values: both sides generate them from the row number.
import os from 'node:os';
import { Data, Int64, makeData, Schema, Utf8 } from 'apache-arrow';
import { batchStream, field, makeBatch, mapOrdered, writeBatchStream } from '@recdata/core';
// scripts/ does not depend on @recdata/hash (that would change the shared lockfile): import its source.
import { createExecutor, hashColumn, hashColumnSync, resolveSpec } from '@recdata/hash';
import { cachedFile, duckdb, fileBytes, higherIsBetter, machine, mb, recdata, SCALE, timeAsync, timePair, type BenchResult, type BenchRow } from './lib.ts';

const BATCH = 65536;
const MULT = 2654435761n;
const PAD = 'abcdefghijklmnop';

/** Row i of the int64 column: i * 2654435761 (DuckDB: (i * 2654435761)::BIGINT). */
function intChunk(start: number, n: number): Data {
  const v = new BigInt64Array(n);
  for (let i = 0; i < n; i++) v[i] = BigInt(start + i) * MULT;
  return makeData({ type: new Int64(), length: n, data: v });
}

/** Row i of the string column, 8 to 32 bytes: left('u' || lpad((i * 2654435761)::VARCHAR, 20, '0') || 'abc…p', 8 + i % 25). */
function stringOf(i: number): string {
  return ('u' + (BigInt(i) * MULT).toString().padStart(20, '0') + PAD).slice(0, 8 + (i % 25));
}

function strChunk(start: number, n: number): Data {
  const offsets = new Int32Array(n + 1);
  const bytes = new Uint8Array(n * 32);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const s = stringOf(start + i);
    for (let k = 0; k < s.length; k++) bytes[at + k] = s.charCodeAt(k);
    at += s.length;
    offsets[i + 1] = at;
  }
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes.slice(0, at) });
}

function chunks(rows: number, make: (start: number, n: number) => Data): Data[] {
  const out: Data[] = [];
  for (let start = 0; start < rows; start += BATCH) out.push(make(start, Math.min(BATCH, rows - start)));
  return out;
}

async function writeColumn(file: string, data: Data[]): Promise<void> {
  const schema = new Schema([field('x', data[0].type, false)]);
  await writeBatchStream(batchStream(schema, data.map((d) => makeBatch(schema, [d]))), { file });
}

export default async function hashBenchmark(): Promise<BenchResult> {
  const rows = Math.round(10_000_000 * SCALE);
  const inputs = [
    { name: 'int64', table: 'ints', data: chunks(rows, intChunk), sql: `(i * ${MULT})::BIGINT`, value: (i: number) => String(BigInt(i) * MULT) },
    { name: 'short strings (8-32 bytes)', table: 'strs', data: chunks(rows, strChunk), sql: `left('u' || lpad((i * ${MULT})::VARCHAR, 20, '0') || '${PAD}', 8 + (i % 25)::INTEGER)`, value: stringOf },
  ];
  const db = await duckdb();
  const result: BenchRow[] = [];
  const notes: string[] = [];
  const native = createExecutor('native');
  const offload = createExecutor('offload', { threads: 2 });
  const spec = resolveSpec({ algorithm: 'xxh64' });
  try {
    for (const input of inputs) {
      const file = await cachedFile(`hash-${input.table}-${rows}.arrow`, (f) => writeColumn(f, input.data));
      const bytes = fileBytes(file);

      // End to end through pipes, against the passthrough relay.
      const pipe = timePair(`cat "${file}" | ${recdata('dpu-hash --cols x')} | cat > /dev/null`, `cat "${file}" | ${recdata('cat')} | cat > /dev/null`, 5);
      result.push(
        higherIsBetter(`${input.name}: cat f | dpu-hash --cols x | cat (input MB/s)`, mb(bytes) / pipe.a, 'cat f | recdata cat | cat', mb(bytes) / pipe.b, { text: '>= 0.8x passthrough', min: 0.8, on: 'ratio' }, 'MB/s'),
      );

      // The kernel alone, against DuckDB's hash() on the same values.
      await db.run(`CREATE OR REPLACE TABLE ${input.table} AS SELECT ${input.sql} AS x FROM range(${rows}) t(i)`);
      const [check] = await db.rows(`SELECT count(*)::BIGINT AS n, min(x)::VARCHAR AS lo, max(x)::VARCHAR AS hi FROM ${input.table}`);
      if (Number(check.n) !== rows) throw new Error(`DuckDB made ${check.n} rows, expected ${rows}`);
      // Both sides must hash the same values: compare a sample row by row.
      const sample = [0, 1, 24, Math.floor(rows / 2), rows - 1];
      for (const r of await db.rows(`SELECT rowid::BIGINT AS i, x::VARCHAR AS x FROM ${input.table} WHERE rowid IN (${sample.join(',')})`)) {
        if (r.x !== input.value(Number(r.i))) throw new Error(`DuckDB row ${r.i} is ${r.x}, recdata's is ${input.value(Number(r.i))}`);
      }
      const duck = await db.time(`SELECT max(hash(x)) FROM ${input.table}`, 5);
      const nativeSeconds = await timeAsync(async () => {
        for (const d of input.data) hashColumnSync(d, spec, native);
      }, 5);
      result.push(higherIsBetter(`${input.name}: hash kernel, native, 1 thread (M rows/s)`, rows / nativeSeconds / 1e6, `DuckDB hash() (${os.availableParallelism()} threads)`, rows / duck / 1e6, { text: '>= 2x DuckDB', min: 2, on: 'ratio' }, 'M rows/s'));

      // The offload queue with two threads, against native on one.
      const offloadSeconds = await timeAsync(async () => {
        for await (const _ of mapOrdered(
          (async function* () {
            yield* input.data;
          })(),
          (d) => hashColumn(d, spec, offload),
          4,
        ));
      }, 5);
      result.push(higherIsBetter(`${input.name}: hash kernel, offload, 2 threads (M rows/s)`, rows / offloadSeconds / 1e6, 'native, 1 thread', rows / nativeSeconds / 1e6, { text: '>= 1.7x native', min: 1.7, on: 'ratio' }, 'M rows/s'));
      // For reference: thread for thread against DuckDB.
      result.push(higherIsBetter(`${input.name}: hash kernel, offload, 2 threads, against DuckDB (M rows/s)`, rows / offloadSeconds / 1e6, `DuckDB hash() (${os.availableParallelism()} threads)`, rows / duck / 1e6, undefined, 'M rows/s'));
      notes.push(`${input.name}: ${(bytes / 1e6).toFixed(0)} MB file, DuckDB column min ${String(check.lo).slice(0, 20)} max ${String(check.hi).slice(0, 20)}`);
    }
  } finally {
    await offload.close();
    db.close();
  }
  notes.push(
    `${rows} rows per input in ${BATCH}-row batches; xxh64 (the default); medians of alternating runs (end to end, start-up included) or of 5 in-process runs (kernels)`,
    'recdata cat relays IPC messages without decoding them (splice); dpu-hash decodes each batch, hashes one column with one native call, appends the uint64 column (the output is bigger than the input) and writes it',
    "DuckDB's hash() is its own 64-bit hash (not XXH64), timed as SELECT max(hash(x)) over an in-memory table; the recdata kernel time includes allocating each batch's output",
  );
  return {
    name: 'hash',
    title: 'dpu-hash: the hashing path against passthrough, DuckDB hash(), and offload against native',
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    scale: SCALE,
    rows: result,
    notes,
  };
}

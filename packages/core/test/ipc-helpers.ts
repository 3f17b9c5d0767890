import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  RecordBatch,
  Schema,
  Struct,
  TimestampMillisecond,
  Uint64,
  Utf8,
  makeData,
  vectorFromArray,
  Table,
} from 'apache-arrow';

/** A small table with one column of each shape the IPC code must carry. */
export function sampleTable(rows = 100, offset = 0): Table {
  const ids = new BigInt64Array(rows);
  const uids = new BigUint64Array(rows);
  const ts = new BigInt64Array(rows);
  const f = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    ids[i] = BigInt(offset + i) * -123456789012345n;
    uids[i] = 18446744073709551615n - BigInt(offset + i);
    ts[i] = 1793491200000n + BigInt(offset + i) * 1000n;
    f[i] = i % 7 === 0 ? NaN : (offset + i) / 3;
  }
  const words = ['alpha', 'beta', '', 'delta', 'épsilon', null];
  const strings = Array.from({ length: rows }, (_, i) => words[(offset + i) % words.length]);
  const actions = Array.from({ length: rows }, (_, i) => ['click', 'play', 'like'][(offset + i) % 3]);
  const lists = Array.from({ length: rows }, (_, i) => (i % 5 === 4 ? null : Array.from({ length: i % 4 }, (_, k) => offset + i + k)));
  const structs = Array.from({ length: rows }, (_, i) => ({ a: offset + i, b: `s${i}` }));
  const cols = {
    id: vectorFromArray(ids, new Int64()),
    uid: vectorFromArray(uids, new Uint64()),
    ts: vectorFromArray(Array.from(ts, (t) => Number(t)), new TimestampMillisecond()),
    f: vectorFromArray(f, new Float64()),
    s: vectorFromArray(strings, new Utf8()),
    action: vectorFromArray(actions, new Dictionary(new Utf8(), new Int32())),
    list: vectorFromArray(lists, new List(new Field('item', new Int32(), true))),
    st: vectorFromArray(structs, new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)])),
  };
  return new Table(cols);
}

export function tempFile(name: string, bytes?: Uint8Array): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recdata-test-'));
  const file = path.join(dir, name);
  if (bytes) fs.writeFileSync(file, bytes);
  return file;
}

/** Rows as plain JSON-able values, for deep comparison across implementations. */
export function rowsOf(batches: RecordBatch[] | Table): unknown[] {
  const out: unknown[] = [];
  const list = batches instanceof Table ? batches.batches : batches;
  for (const b of list) {
    for (let i = 0; i < b.numRows; i++) out.push(JSON.parse(JSON.stringify(b.get(i)?.toJSON(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v))));
  }
  return out;
}

export { makeData, Schema };

// seq-encode then seq-decode as operators (property tests): random logs of every
// column type, with nulls, extremes, empty strings, one-event sequences, ties,
// unsorted input and dictionaries that change between batches, come back exactly
// (values and Arrow types), ordered by user and ts. Every path gives the same
// bytes: TypeScript or native kernels, one thread or several, in memory or
// spilled to temporary runs (removed afterwards), streamed with --presorted.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DataType, RecordBatch, Type } from 'apache-arrow';
import fc from 'fast-check';
import { batchStream, collect, typeName } from '@recdata/core';
import { seqDecode, seqEncode, type SeqEncodeOptions } from '../src/index.ts';
import { nativeSeq } from '../src/kernels.ts';
import { cell, expectedRows, logSpec, makeLog, rowsOf, utf8, type Log } from './logs.ts';
import { makeBatch } from '@recdata/core';
import { Field, Int64, makeData, Schema, TimeUnit, Timestamp, Uint32 } from 'apache-arrow';

const backend = nativeSeq() ? 'native' : 'js';

function typeText(t: DataType): string {
  const d = t as DataType & { indices?: DataType; isOrdered?: boolean };
  return t.typeId === Type.Dictionary ? `${typeName(t)}<${typeName(d.indices!)}>${d.isOrdered ? ' ordered' : ''}` : typeName(t);
}

/** Everything seq-encode wrote, as text: the same for every path. */
function signature(batches: RecordBatch[]): string {
  return rowsOf(batches)
    .map((r) => r.join('|'))
    .join('\n');
}

async function encode(log: Log, options: SeqEncodeOptions) {
  const out = await seqEncode(batchStream(log.schema, log.batches), options);
  const batches = await collect(out);
  return { schema: out.schema, batches, stats: out.stats };
}

describe('seq-encode / seq-decode round trips', () => {
  it('random logs of every column type come back exactly, on every path', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'recdata-seq-test-'));
    try {
      await fc.assert(
        fc.asyncProperty(logSpec, async (spec) => {
          const log = makeLog(spec);
          const userType = log.schema.fields[0].type as DataType & { isSigned?: boolean; bitWidth?: number };
          const unsigned = userType.typeId === Type.Int && userType.isSigned === false;
          const expected = expectedRows(log, unsigned);
          const base: SeqEncodeOptions = { tsUnit: 'ms', batchSize: 5 };
          const variants: SeqEncodeOptions[] = [
            { ...base, backend: 'js', threads: 1 },
            { ...base, backend, threads: 2, memoryLimit: 2000, tempDir: tmp },
          ];
          if (spec.sorted) variants.push({ ...base, backend, presorted: true });
          let reference: string | null = null;
          for (const v of variants) {
            const enc = await encode(log, v);
            const sig = signature(enc.batches);
            if (reference === null) reference = sig;
            else assert.equal(sig, reference, `variant ${JSON.stringify(v)} wrote other bytes`);
            assert.deepEqual(fs.readdirSync(tmp), [], 'temporary runs are removed');
            const dec = seqDecode(batchStream(enc.schema, enc.batches), { backend: v.backend, batchSize: 17 });
            const decoded = await collect(dec);
            assert.deepEqual(
              dec.schema.fields.map((f) => `${f.name}: ${typeText(f.type)} ${f.nullable}`),
              log.schema.fields.map((f) => `${f.name}: ${typeText(f.type)} ${f.nullable}`),
            );
            assert.equal(dec.schema.metadata.get('upstream.key'), 'kept');
            assert.deepEqual(rowsOf(decoded), expected);
          }
        }),
        { numRuns: 16 },
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('--format lists: one row per sequence whose lists flatten to the events', async () => {
    const log = makeLog({ seed: 7, rows: 500, users: 9, kinds: [2, 9, 11, 15], userType: 1, tsType: 0, batchRows: 64, sorted: false });
    const enc = await encode(log, { backend, partition: 'hour' });
    const lists = await collect(seqDecode(batchStream(enc.schema, enc.batches), { format: 'lists', backend }));
    const events = await collect(seqDecode(batchStream(enc.schema, enc.batches), { backend }));
    const flat: string[][] = [];
    for (const b of lists) {
      const [user, , ...cols] = b.data.children;
      for (let s = 0; s < b.numRows; s++) {
        const o = cols[0].valueOffsets as Int32Array;
        for (let k = o[s]; k < o[s + 1]; k++) {
          const row = [cell(user, s)];
          cols.forEach((c) => row.push(cell(c.children[0], k)));
          // lists hold user, then the encoded columns in input order: ts, c0.. (same as the events)
          flat.push(row);
        }
      }
    }
    assert.deepEqual(flat, rowsOf(events));
    assert.deepEqual(
      lists[0].schema.fields.map((f) => f.name),
      ['user_id', 'partition_start', 'ts', 'c0_int32', 'c1_float64', 'c2_utf8', 'c3_dict'],
    );
  });

  it('partitions split sequences by hour or day of ts; partition_start is their start', async () => {
    const HOUR = 3_600_000n;
    const ts = [-1n, 0n, HOUR - 1n, HOUR, 25n * HOUR, -HOUR - 1n];
    const schema = new Schema([new Field('user_id', new Int64(), false), new Field('ts', new Timestamp(TimeUnit.MILLISECOND), false), new Field('v', new Uint32(), true)]);
    const batch = makeBatch(schema, [
      makeData({ type: new Int64(), length: 6, data: new BigInt64Array(6).fill(1n), nullCount: 0 }),
      makeData({ type: new Timestamp(TimeUnit.MILLISECOND), length: 6, data: BigInt64Array.from(ts), nullCount: 0 } as never),
      makeData({ type: new Uint32(), length: 6, data: Uint32Array.from([1, 2, 3, 4, 5, 6]), nullCount: 0 }),
    ]);
    const log: Log = { schema, batches: [batch], rows: 6 };
    for (const [partition, starts] of [
      ['hour', [-2n * HOUR, -HOUR, 0n, HOUR, 25n * HOUR]],
      ['day', [-24n * HOUR, 0n, 24n * HOUR]],
    ] as const) {
      const enc = await encode(log, { backend, partition });
      const rows = enc.batches.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => (b.data.children[1].values as BigInt64Array)[i]));
      assert.deepEqual(rows, starts, partition);
    }
    const none = await encode(log, { backend });
    assert.equal(none.batches[0].data.children[1].nullCount, 1, 'partition_start is null without --partition');
  });

  it('a 100,000-event sequence with ties and nulls', async () => {
    const n = 100_000;
    const schema = new Schema([new Field('user_id', new Int64(), false), new Field('ts', new Int64(), false), new Field('item', new Int64(), true), new Field('tag', utf8([]).type, true)]);
    const ts = BigInt64Array.from({ length: n }, (_, i) => BigInt(Math.floor(i / 3)) * 1000n + BigInt(i % 7 === 0 ? 5 : 0));
    const item = BigInt64Array.from({ length: n }, (_, i) => BigInt((i * 7919) % 5000));
    const valid = new Uint8Array(n >> 3).fill(0xfe);
    const tags = utf8(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? '' : `t${i % 37}`)));
    const batch = makeBatch(schema, [
      makeData({ type: new Int64(), length: n, data: new BigInt64Array(n).fill(42n), nullCount: 0 }),
      makeData({ type: new Int64(), length: n, data: ts, nullCount: 0 }),
      makeData({ type: new Int64(), length: n, data: item, nullBitmap: valid, nullCount: n >> 3 }),
      tags,
    ]);
    const log: Log = { schema, batches: [batch], rows: n };
    const enc = await encode(log, { backend, threads: 2 });
    assert.equal(enc.batches.reduce((s, b) => s + b.numRows, 0), 1);
    assert.equal((enc.batches[0].data.children[2].values as Uint32Array)[0], n);
    const decoded = await collect(seqDecode(batchStream(enc.schema, enc.batches), { backend }));
    assert.deepEqual(rowsOf(decoded), expectedRows(log, false));
  });
});

// The featurize benchmarks' data and spec: rows made from the row number by
// formulas that DuckDB's SQL computes identically, and a 12-feature spec mixing
// normalize, log1p, clip, bucketize, categorify, hash_bucket, hashed_cross and
// seq_pad (the mix). Shared by featurize.bench.ts and featurize.gpu.ts.
import { Field, Float64, Int32, Int64, List, makeData, Schema, Utf8, type Data, type RecordBatch } from 'apache-arrow';
import { ArrowReader, batchStream, field, makeBatch, writeBatchStream } from '@recdata/core';
import { cachedFile } from './lib.ts';

export const BATCH = 65536;
export const HIST_MAX = 11;
export const SEQ_LENGTH = 8;

/** Row i, as SQL over range(n) t(i). */
export const SQL_COLUMNS = {
  x: '((i * 7919) % 10007)::DOUBLE / 1000 - 5',
  d: '((i * 48271) % 120011)::INTEGER',
  user: '(i * 7) % 1000003',
  item: '(i * 40503) % 200003',
  cat: "'c' || ((i * 131) % 5003)::VARCHAR",
  hist: `list_transform(range(i % ${HIST_MAX}), k -> (i + k * 17) % 1000003)`,
};

export const schema = new Schema([
  field('x', new Float64(), false),
  field('d', new Int32(), false),
  field('user', new Int64(), false),
  field('item', new Int64(), false),
  field('cat', new Utf8(), false),
  field('hist', new List(new Field('item', new Int64(), true)), false),
]);

export const SPEC = `features:
  - { name: x_z, op: normalize, input: x }
  - { name: d_z, op: normalize, input: d }
  - { name: d_log, op: log1p, input: d }
  - { name: x_clip, op: clip, input: x, min: -2, max: 2 }
  - { name: d_bucket, op: bucketize, input: d, boundaries: [1000, 5000, 20000, 60000] }
  - { name: x_bucket, op: bucketize, input: x, boundaries: [-2.5, 0, 2.5] }
  - { name: item_code, op: categorify, input: item, oov_buckets: 4 }
  - { name: cat_code, op: categorify, input: cat, oov_buckets: 4 }
  - { name: user_bucket, op: hash_bucket, input: user, buckets: 1000003 }
  - { name: cat_bucket, op: hash_bucket, input: cat, buckets: 65536 }
  - { name: user_x_item, op: hashed_cross, input: [user, item], buckets: 1048576 }
  - { name: hist_pad, op: seq_pad, input: hist, length: ${SEQ_LENGTH} }
`;

/** Rows start .. start + n - 1 as one batch. */
export function chunk(start: number, n: number): RecordBatch {
  const x = new Float64Array(n);
  const d = new Int32Array(n);
  const user = new BigInt64Array(n);
  const item = new BigInt64Array(n);
  const userWords = new Int32Array(user.buffer);
  const itemWords = new Int32Array(item.buffer);
  const catOffsets = new Int32Array(n + 1);
  const catBytes = new Uint8Array(n * 6);
  const histOffsets = new Int32Array(n + 1);
  let histTotal = 0;
  for (let r = 0; r < n; r++) histTotal += (start + r) % HIST_MAX;
  const hist = new BigInt64Array(histTotal);
  const histWords = new Int32Array(hist.buffer);
  let at = 0;
  let h = 0;
  for (let r = 0; r < n; r++) {
    const i = start + r;
    x[r] = ((i * 7919) % 10007) / 1000.0 - 5.0;
    d[r] = (i * 48271) % 120011;
    userWords[2 * r] = (i * 7) % 1000003;
    itemWords[2 * r] = (i * 40503) % 200003;
    const s = `c${(i * 131) % 5003}`;
    for (let k = 0; k < s.length; k++) catBytes[at + k] = s.charCodeAt(k);
    at += s.length;
    catOffsets[r + 1] = at;
    const len = i % HIST_MAX;
    for (let k = 0; k < len; k++) histWords[2 * (h + k)] = (i + k * 17) % 1000003;
    h += len;
    histOffsets[r + 1] = h;
  }
  const columns: Data[] = [
    makeData({ type: new Float64(), length: n, data: x }),
    makeData({ type: new Int32(), length: n, data: d }),
    makeData({ type: new Int64(), length: n, data: user }),
    makeData({ type: new Int64(), length: n, data: item }),
    makeData({ type: new Utf8(), length: n, valueOffsets: catOffsets, data: catBytes.slice(0, at) }),
    makeData({ type: schema.fields[5].type as List, length: n, valueOffsets: histOffsets, child: makeData({ type: new Int64(), length: histTotal, data: hist }) }),
  ];
  return makeBatch(schema, columns, n);
}

/** The rows as an Arrow file in out/bench-data (made once), read back into memory. */
export async function benchBatches(rows: number): Promise<{ file: string; batches: RecordBatch[] }> {
  const file = await cachedFile(`featurize-${rows}.arrow`, async (f) => {
    function* batches() {
      for (let start = 0; start < rows; start += BATCH) yield chunk(start, Math.min(BATCH, rows - start));
    }
    await writeBatchStream(batchStream(schema, batches()), { file: f });
  });
  const batches: RecordBatch[] = [];
  for await (const b of await ArrowReader.open([file])) batches.push(b);
  return { file, batches };
}

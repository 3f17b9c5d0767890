// schema-migrate apply against a `recdata cat` passthrough, both through real pipes:
// `cat f | schema-migrate apply --to v2.proto | cat` vs `cat f | recdata cat | cat`
// on a 10-column, 10M-row stream written under v1, where v2 promotes one column
// (int32 -> int64) and adds one (filled with nulls). Target: at least 0.9x the
// passthrough's throughput. Unchanged columns are relayed, not decoded.
import path from 'node:path';
import { Field, Float32, Float64, Int32, Int64, Schema, type DataType } from 'apache-arrow';
import { batchStream, column, makeBatch, writeBatchStream } from '@recdata/core';
import { cachedFile, fileBytes, higherIsBetter, machine, mb, recdata, ROOT, SCALE, timePair, type BenchResult } from './lib.ts';


const V2 = path.join(ROOT, 'fixtures', 'schema', 'bench', 'features_v2.proto');

/** features_v1.proto's Arrow mapping (what `schema-migrate to-arrow` prints): names, types, field ids. */
const V1_COLUMNS: [string, DataType][] = [
  ['user_id', new Int64()],
  ['clicks', new Int32()],
  ['ctr', new Float64()],
  ['watch_time', new Float64()],
  ['last_item', new Int64()],
  ['score_a', new Float64()],
  ['session_count', new Int64()],
  ['score_b', new Float32()],
  ['age_days', new Int32()],
  ['score_c', new Float64()],
];

/** Rows under v1 (field ids in the metadata), 64K-row batches, deterministic values. */
async function writeFeatures(file: string, rows: number): Promise<void> {
  const schema = new Schema(V1_COLUMNS.map(([name, type], i) => new Field(name, type, true, new Map([['PARQUET:field_id', String(i + 1)]]))));
  const batchRows = 65536;
  let seed = 20240229;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  async function* batches() {
    for (let start = 0; start < rows; start += batchRows) {
      const n = Math.min(batchRows, rows - start);
      const cols = schema.fields.map((f) => {
        const t = String(f.type);
        if (t === 'Int64') {
          const a = new BigInt64Array(n);
          const w = new Int32Array(a.buffer);
          for (let i = 0; i < n; i++) w[2 * i] = start + i;
          return column.int64(a);
        }
        if (t === 'Int32') {
          const a = new Int32Array(n);
          for (let i = 0; i < n; i++) a[i] = (next() * 1000) | 0;
          return column.int32(a);
        }
        if (t === 'Float32') {
          const a = new Float32Array(n);
          for (let i = 0; i < n; i++) a[i] = next();
          return column.float32(a);
        }
        const a = new Float64Array(n);
        for (let i = 0; i < n; i++) a[i] = next() * 100;
        return column.float64(a);
      });
      yield makeBatch(schema, cols);
    }
  }
  await writeBatchStream(batchStream(schema, batches()), { file });
}

export default async function schemaApplyBenchmark(): Promise<BenchResult> {
  const rows = Math.round(10_000_000 * SCALE);
  const file = await cachedFile(`schema-features-v1-${rows}.arrow`, (f) => writeFeatures(f, rows));
  const bytes = fileBytes(file);
  const apply = timePair(`cat "${file}" | ${recdata(`schema-migrate apply --to "${V2}"`)} | cat > /dev/null`, `cat "${file}" | ${recdata('cat')} | cat > /dev/null`, 5);
  const decoded = timePair(`cat "${file}" | ${recdata(`schema-migrate apply --to "${V2}" --validate`)} | cat > /dev/null`, `cat "${file}" | ${recdata('cat')} | cat > /dev/null`, 3);
  return {
    name: 'schema-apply',
    title: 'schema-migrate apply: old data read under a new schema, against a recdata cat passthrough',
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    scale: SCALE,
    rows: [
      higherIsBetter('cat f | schema-migrate apply | cat (MB/s)', mb(bytes) / apply.a, 'cat f | recdata cat | cat', mb(bytes) / apply.b, { text: '>= 0.9x recdata cat', min: 0.9, on: 'ratio' }, 'MB/s'),
      higherIsBetter('cat f | schema-migrate apply --validate | cat (MB/s): every batch decoded, resolved and re-encoded', mb(bytes) / decoded.a, 'cat f | recdata cat | cat', mb(bytes) / decoded.b, undefined, 'MB/s'),
    ],
    notes: [
      `input: ${(bytes / 1e9).toFixed(2)} GB, ${rows} rows of 10 columns (int64, int32, float64, float32) in 64K-row batches, written under fixtures/schema/bench/features_v1.proto with field ids`,
      'reader: features_v2.proto, which promotes clicks int32 -> int64 and adds score_d (null in every row); the other 9 columns are unchanged',
      'the default path relays unchanged columns message by message (their bytes spliced through, as recdata cat does) and decodes only the promoted column; --validate runs the batch operator (the library path) and re-encodes every batch',
      'medians of alternating runs, start-up included in every run',
    ],
  };
}

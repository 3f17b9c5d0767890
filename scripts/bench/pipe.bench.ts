// Pipe throughput of a `recdata cat` hop against `cat` through the same pipes:
// `cat f | recdata cat | cat` vs `cat f | cat | cat` on a 1 GB stream of 8
// int64/float64 columns (target: at least 0.7x). Also the decoding path
// (`recdata cat --validate`, every batch decoded and re-encoded) for reference.
import { Float64, Int64, Schema } from 'apache-arrow';
import { batchStream, column, field, makeBatch, writeBatchStream } from '@recdata/core';
import { cachedFile, fileBytes, higherIsBetter, machine, mb, recdata, SCALE, timePair, type BenchResult } from './lib.ts';

async function writeWideStream(file: string, rows: number): Promise<void> {
  const fields = Array.from({ length: 8 }, (_, i) => field(`c${i}`, i % 2 ? new Float64() : new Int64(), false));
  const schema = new Schema(fields);
  const batchRows = 65536;
  let seed = 12345;
  async function* batches() {
    for (let start = 0; start < rows; start += batchRows) {
      const n = Math.min(batchRows, rows - start);
      const cols = fields.map((_, c) => {
        if (c % 2) {
          const a = new Float64Array(n);
          for (let i = 0; i < n; i++) a[i] = ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 1000;
          return column.float64(a);
        }
        const a = new BigInt64Array(n);
        const w = new Int32Array(a.buffer);
        for (let i = 0; i < n; i++) w[2 * i] = start + i;
        return column.int64(a);
      });
      yield makeBatch(schema, cols);
    }
  }
  await writeBatchStream(batchStream(schema, batches()), { file });
}

export default async function pipeBenchmark(): Promise<BenchResult> {
  const rows = Math.round(16_000_000 * SCALE);
  const file = await cachedFile(`wide-${rows}.arrow`, (f) => writeWideStream(f, rows));
  const bytes = fileBytes(file);
  const relay = timePair(`cat "${file}" | ${recdata('cat')} | cat > /dev/null`, `cat "${file}" | cat | cat > /dev/null`, 5);
  const decode = timePair(`cat "${file}" | ${recdata('cat --validate')} | cat > /dev/null`, `cat "${file}" | cat | cat > /dev/null`, 3);
  const startup = timePair(`${recdata('cat --head 0')} "${file}" > /dev/null`, `node -e 0`, 5);
  return {
    name: 'pipe',
    title: 'Pipe throughput: a recdata cat hop against cat',
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    scale: SCALE,
    rows: [
      higherIsBetter('cat f | recdata cat | cat (MB/s)', mb(bytes) / relay.a, 'cat f | cat | cat', mb(bytes) / relay.b, { text: '>= 0.7x cat', min: 0.7, on: 'ratio' }, 'MB/s'),
      higherIsBetter('cat f | recdata cat --validate | cat (MB/s): every batch decoded and re-encoded', mb(bytes) / decode.a, 'cat f | cat | cat', mb(bytes) / decode.b, undefined, 'MB/s'),
      higherIsBetter('start-up: recdata cat --head 0 (s, lower is better; ratio = node -e 0 / recdata)', startup.a, 'node -e 0', startup.b, undefined, 's'),
    ].map((r, i) => (i === 2 ? { ...r, ratio: startup.b / startup.a } : r)),
    notes: [
      `input: ${(bytes / 1e9).toFixed(2)} GB, ${rows} rows of 8 int64/float64 columns in 64K-row batches; medians of alternating runs, start-up included in every recdata run`,
      'the relay checks every message header against the schema and passes bodies through in 128 KiB pieces; --validate decodes every batch (offsets, dictionary indices) and writes it back out',
    ],
  };
}

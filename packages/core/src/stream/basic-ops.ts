import { Schema } from 'apache-arrow';
import { requireColumn, selectColumns } from '../columns.js';
import { errors } from '../errors.js';
import type { BatchStream } from './batch-stream.js';

/** The first `n` rows; stops reading its input as soon as they are out. */
export function head(input: BatchStream, n: number): BatchStream {
  return {
    schema: input.schema,
    async *[Symbol.asyncIterator]() {
      if (n <= 0) return;
      let left = n;
      for await (const batch of input) {
        if (batch.numRows >= left) {
          yield batch.numRows === left ? batch : batch.slice(0, left);
          return;
        }
        left -= batch.numRows;
        yield batch;
      }
    },
  };
}

/** Only the named columns, in the order given (exit 65 for a missing one). */
export function select(input: BatchStream, names: string[]): BatchStream {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw errors.usage(`column "${n}" is selected twice`);
    seen.add(n);
  }
  const indices = names.map((n) => requireColumn(input.schema, n));
  const schema = new Schema(
    indices.map((i) => input.schema.fields[i]),
    input.schema.metadata,
  );
  return {
    schema,
    async *[Symbol.asyncIterator]() {
      for await (const batch of input) yield selectColumns(batch, input.schema, indices);
    },
  };
}

/** Splits batches longer than `rows` (zero copy); shorter batches pass unchanged. */
export function limitBatchRows(input: BatchStream, rows: number): BatchStream {
  return {
    schema: input.schema,
    async *[Symbol.asyncIterator]() {
      for await (const batch of input) {
        if (batch.numRows <= rows) yield batch;
        else for (let start = 0; start < batch.numRows; start += rows) yield batch.slice(start, Math.min(batch.numRows, start + rows));
      }
    },
  };
}

import type { RecordBatch, Schema } from 'apache-arrow';

/**
 * The unit every recdata operator consumes and produces: record batches plus the
 * schema they share, known before the first batch so that an input with no
 * batches still gives a valid (empty) output with the right columns.
 */
export interface BatchStream extends AsyncIterable<RecordBatch> {
  readonly schema: Schema;
}

/** A transform: batches in, batches out (DESIGN.md §2, "Operators"). */
export type Operator<Options = unknown> = (input: BatchStream, options: Options) => BatchStream;

/** An analysis: batches in, a report out. */
export type Sink<Options, Report> = (input: BatchStream, options: Options) => Promise<Report>;

export function batchStream(schema: Schema, batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>): BatchStream {
  const iterable = batches as AsyncIterable<RecordBatch> & Iterable<RecordBatch>;
  return {
    schema,
    [Symbol.asyncIterator]: () => {
      if (typeof iterable[Symbol.asyncIterator] === 'function') return iterable[Symbol.asyncIterator]();
      const it = iterable[Symbol.iterator]();
      return { next: async () => it.next() } as AsyncIterator<RecordBatch>;
    },
  };
}

type Stage = (input: BatchStream) => BatchStream;

/**
 * Chains stages in one process: each stage's batches go straight to the next with
 * no serialisation, so a pipeline run fused gives the bytes a shell pipe gives.
 */
export function pipeline(source: BatchStream, ...stages: Stage[]): BatchStream {
  return stages.reduce((stream, stage) => stage(stream), source);
}

/** Reads a whole stream into memory (tests and small inputs only). */
export async function collect(stream: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of stream) out.push(b);
  return out;
}

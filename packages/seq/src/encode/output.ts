/**
 * One output row per sequence: user_id, partition_start, n_events, ts_first,
 * ts_last, payload. Everything but the payload is taken from the chunk before
 * its lanes go to a worker.
 */
import { Binary, Data, makeData, RecordBatch, Uint32 } from 'apache-arrow';
import { makeBatch } from '@recdata/core';
import { mulSmall, W, wordsOf } from '../codec/w64.js';
import type { EncodedChunk } from '../format/payload.js';
import { partitionOf } from '../group/sort.js';
import { laneToData } from '../lanes/arrow.js';
import type { Chunk } from './chunks.js';
import type { EncodePlan } from './plan.js';

export interface RowColumns {
  columns: Data[];
  sequences: number;
  events: number;
}

/** The columns before the payload, for a chunk. */
export function rowColumns(plan: EncodePlan, chunk: Chunk): RowColumns {
  const n = chunk.starts.length - 1;
  const ts = chunk.cols[plan.tsColumn];
  if (ts.kind !== 'int') throw new Error('internal: ts lane is not an int lane');
  const tw = wordsOf(ts.values);
  const first = new BigInt64Array(n);
  const last = new BigInt64Array(n);
  const fw = wordsOf(first);
  const lw = wordsOf(last);
  const counts = new Uint32Array(n);
  for (let s = 0; s < n; s++) {
    const a = chunk.starts[s];
    const b = chunk.starts[s + 1] - 1;
    fw[2 * s] = tw[2 * a];
    fw[2 * s + 1] = tw[2 * a + 1];
    lw[2 * s] = tw[2 * b];
    lw[2 * s + 1] = tw[2 * b + 1];
    counts[s] = b - a + 1;
  }
  let partition: Data;
  const spec = plan.partitionSpec;
  if (spec) {
    const starts = new BigInt64Array(n);
    const pw = wordsOf(starts);
    for (let s = 0; s < n; s++) {
      partitionOf(fw[2 * s + 1], fw[2 * s], spec);
      mulSmall(W.hi, W.lo, spec.seconds);
      mulSmall(W.hi, W.lo, spec.unitsPerSecond);
      pw[2 * s] = W.lo;
      pw[2 * s + 1] = W.hi;
    }
    partition = makeData({ type: plan.partitionType, length: n, data: starts, nullCount: 0 } as never);
  } else {
    partition = makeData({ type: plan.partitionType, length: n, data: new BigInt64Array(n), nullBitmap: new Uint8Array((n + 7) >> 3), nullCount: n } as never);
  }
  return {
    columns: [
      laneToData(plan.userType, chunk.users, null),
      partition,
      makeData({ type: new Uint32(), length: n, data: counts, nullCount: 0 }),
      laneToData(plan.tsType, { kind: 'int', values: first, valid: null }, null),
      laneToData(plan.tsType, { kind: 'int', values: last, valid: null }, null),
    ],
    sequences: n,
    events: chunk.starts[n],
  };
}

export function outputBatch(plan: EncodePlan, rows: RowColumns, encoded: EncodedChunk): RecordBatch {
  const payload = makeData({ type: new Binary(), length: rows.sequences, valueOffsets: encoded.offsets, data: encoded.bytes, nullCount: 0 });
  return makeBatch(plan.output, [...rows.columns, payload]);
}

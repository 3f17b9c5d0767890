/**
 * The stream header from the sample: the sample's rows are grouped and ordered
 * like the output, then each column's valid values, sequence by sequence, give
 * its model (and utf8/binary columns their table of frequent strings first).
 */
import { stringCodes } from '../codec/values.js';
import { wordsOf } from '../codec/w64.js';
import type { EncodePlan } from '../encode/plan.js';
import type { StoredLanes } from '../encode/store.js';
import { LANE_DICT, LANE_STRING, type ColumnSpec, type StreamHeader } from '../format/header.js';
import { runGroup, runStats, type SeqBackend } from '../kernels.js';
import type { IntLane, StringLane } from '../lanes/lane.js';
import { buildModel, buildStringTable } from './models.js';

export function buildHeader(plan: EncodePlan, sample: StoredLanes, backend: SeqBackend): StreamHeader {
  const ts = (sample.cols[plan.tsColumn] as IntLane).values;
  const { perm, starts } = runGroup(backend, sample.user, plan.userUnsigned64, ts, plan.partitionSpec);
  const nSeq = starts.length - 1;
  const columns: ColumnSpec[] = plan.columns.map((c, i) => {
    const lane = sample.cols[i];
    if (c.lane === LANE_STRING) {
      const s = lane as StringLane;
      const table = buildStringTable(s);
      // Codes of every sequence's valid strings, numbered as the encoder will.
      const codes: number[] = [];
      const seqStarts = new Int32Array(nSeq + 1);
      const offsets: number[] = [0];
      const parts: number[] = [];
      for (let q = 0; q < nSeq; q++) {
        offsets.length = 1;
        parts.length = 0;
        for (let k = starts[q]; k < starts[q + 1]; k++) {
          const r = perm[k];
          if (s.valid && !s.valid[r]) continue;
          parts.push(r);
          offsets.push(offsets[offsets.length - 1] + (s.offsets[r + 1] - s.offsets[r]));
        }
        const bytes = new Uint8Array(offsets[offsets.length - 1]);
        parts.forEach((r, j) => bytes.set(s.bytes.subarray(s.offsets[r], s.offsets[r + 1]), offsets[j]));
        const { codes: w } = stringCodes({ offsets: Int32Array.from(offsets), bytes, start: 0, count: parts.length }, table);
        for (let j = 0; j < parts.length; j++) codes.push(w[2 * j]);
        seqStarts[q + 1] = codes.length;
      }
      const values = new BigInt64Array(codes.length);
      const vw = wordsOf(values);
      codes.forEach((code, j) => (vw[2 * j] = code));
      const identity = Int32Array.from({ length: codes.length }, (_, j) => j);
      return { field: c.field, lane: c.lane, table, model: buildModel(runStats(backend, values, null, identity, seqStarts)) };
    }
    const il = lane as IntLane;
    const table = c.lane === LANE_DICT ? c.dict!.toTable() : null;
    return { field: c.field, lane: c.lane, table, model: buildModel(runStats(backend, il.values, il.valid, perm, starts)) };
  });
  return { fieldCount: plan.input.fields.length, userField: plan.userField, tsField: plan.tsField, partition: plan.partition, columns };
}

import { Bool, DateDay, Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { batchStream, column, makeBatch, utf8Column, type BatchStream } from '@recdata/core';
import { USE_KINDS } from '../refs/kinds.js';
import type { AuditReport } from '../run.js';

/** `--format arrow`: one row per strategy (docs/strategy-metrics.md lists the columns). */
export const DECISIONS_SCHEMA = new Schema([
  new Field('strategy_id', new Utf8(), false),
  new Field('decision', new Utf8(), false),
  new Field('reasons', new Utf8(), false),
  new Field('metric', new Utf8(), false),
  new Field('lift', new Float64(), true),
  new Field('ci_low', new Float64(), true),
  new Field('ci_high', new Float64(), true),
  new Field('rel_lift', new Float64(), true),
  new Field('rel_ci_low', new Float64(), true),
  new Field('rel_ci_high', new Float64(), true),
  new Field('roi', new Float64(), true),
  new Field('roi_ci_low', new Float64(), true),
  new Field('roi_ci_high', new Float64(), true),
  new Field('srm_p', new Float64(), true),
  new Field('stale', new Bool(), false),
  new Field('decaying', new Bool(), false),
  new Field('review_due', new DateDay(), false),
  new Field('past_review', new Bool(), false),
  new Field('uses', new Int32(), true),
  new Field('mentions', new Int32(), true),
]);

function floats(values: (number | null | undefined)[]) {
  const data = new Float64Array(values.length);
  const validity = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      data[i] = v;
      validity[i >> 3] |= 1 << (i & 7);
    }
  });
  return column.float64(data, validity);
}

function bools(values: boolean[]) {
  const bits = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v) bits[i >> 3] |= 1 << (i & 7);
  });
  return column.bool(bits, values.length);
}

function ints(values: (number | null)[]) {
  const data = new Int32Array(values.length);
  const validity = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v !== null) {
      data[i] = v;
      validity[i >> 3] |= 1 << (i & 7);
    }
  });
  return column.int32(data, validity);
}

export function auditArrow(report: AuditReport): BatchStream {
  const ev = report.result.evaluations;
  const refs = report.refs?.references ?? null;
  const count = (id: string, use: boolean) => (refs ? refs.filter((r) => r.strategyId === id && USE_KINDS.includes(r.kind) === use).length : null);
  const batch = makeBatch(DECISIONS_SCHEMA, [
    utf8Column(ev.map((e) => e.strategy.id)),
    utf8Column(ev.map((e) => e.decision)),
    utf8Column(ev.map((e) => e.reasons.join('\n'))),
    utf8Column(ev.map((e) => e.strategy.primaryMetric)),
    floats(ev.map((e) => e.primary.effect?.lift)),
    floats(ev.map((e) => e.primary.effect?.ci[0])),
    floats(ev.map((e) => e.primary.effect?.ci[1])),
    floats(ev.map((e) => e.primary.effect?.relLift)),
    floats(ev.map((e) => e.primary.effect?.relCi[0])),
    floats(ev.map((e) => e.primary.effect?.relCi[1])),
    floats(ev.map((e) => e.roi?.value)),
    floats(ev.map((e) => e.roi?.ci[0])),
    floats(ev.map((e) => e.roi?.ci[1])),
    floats(ev.map((e) => e.srm?.pValue)),
    bools(ev.map((e) => e.stale)),
    bools(ev.map((e) => e.decay.decaying)),
    column.fixed(new DateDay(), Int32Array.from(ev.map((e) => e.reviewDue)), ev.length),
    bools(ev.map((e) => e.pastReview)),
    ints(ev.map((e) => count(e.strategy.id, true))),
    ints(ev.map((e) => count(e.strategy.id, false))),
  ]);
  return batchStream(DECISIONS_SCHEMA, ev.length > 0 ? [batch] : []);
}

/**
 * Rows held in memory as lanes: the user column and every encoded column, in
 * input order. Input batches are appended (null keys rejected or dropped);
 * ranges can be cut off the front (streaming input) or copied aside (the sample).
 */
import type { Data, RecordBatch } from 'apache-arrow';
import { errors } from '@recdata/core';
import { appendColumn, type Widen } from '../lanes/arrow.js';
import { appendRange, builderBytes, builderFor, gatherLane, type LaneBuilder } from '../lanes/builders.js';
import type { Lane } from '../lanes/lane.js';
import type { EncodePlan } from './plan.js';

export interface StoredLanes {
  user: Lane;
  cols: Lane[];
  rows: number;
}

function firstNull(data: Data): number {
  const bm = data.nullBitmap!;
  for (let i = 0; i < data.length; i++) if (!(bm[(data.offset + i) >> 3] & (1 << ((data.offset + i) & 7)))) return i;
  return -1;
}

export class RowStore {
  readonly plan: EncodePlan;
  /** The native widening kernel, or null for the TypeScript loops. */
  readonly native: Widen | null;
  user: LaneBuilder;
  cols: LaneBuilder[];
  rows = 0;

  /** `capacity`: rows to reserve up front (a memtable knows roughly how many it will hold). */
  constructor(plan: EncodePlan, native: Widen | null = null, capacity = 1024) {
    this.plan = plan;
    this.native = native;
    this.user = builderFor(plan.userLane, capacity);
    this.cols = plan.columns.map((c) => builderFor(c.lane === 3 ? 'string' : 'int', capacity));
  }

  /** Memory held, with the sort's 16 bytes per row. */
  get bytes(): number {
    return builderBytes(this.user) + this.cols.reduce((s, b) => s + builderBytes(b), 0) + this.rows * 16;
  }

  /**
   * Appends a batch whose first row is input row `row`. A null user or ts is an
   * error naming the row, unless `dropNullKeys`; returns the rows dropped.
   */
  append(batch: RecordBatch, row: number, dropNullKeys: boolean): number {
    const plan = this.plan;
    const children = batch.data.children;
    let keep: Int32Array | null = null;
    for (const [field, name] of [
      [plan.userField, plan.userName],
      [plan.tsField, plan.tsName],
    ] as const) {
      const data = children[field];
      if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) continue;
      const at = firstNull(data);
      if (at < 0) continue;
      if (!dropNullKeys) throw errors.badInput(`${name} is null; --drop-null-keys drops such rows`, { column: name, row: row + at });
      keep = keepValid(keep, data, batch.numRows);
    }
    if (!keep) {
      appendColumn(this.user, children[plan.userField], plan.userLane === 'int' ? 0 : 3, null, row, this.native);
      plan.columns.forEach((c, i) => appendColumn(this.cols[i], children[c.field], c.lane, c.dict, row, this.native));
      this.rows += batch.numRows;
      return 0;
    }
    // Rare path: lanes of the whole batch, then only the kept rows.
    const take = (b: LaneBuilder, data: Data, lane: 0 | 1 | 2 | 3 | 4, dict: EncodePlan['columns'][number]['dict']) => {
      const tmp = builderFor(lane === 3 ? 'string' : 'int', data.length);
      appendColumn(tmp, data, lane, dict, row);
      const full = tmp.finish();
      appendRange(b, gatherLane(full, keep!, 0, keep!.length), 0, keep!.length);
    };
    take(this.user, children[plan.userField], plan.userLane === 'int' ? 0 : 3, null);
    plan.columns.forEach((c, i) => take(this.cols[i], children[c.field], c.lane, c.dict));
    this.rows += keep.length;
    return batch.numRows - keep.length;
  }

  /** Views of the rows held (valid until the next append or reset). */
  lanes(): StoredLanes {
    return { user: this.user.finish(), cols: this.cols.map((b) => b.finish()), rows: this.rows };
  }

  /** Copies of rows [from, to) as a new store's content. */
  copyRange(from: number, to: number, into: RowStore): void {
    const l = this.lanes();
    appendRange(into.user, l.user, from, to);
    l.cols.forEach((lane, i) => appendRange(into.cols[i], lane, from, to));
    into.rows += to - from;
  }

  /** Keeps only rows [from, rows): the rest is gone (streaming input). */
  dropFront(from: number): void {
    const next = new RowStore(this.plan, this.native);
    this.copyRange(from, this.rows, next);
    this.user = next.user;
    this.cols = next.cols;
    this.rows = next.rows;
  }

  reset(): void {
    const next = new RowStore(this.plan, this.native);
    this.user = next.user;
    this.cols = next.cols;
    this.rows = 0;
  }
}

function keepValid(previous: Int32Array | null, data: Data, n: number): Int32Array {
  const bm = data.nullBitmap!;
  const out: number[] = [];
  const prev = previous ? new Set(previous) : null;
  for (let i = 0; i < n; i++) {
    const valid = (bm[(data.offset + i) >> 3] & (1 << ((data.offset + i) & 7))) !== 0;
    if (valid && (!prev || prev.has(i))) out.push(i);
  }
  return Int32Array.from(out);
}

/**
 * The memtable: events accepted since the last flush, as lanes (seq-encode's
 * RowStore: columns widened to 64-bit lanes, dictionary codes mapped into the
 * store-wide dictionary). It covers a contiguous range of LSNs and is flushed
 * whole, so a flush's commit moves the flushed LSN past all of them at once.
 */
import type { RecordBatch } from 'apache-arrow';
import type { EncodePlan } from '../encode/plan.js';
import { RowStore } from '../encode/store.js';
import type { Widen } from '../lanes/arrow.js';
import { cmp, wordsOf } from '../codec/w64.js';
import type { IntLane } from '../lanes/lane.js';
import type { EventLanes } from './flush.js';

export class Memtable {
  private store: RowStore;
  private readonly plan: EncodePlan;
  private readonly native: Widen | null;
  lsnMin = 0;
  lsnMax = 0;
  /** What the counters gain when this memtable is flushed. */
  events = 0;
  inputBytes = 0;
  walBytes = 0;

  private readonly capacity: number;

  /** `bytes`: the memtable's size limit (its lanes are reserved for about that many rows, up to 2M). */
  constructor(plan: EncodePlan, native: Widen | null, bytes: number) {
    this.plan = plan;
    this.native = native;
    this.capacity = Math.max(1024, Math.min(1 << 21, Math.floor(bytes / (16 + 9 * (plan.columns.length + 1)))));
    this.store = new RowStore(plan, native, this.capacity);
  }

  get rows(): number {
    return this.store.rows;
  }

  get bytes(): number {
    return this.store.bytes;
  }

  /**
   * Appends a batch (its first row is input row `row`). A null user or ts is exit
   * 65 naming the row unless `dropNullKeys`; returns the rows dropped. On any
   * failure the memtable is as it was.
   */
  append(batch: RecordBatch, row: number, dropNullKeys: boolean): number {
    const before = this.store.rows;
    try {
      const dropped = this.store.append(batch, row, dropNullKeys);
      this.events += batch.numRows - dropped;
      this.trackTs(before);
      return dropped;
    } catch (e) {
      this.truncate(before);
      throw e;
    }
  }

  /** The smallest and largest ts held (the partitions a flush can touch), as bigints; null when empty. */
  tsMin: bigint | null = null;
  tsMax: bigint | null = null;

  private trackTs(from: number): void {
    const ts = (this.store.lanes().cols[this.plan.tsColumn] as IntLane).values;
    const w = wordsOf(ts);
    const n = this.store.rows;
    if (from >= n) return;
    let minAt = from;
    let maxAt = from;
    for (let i = from + 1; i < n; i++) {
      if (cmp(w[2 * i + 1], w[2 * i], w[2 * minAt + 1], w[2 * minAt]) < 0) minAt = i;
      else if (cmp(w[2 * i + 1], w[2 * i], w[2 * maxAt + 1], w[2 * maxAt]) > 0) maxAt = i;
    }
    if (this.tsMin === null || ts[minAt] < this.tsMin) this.tsMin = ts[minAt];
    if (this.tsMax === null || ts[maxAt] > this.tsMax) this.tsMax = ts[maxAt];
  }

  /** Marks rows appended for a record. */
  covers(lsn: number, inputBytes: number, walBytes: number): void {
    if (this.lsnMin === 0) this.lsnMin = lsn;
    this.lsnMax = lsn;
    this.inputBytes += inputBytes;
    this.walBytes += walBytes;
  }

  private truncate(rows: number): void {
    if (this.store.rows === rows) return;
    const next = new RowStore(this.plan, this.native);
    this.store.copyRange(0, rows, next);
    this.store = next;
  }

  lanes(): EventLanes {
    const l = this.store.lanes();
    return { user: l.user, cols: l.cols, rows: l.rows };
  }
}

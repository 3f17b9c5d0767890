/**
 * External sort: runs of input (each about --memory-limit) are sorted and written
 * as Arrow IPC files of lanes to a private temporary folder, then merged one user
 * at a time: each run holds a user's rows together, so the merge gathers that
 * user from every run (earlier runs first, which keeps input order among equal
 * timestamps), orders the group by ts, and passes it on. Memory during the merge
 * is one batch per run plus the largest user.
 */
import path from 'node:path';
import { Binary, Data, Field, Int64, RecordBatch, Schema } from 'apache-arrow';
import { ArrowReader, batchStream, makeBatch, makeTempDir, removeTempDir, writeBatchStream } from '@recdata/core';
import { cmp } from '../codec/w64.js';
import { compareBytes } from '../group/keys.js';
import type { Grouping } from '../group/sort.js';
import { laneToData } from '../lanes/arrow.js';
import { appendRange, builderFor, gatherLane, type LaneBuilder } from '../lanes/builders.js';
import type { Lane } from '../lanes/lane.js';
import { runGroup, type SeqBackend } from '../kernels.js';
import type { SortedBlock } from './chunks.js';
import type { EncodePlan } from './plan.js';
import type { StoredLanes } from './store.js';

const SPILL_BATCH_ROWS = 65536;

function laneSchema(plan: EncodePlan): Schema {
  const kind = (k: 'int' | 'string') => (k === 'int' ? new Int64() : new Binary());
  const fields = [new Field('u', kind(plan.userLane), true), ...plan.columns.map((c, i) => new Field(`c${i}`, kind(c.lane === 3 ? 'string' : 'int'), true))];
  return new Schema(fields);
}

function toData(lane: Lane): Data {
  return laneToData(lane.kind === 'int' ? new Int64() : new Binary(), lane, null);
}

/** Lanes of a batch read back from a spill file (views into the bytes read). */
function fromData(data: Data): Lane {
  let valid: Uint8Array | null = null;
  if (data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0) {
    valid = new Uint8Array(data.length);
    const bm = data.nullBitmap;
    for (let i = 0; i < data.length; i++) valid[i] = (bm[(data.offset + i) >> 3] >> ((data.offset + i) & 7)) & 1;
  }
  if (data.type instanceof Binary) return { kind: 'string', offsets: data.valueOffsets as Int32Array, bytes: data.values as Uint8Array, valid };
  return { kind: 'int', values: data.values as BigInt64Array, valid };
}

export class SpillSet {
  private readonly plan: EncodePlan;
  private readonly base: string | undefined;
  private dir: string | null = null;
  readonly files: string[] = [];

  constructor(plan: EncodePlan, base?: string) {
    this.plan = plan;
    this.base = base;
  }

  get count(): number {
    return this.files.length;
  }

  /** Writes the rows in grouped order as the next run. */
  async spill(lanes: StoredLanes, grouping: Grouping): Promise<void> {
    this.dir ??= makeTempDir('seq-encode', this.base);
    const file = path.join(this.dir, `run-${String(this.files.length).padStart(5, '0')}.arrow`);
    const schema = laneSchema(this.plan);
    const { perm } = grouping;
    function* batches(): Generator<RecordBatch> {
      for (let from = 0; from < perm.length; from += SPILL_BATCH_ROWS) {
        const to = Math.min(perm.length, from + SPILL_BATCH_ROWS);
        const cols = [lanes.user, ...lanes.cols].map((l) => toData(gatherLane(l, perm, from, to)));
        yield makeBatch(schema, cols, to - from);
      }
    }
    await writeBatchStream(batchStream(schema, batches()), { file });
    this.files.push(file);
  }

  /** Removes the folder and every run in it (after success or failure). */
  cleanup(): void {
    if (this.dir) removeTempDir(this.dir);
    this.dir = null;
    this.files.length = 0;
  }

  /** Sorted blocks, one user at a time, merged from every run. */
  async *merge(backend: SeqBackend): AsyncGenerator<SortedBlock> {
    const plan = this.plan;
    const flip = plan.userUnsigned64 ? 0x80000000 | 0 : 0;
    const runs = await Promise.all(this.files.map((f) => RunCursor.open(f, flip)));
    try {
      for (;;) {
        let best: RunCursor | null = null;
        for (const r of runs) if (!r.done && (!best || r.compareUser(best) < 0)) best = r;
        if (!best) return;
        const key = best.userKey();
        const user = builderFor(plan.userLane);
        const cols = plan.columns.map((c) => builderFor(c.lane === 3 ? 'string' : 'int'));
        for (const r of runs) await r.takeUser(key, user, cols);
        const lanes = { user: user.finish(), cols: cols.map((b) => b.finish()) };
        const ts = lanes.cols[plan.tsColumn];
        if (ts.kind !== 'int') throw new Error('internal: ts lane is not an int lane');
        const g = runGroup(backend, lanes.user, plan.userUnsigned64, ts.values, plan.partitionSpec);
        yield { user: lanes.user, cols: lanes.cols, perm: g.perm, starts: g.starts };
      }
    } finally {
      for (const r of runs) await r.close();
    }
  }
}

/** A user's key as the merge compares them. */
type UserKey = { kind: 'int'; hi: number; lo: number } | { kind: 'string'; bytes: Uint8Array };

class RunCursor {
  private readonly it: AsyncIterator<RecordBatch>;
  /** 0x80000000 for uint64 users: their order is the signed order with the top bit flipped. */
  private readonly flip: number;
  private lanes: Lane[] = [];
  private pos = 0;
  private rows = 0;
  done = false;

  private constructor(it: AsyncIterator<RecordBatch>, flip: number) {
    this.it = it;
    this.flip = flip;
  }

  static async open(file: string, flip: number): Promise<RunCursor> {
    const reader = await ArrowReader.open([file]);
    const c = new RunCursor(reader[Symbol.asyncIterator](), flip);
    await c.next();
    return c;
  }

  private async next(): Promise<void> {
    for (;;) {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        this.lanes = [];
        return;
      }
      if (r.value.numRows === 0) continue;
      this.lanes = r.value.data.children.map(fromData);
      this.pos = 0;
      this.rows = r.value.numRows;
      return;
    }
  }

  userKey(): UserKey {
    const u = this.lanes[0];
    if (u.kind === 'int') {
      const w = new Int32Array(u.values.buffer, u.values.byteOffset, u.values.length * 2);
      return { kind: 'int', hi: w[2 * this.pos + 1], lo: w[2 * this.pos] };
    }
    return { kind: 'string', bytes: u.bytes.slice(u.offsets[this.pos], u.offsets[this.pos + 1]) };
  }

  /** Signed order of the sort keys: uint64 users compare with the top bit flipped. */
  static compare(a: UserKey, b: UserKey, flip: number): number {
    if (a.kind === 'int' && b.kind === 'int') return cmp(a.hi ^ flip, a.lo, b.hi ^ flip, b.lo);
    const x = (a as { bytes: Uint8Array }).bytes;
    const y = (b as { bytes: Uint8Array }).bytes;
    return compareBytes(x, 0, x.length, y, 0, y.length);
  }

  compareUser(other: RunCursor): number {
    return RunCursor.compare(this.userKey(), other.userKey(), this.flip);
  }

  /** Appends this run's rows of `key` (they are together, maybe over several batches). */
  async takeUser(key: UserKey, user: LaneBuilder, cols: LaneBuilder[]): Promise<void> {
    while (!this.done && RunCursor.compare(this.userKey(), key, 0) === 0) {
      let end = this.pos + 1;
      const keyNow = this.userKey();
      const u = this.lanes[0];
      while (end < this.rows && this.sameUserAt(u, end, keyNow)) end++;
      appendRange(user, u, this.pos, end);
      for (let c = 0; c < cols.length; c++) appendRange(cols[c], this.lanes[c + 1], this.pos, end);
      this.pos = end;
      if (this.pos >= this.rows) await this.next();
    }
  }

  private sameUserAt(u: Lane, i: number, key: UserKey): boolean {
    if (u.kind === 'int') {
      const w = new Int32Array(u.values.buffer, u.values.byteOffset, u.values.length * 2);
      return key.kind === 'int' && w[2 * i + 1] === key.hi && w[2 * i] === key.lo;
    }
    const b = (key as { bytes: Uint8Array }).bytes;
    return compareBytes(u.bytes, u.offsets[i], u.offsets[i + 1], b, 0, b.length) === 0;
  }

  async close(): Promise<void> {
    try {
      await this.it.return?.();
    } catch {
      /* the reader closes its file either way */
    }
  }
}


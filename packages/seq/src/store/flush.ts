/**
 * Writing sorted runs: events (a flushed memtable, or a compaction's merged
 * windows) are grouped by user and ts (stably: ties keep write order) and by
 * partition, cut into chunks of whole sequences, encoded into seq payloads
 * (on the worker pool when there are enough chunks), and written as one run
 * file per partition. The files are not part of the store until the manifest
 * lists them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errors, mapOrdered, type WorkerPool } from '@recdata/core';
import { W, wordsOf } from '../codec/w64.js';
import { ChunkRunner } from '../dispatch.js';
import { ChunkBuilder, type SortedBlock } from '../encode/chunks.js';
import { partitionOf } from '../group/sort.js';
import { runGroup, type SeqBackend } from '../kernels.js';
import type { IntLane, Lane } from '../lanes/lane.js';
import type { StoreLayout } from './layout.js';
import type { NewFile } from './manifest.js';
import type { EventWindow } from './merge.js';
import { RunWriter } from './run-file.js';
import type { EncodedChunk } from '../format/payload.js';

export interface RunContext {
  layout: StoreLayout;
  backend: SeqBackend;
  threads: number;
  pool: () => WorkerPool;
  /** A fresh file id (never reused: ids only grow). */
  nextId: () => number;
}

export interface EventLanes {
  user: Lane;
  cols: Lane[];
  rows: number;
}

/** The partition of every row (the fast path divides exact doubles; nanosecond ts take the word path). */
export function partitionsOfRows(layout: StoreLayout, ts: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  const spec = layout.spec!;
  const period = spec.seconds * spec.unitsPerSecond;
  for (let i = 0; i < n; i++) {
    const hi = ts[2 * i + 1];
    if (hi > -0x100000 && hi < 0x100000 && period < 2 ** 40) {
      const x = hi * 4294967296 + (ts[2 * i] >>> 0);
      let q = Math.floor(x / period);
      if (q * period > x) q--;
      else if ((q + 1) * period <= x) q++;
      out[i] = q;
    } else {
      partitionOf(hi, ts[2 * i], spec);
      out[i] = W.hi * 4294967296 + (W.lo >>> 0);
    }
  }
  return out;
}

/**
 * Events grouped for writing: one sort of every row by (user, ts) (stable: ties
 * keep write order), then the sorted order split by partition (stably, so each
 * part stays sorted) and cut into sequences where the user changes.
 */
export function groupByPartition(ctx: RunContext, lanes: EventLanes): { partition: number; window: EventWindow }[] {
  const { layout } = ctx;
  const n = lanes.rows;
  if (n === 0) return [];
  const ts = lanes.cols[layout.plan.tsColumn] as IntLane;
  const g = runGroup(ctx.backend, lanes.user, layout.plan.userUnsigned64, ts.values, null);
  if (!layout.spec) return [{ partition: 0, window: { user: lanes.user, cols: lanes.cols, perm: g.perm, starts: g.starts, events: n } }];
  const part = partitionsOfRows(layout, wordsOf(ts.values), n);
  let lo = part[0];
  let hi = part[0];
  for (let i = 1; i < n; i++) {
    if (part[i] < lo) lo = part[i];
    else if (part[i] > hi) hi = part[i];
  }
  if (lo === hi) return [{ partition: lo, window: { user: lanes.user, cols: lanes.cols, perm: g.perm, starts: g.starts, events: n } }];
  // Partitions of one memtable are few and near each other: count into an array by offset
  // (a map when they are far apart).
  const dense = hi - lo < 1 << 20;
  const slot = new Int32Array(n);
  let keys: number[];
  if (dense) {
    const seen = new Uint8Array(hi - lo + 1);
    for (let i = 0; i < n; i++) seen[part[i] - lo] = 1;
    keys = [];
    const index = new Int32Array(hi - lo + 1);
    for (let d = 0; d <= hi - lo; d++) if (seen[d]) (index[d] = keys.length), keys.push(lo + d);
    for (let i = 0; i < n; i++) slot[i] = index[part[i] - lo];
  } else {
    keys = [...new Set(part)].sort((a, b) => a - b);
    const index = new Map(keys.map((k, j) => [k, j]));
    for (let i = 0; i < n; i++) slot[i] = index.get(part[i])!;
  }
  const counts = new Int32Array(keys.length);
  for (let i = 0; i < n; i++) counts[slot[i]]++;
  const at = new Int32Array(keys.length);
  for (let j = 1; j < keys.length; j++) at[j] = at[j - 1] + counts[j - 1];
  const perm = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = g.perm[k];
    perm[at[slot[i]]++] = i;
  }
  const same = sameUser(lanes.user);
  let from = 0;
  return keys.map((key, j) => {
    const to = from + counts[j];
    const sub = perm.subarray(from, to);
    from = to;
    return { partition: key, window: { user: lanes.user, cols: lanes.cols, perm: sub, starts: userStarts(sub, lanes.user, same), events: sub.length } };
  });
}

/** Where a new user starts along a sorted order of rows. */
function userStarts(order: Int32Array, user: Lane, same: (a: number, b: number) => boolean): Int32Array {
  const n = order.length;
  let out = new Int32Array(Math.min(n + 1, 1 << 16));
  let k = 0;
  const push = (v: number) => {
    if (k === out.length) {
      const next = new Int32Array(Math.min(n + 1, out.length * 2));
      next.set(out);
      out = next;
    }
    out[k++] = v;
  };
  push(0);
  if (user.kind === 'int') {
    const w = wordsOf(user.values);
    for (let i = 1; i < n; i++) {
      const a = order[i - 1] << 1;
      const b = order[i] << 1;
      if (w[a] !== w[b] || w[a + 1] !== w[b + 1]) push(i);
    }
  } else for (let i = 1; i < n; i++) if (!same(order[i - 1], order[i])) push(i);
  push(n);
  return out.slice(0, k);
}

function sameUser(user: Lane): (a: number, b: number) => boolean {
  if (user.kind === 'int') {
    const w = wordsOf(user.values);
    return (a, b) => w[2 * a] === w[2 * b] && w[2 * a + 1] === w[2 * b + 1];
  }
  const o = user.offsets;
  const bytes = user.bytes;
  return (a, b) => {
    const la = o[a + 1] - o[a];
    if (la !== o[b + 1] - o[b]) return false;
    for (let k = 0; k < la; k++) if (bytes[o[a] + k] !== bytes[o[b] + k]) return false;
    return true;
  };
}

/**
 * Writes sorted windows of one partition as one run file. Returns null when the
 * windows hold no events.
 */
export async function writeRun(
  ctx: RunContext,
  partition: number,
  windows: AsyncIterable<EventWindow> | Iterable<EventWindow>,
  headerBytes: Uint8Array,
  lsn: { min: number; max: number },
  origin: NewFile['origin'],
): Promise<NewFile | null> {
  const { layout } = ctx;
  const id = ctx.nextId();
  const rel = layout.runPath(partition, id);
  const abs = layout.abs(rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const writer = new RunWriter(abs, {
    userKind: layout.userKind,
    partition,
    partitionStart: layout.partitionStart(partition),
    schemaBytes: layout.config.schemaBytes,
    headerBytes,
    lsnMin: lsn.min,
    lsnMax: lsn.max,
  });
  const runner = new ChunkRunner(headerBytes, ctx.backend, ctx.threads, ctx.pool);
  const builder = new ChunkBuilder(65536);
  async function* chunks() {
    for await (const w of windows) {
      const block: SortedBlock = { user: w.user, cols: w.cols, perm: w.perm, starts: w.starts };
      yield* builder.add(block);
    }
    yield* builder.flush();
  }
  try {
    const jobs = mapOrdered(
      chunks(),
      async (chunk) => {
        // The pool detaches what it is sent: keep the ts lane's values for the table.
        const ts = chunk.cols[layout.plan.tsColumn] as IntLane;
        const kept: IntLane = { kind: 'int', values: ts.values.slice(), valid: null };
        const starts = chunk.starts.slice();
        const encoded: EncodedChunk = await runner.encode(chunk.starts, chunk.cols);
        return { users: chunk.users, starts, ts: kept, encoded };
      },
      runner.concurrency,
    );
    for await (const j of jobs) writer.addChunk(j.users, j.starts, j.ts, j.encoded);
    if (writer.sequences === 0) {
      writer.abort();
      return null;
    }
    const info = writer.finish();
    return { id, path: rel, origin, info };
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    await runner.close();
  }
}

export function assertRows(lanes: EventLanes): void {
  if (lanes.cols.some((c) => (c.kind === 'int' ? c.values.length : c.offsets.length - 1) !== lanes.rows)) throw errors.internal('lanes of different lengths');
}

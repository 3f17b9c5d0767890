/**
 * Merging the runs of one partition into one user-ordered stream of events, in
 * windows of users: compaction re-encodes the windows, scans decode them to
 * Arrow. Runs come oldest first; a user's events from all runs are ordered by ts,
 * and events with equal ts keep write order (older runs first, then their order
 * in the run), which is what "newest write wins" counts on.
 *
 * A window ends at a user bound: each run proposes the first user of the block
 * WINDOW_BLOCKS ahead of its cursor, the smallest proposal wins, and every run
 * gives its sequences of users below it (at most WINDOW_BLOCKS blocks each).
 * One run alone needs no sorting: its payloads are already in order.
 */
import { errors } from '@recdata/core';
import { cmp, wordsOf } from '../codec/w64.js';
import type { DecodedChunk } from '../format/payload.js';
import { runGroup, type SeqBackend } from '../kernels.js';
import { appendRange, builderFor, gatherLane } from '../lanes/builders.js';
import type { Lane } from '../lanes/lane.js';
import type { PayloadDecoder } from './decoder.js';
import type { StoreLayout } from './layout.js';
import type { RunFile } from './run-file.js';
import type { SeqEntries } from './table.js';
import type { TsRange } from './time.js';
import { compareBytes, type UserKey } from './user-key.js';

export const WINDOW_BLOCKS = 16;

/** Events of a window, grouped: sequence s is rows perm[starts[s]..starts[s + 1]) (perm null: in order). */
export interface EventWindow {
  /** One row per event. */
  user: Lane;
  cols: Lane[];
  perm: Int32Array | null;
  starts: Int32Array;
  events: number;
}

/** Sequences [from, to) of one loaded block. */
interface Segment {
  entries: SeqEntries;
  from: number;
  to: number;
}

class Cursor {
  readonly file: RunFile;
  private block = 0;
  private entries: SeqEntries | null = null;
  private pos = 0;

  constructor(file: RunFile) {
    this.file = file;
  }

  get done(): boolean {
    return this.block >= this.file.meta.blocks;
  }

  private load(): SeqEntries | null {
    if (this.done) return null;
    if (!this.entries) {
      this.entries = this.file.block(this.block);
      this.pos = 0;
    }
    return this.entries;
  }

  /** The first user of the block `WINDOW_BLOCKS` ahead, or null when there are fewer left. */
  proposal(): UserKey | null {
    const ix = this.file.index();
    const b = this.block + WINDOW_BLOCKS;
    if (b >= ix.blocks) return null;
    return ix.firstKeys ? ix.firstKeys[b] : ix.firstBytes![b];
  }

  /** Takes every sequence whose user is below `bound` (an order key or bytes; null: all). */
  take(bound: UserKey | null, kind: StoreLayout['userKind']): Segment[] {
    const out: Segment[] = [];
    for (;;) {
      const e = this.load();
      if (!e) return out;
      const from = this.pos;
      let to = from;
      if (bound === null) to = e.count;
      else if (typeof bound === 'bigint') {
        const w = wordsOf((e.users as Extract<Lane, { kind: 'int' }>).values);
        const bh = Number(BigInt.asIntN(32, bound >> 32n));
        const bl = Number(BigInt.asUintN(32, bound));
        const flip = kind === 'uint64' ? 0 : 0x80000000 | 0;
        // Order keys compare unsigned: flip both to compare signed.
        while (to < e.count && cmp((w[2 * to + 1] ^ flip) ^ 0x80000000, w[2 * to], bh ^ 0x80000000, bl) < 0) to++;
      } else {
        const s = e.users as Extract<Lane, { kind: 'string' }>;
        while (to < e.count && compareBytes(s.bytes.subarray(s.offsets[to], s.offsets[to + 1]), bound) < 0) to++;
      }
      if (to > from) out.push({ entries: e, from, to });
      if (to < e.count) {
        this.pos = to;
        return out;
      }
      this.block++;
      this.entries = null;
    }
  }
}

/** Decoded events of some sequences of one run, with one user row per event. */
interface Decoded {
  user: Lane;
  chunk: DecodedChunk;
}

/** Payloads of some sequences of one run, read and ready to decode. */
interface ReadPayloads {
  bytes: Uint8Array;
  offsets: Int32Array;
  counts: Uint32Array;
  /** One row per sequence. */
  users: Lane;
  /** File offset of bytes[0] (exact for messages when the payloads are one stretch). */
  base: number;
}

/** Reads the payloads of the segments' sequences whose ts range meets `range` (null: none do). */
function readSegments(file: RunFile, segments: Segment[], range: TsRange | null): ReadPayloads | null {
  const picked: Segment[] = [];
  for (const seg of segments) {
    if (!range) {
      picked.push(seg);
      continue;
    }
    // Sequences outside the range are skipped without decoding.
    let a = seg.from;
    while (a < seg.to) {
      while (a < seg.to && !overlaps(seg.entries, a, range)) a++;
      let b = a;
      while (b < seg.to && overlaps(seg.entries, b, range)) b++;
      if (b > a) picked.push({ entries: seg.entries, from: a, to: b });
      a = b;
    }
  }
  if (picked.length === 0) return null;
  let n = 0;
  for (const s of picked) n += s.to - s.from;
  const offsets = new Int32Array(n + 1);
  const counts = new Uint32Array(n);
  const users = builderFor(picked[0].entries.users, n);
  // One read per contiguous stretch of payloads; usually the whole window is one.
  const parts: { at: number; length: number }[] = [];
  let k = 0;
  let total = 0;
  for (const s of picked) {
    const e = s.entries;
    const at = e.payload[s.from];
    const length = e.payload[s.to] - at;
    const last = parts[parts.length - 1];
    if (last && last.at + last.length === at) last.length += length;
    else parts.push({ at, length });
    for (let i = s.from; i < s.to; i++) {
      counts[k] = e.counts[i];
      offsets[k + 1] = offsets[k] + (e.payload[i + 1] - e.payload[i]);
      k++;
    }
    total += length;
    appendRange(users, e.users, s.from, s.to);
  }
  let bytes: Uint8Array;
  if (parts.length === 1) bytes = file.read(parts[0].at, parts[0].length);
  else {
    bytes = new Uint8Array(total);
    let p = 0;
    for (const part of parts) {
      bytes.set(file.read(part.at, part.length), p);
      p += part.length;
    }
  }
  return { bytes, offsets, counts, users: users.finish(), base: parts[0].at };
}

/** One user row per event of a decoded chunk. */
function withEventUsers(read: ReadPayloads, chunk: DecodedChunk): Decoded {
  const n = read.counts.length;
  const events = chunk.starts[n];
  const owner = new Int32Array(events);
  for (let s = 0; s < n; s++) owner.fill(s, chunk.starts[s], chunk.starts[s + 1]);
  return { user: gatherLane(read.users, owner, 0, events), chunk };
}

function overlaps(e: SeqEntries, i: number, range: TsRange): boolean {
  return (range.to === null || e.tsFirst[i] < range.to) && (range.from === null || e.tsLast[i] >= range.from);
}

/** Rows of lanes whose ts lies in the range, or null when all do. */
export function rowsInRange(ts: BigInt64Array, range: TsRange | null): Int32Array | null {
  if (!range) return null;
  const w = wordsOf(ts);
  const n = ts.length;
  const fh = range.from === null ? 0 : Number(BigInt.asIntN(32, range.from >> 32n));
  const fl = range.from === null ? 0 : Number(BigInt.asUintN(32, range.from));
  const th = range.to === null ? 0 : Number(BigInt.asIntN(32, range.to >> 32n));
  const tl = range.to === null ? 0 : Number(BigInt.asUintN(32, range.to));
  const inside = (i: number) => (range.from === null || cmp(w[2 * i + 1], w[2 * i], fh, fl) >= 0) && (range.to === null || cmp(w[2 * i + 1], w[2 * i], th, tl) < 0);
  let all = true;
  for (let i = 0; i < n && all; i++) if (!inside(i)) all = false;
  if (all) return null;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (inside(i)) keep.push(i);
  return Int32Array.from(keep);
}

/** Concatenates decoded parts (age order) into one set of event lanes. */
function concat(parts: Decoded[], columns: number): { user: Lane; cols: Lane[] } {
  if (parts.length === 1) return { user: parts[0].user, cols: parts[0].chunk.lanes };
  const total = parts.reduce((s, p) => s + p.chunk.starts[p.chunk.starts.length - 1], 0);
  const user = builderFor(parts[0].user, total);
  const cols = parts[0].chunk.lanes.map((l) => builderFor(l, total));
  for (const p of parts) {
    const n = p.chunk.starts[p.chunk.starts.length - 1];
    appendRange(user, p.user, 0, n);
    for (let c = 0; c < columns; c++) appendRange(cols[c], p.chunk.lanes[c], 0, n);
  }
  return { user: user.finish(), cols: cols.map((b) => b.finish()) };
}

function filterLanes(l: { user: Lane; cols: Lane[] }, keep: Int32Array): { user: Lane; cols: Lane[] } {
  return { user: gatherLane(l.user, keep, 0, keep.length), cols: l.cols.map((c) => gatherLane(c, keep, 0, keep.length)) };
}

/** Groups event lanes into sequences by (user, ts), stably. */
export function groupWindow(layout: StoreLayout, backend: SeqBackend, lanes: { user: Lane; cols: Lane[] }): EventWindow {
  const ts = lanes.cols[layout.plan.tsColumn];
  if (ts.kind !== 'int') throw errors.internal('the ts lane is not an int lane');
  const g = runGroup(backend, lanes.user, layout.plan.userUnsigned64, ts.values, null);
  return { user: lanes.user, cols: lanes.cols, perm: g.perm, starts: g.starts, events: ts.values.length };
}

export interface MergeOptions {
  layout: StoreLayout;
  decoder: PayloadDecoder;
  backend: SeqBackend;
  /** Keep only events in this range (reads); null keeps everything (compaction). */
  range: TsRange | null;
}

/** Windows of the merged events of `files` (one partition, oldest run first). */
export async function* mergeRuns(files: RunFile[], options: MergeOptions): AsyncGenerator<EventWindow> {
  const { layout, decoder, backend, range } = options;
  const cursors = files.map((f) => new Cursor(f));
  const columns = layout.plan.columns.length;
  const kind = layout.userKind;
  while (cursors.some((c) => !c.done)) {
    let bound: UserKey | null = null;
    for (const c of cursors) {
      if (c.done) continue;
      const p = c.proposal();
      if (p === null) continue;
      if (bound === null || (typeof p === 'bigint' ? p < (bound as bigint) : compareBytes(p, bound as Uint8Array) < 0)) bound = p;
    }
    const parts: Decoded[] = [];
    for (const c of cursors) {
      const segments = c.take(bound, kind);
      if (segments.length === 0) continue;
      const read = readSegments(c.file, segments, range);
      if (!read) continue;
      // The decoder takes the offsets and counts (a worker detaches them).
      const chunk = await decoder.decode(c.file, read.bytes, read.offsets, read.counts, read.base);
      parts.push(withEventUsers(read, chunk));
    }
    if (parts.length === 0) continue;
    let lanes = concat(parts, columns);
    const ts = lanes.cols[layout.plan.tsColumn] as Extract<Lane, { kind: 'int' }>;
    const keep = rowsInRange(ts.values, range);
    if (keep) {
      if (keep.length === 0) continue;
      lanes = filterLanes(lanes, keep);
    }
    if (parts.length === 1 && !keep) {
      // One run: its sequences are in order already.
      const starts = parts[0].chunk.starts;
      yield { user: lanes.user, cols: lanes.cols, perm: null, starts, events: starts[starts.length - 1] };
    } else yield groupWindow(layout, backend, lanes);
  }
}

/** One user's events in one run file (the lookup path, on this thread), or null. */
export function lookupUser(file: RunFile, user: UserKey, range: TsRange | null, decoder: PayloadDecoder): { user: Lane; cols: Lane[] } | null {
  const hit = file.lookup(user);
  if (!hit) return null;
  const read = readSegments(file, [{ entries: hit.entries, from: hit.at, to: hit.at + 1 }], range);
  if (!read) return null;
  const d = withEventUsers(read, decoder.decodeNow(file, read.bytes, read.offsets, read.counts, read.base));
  return { user: d.user, cols: d.chunk.lanes };
}

/**
 * Cuts the ordered stream of sequences into chunks: whole sequences, at most
 * MAX_CHUNK_EVENTS events (a longer sequence is a chunk of its own) and at most
 * `maxSequences` sequences. The cut depends only on the sequence lengths, so every
 * path (in memory, merged from spilled runs, streamed) gives the same chunks,
 * and a chunk is one output batch and one task for a worker.
 */
import { appendRange, builderFor, gatherLane, sliceLane, type LaneBuilder } from '../lanes/builders.js';
import type { Lane } from '../lanes/lane.js';

export const MAX_CHUNK_EVENTS = 65536;

export interface Chunk {
  /** Sequence s is rows [starts[s], starts[s + 1]) of the lanes. */
  starts: Int32Array;
  cols: Lane[];
  /** One row per sequence: its user. */
  users: Lane;
}

/** Sequences in order: sequence s is rows perm[starts[s]..starts[s + 1]) of the lanes (perm null: identity). */
export interface SortedBlock {
  user: Lane;
  cols: Lane[];
  perm: Int32Array | null;
  starts: Int32Array;
}

interface Part {
  cols: Lane[];
  users: Lane;
  lengths: number[];
}

export class ChunkBuilder {
  private readonly maxEvents: number;
  private readonly maxSequences: number;
  private parts: Part[] = [];
  private events = 0;
  private sequences = 0;

  constructor(maxSequences: number, maxEvents = MAX_CHUNK_EVENTS) {
    this.maxSequences = maxSequences;
    this.maxEvents = maxEvents;
  }

  /** Takes a block's sequences (copying them), yielding every chunk they complete. */
  *add(block: SortedBlock): Generator<Chunk> {
    const n = block.starts.length - 1;
    let from = 0;
    for (let s = 0; s < n; s++) {
      const len = block.starts[s + 1] - block.starts[s];
      if (this.sequences > 0 && (this.events + len > this.maxEvents || this.sequences >= this.maxSequences)) {
        if (s > from) this.take(block, from, s);
        from = s;
        yield this.emit();
      }
      this.events += len;
      this.sequences++;
    }
    if (n > from) this.take(block, from, n);
  }

  *flush(): Generator<Chunk> {
    if (this.sequences > 0) yield this.emit();
  }

  private take(block: SortedBlock, a: number, b: number): void {
    const rowFrom = block.starts[a];
    const rowTo = block.starts[b];
    const perm = block.perm;
    const cols = block.cols.map((lane) => (perm ? gatherLane(lane, perm, rowFrom, rowTo) : sliceLane(lane, rowFrom, rowTo)));
    const firsts = new Int32Array(b - a);
    for (let s = a; s < b; s++) firsts[s - a] = perm ? perm[block.starts[s]] : block.starts[s];
    const users = gatherLane(block.user, firsts, 0, b - a);
    const lengths: number[] = [];
    for (let s = a; s < b; s++) lengths.push(block.starts[s + 1] - block.starts[s]);
    this.parts.push({ cols, users, lengths });
  }

  private emit(): Chunk {
    const parts = this.parts;
    this.parts = [];
    this.events = 0;
    this.sequences = 0;
    const lengths = parts.flatMap((p) => p.lengths);
    const starts = new Int32Array(lengths.length + 1);
    lengths.forEach((l, i) => (starts[i + 1] = starts[i] + l));
    if (parts.length === 1) return { starts, cols: parts[0].cols, users: parts[0].users };
    const concat = (lanes: Lane[]): Lane => {
      const total = lanes.reduce((s, l) => s + (l.kind === 'int' ? l.values.length : l.offsets.length - 1), 0);
      const b: LaneBuilder = builderFor(lanes[0], total);
      for (const l of lanes) appendRange(b, l, 0, l.kind === 'int' ? l.values.length : l.offsets.length - 1);
      return b.finish();
    };
    return { starts, cols: parts[0].cols.map((_, c) => concat(parts.map((p) => p.cols[c]))), users: concat(parts.map((p) => p.users)) };
  }
}

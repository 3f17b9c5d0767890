/**
 * Growable lanes, and the lane operations the grouping needs: gather rows by a
 * permutation, slice, append. 64-bit lanes are moved as pairs of 32-bit words
 * (an Int32Array view), which is much faster in JS than reading BigInts.
 */
import type { IntLane, Lane, StringLane } from './lane.js';

function grow<T extends Int32Array | Uint8Array | BigInt64Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const next = make(Math.max(need, a.length * 2, 1024));
  next.set(a as never);
  return next;
}

export class IntLaneBuilder {
  values: BigInt64Array;
  words: Int32Array;
  valid: Uint8Array | null = null;
  length = 0;

  constructor(capacity = 1024) {
    this.values = new BigInt64Array(capacity);
    this.words = new Int32Array(this.values.buffer);
  }

  reserve(n: number): void {
    const need = this.length + n;
    if (need > this.values.length) {
      this.values = grow(this.values, need, (k) => new BigInt64Array(k));
      this.words = new Int32Array(this.values.buffer);
      if (this.valid) this.valid = grow(this.valid, this.values.length, (k) => new Uint8Array(k));
    }
  }

  /** The validity bytes, made on first use with every earlier row valid. */
  validity(): Uint8Array {
    if (!this.valid) {
      this.valid = new Uint8Array(this.values.length);
      this.valid.fill(1, 0, this.length);
    }
    return this.valid;
  }

  get bytes(): number {
    return this.length * 8 + (this.valid ? this.length : 0);
  }

  finish(): IntLane {
    return { kind: 'int', values: this.values.subarray(0, this.length), valid: this.valid ? this.valid.subarray(0, this.length) : null };
  }
}

export class StringLaneBuilder {
  offsets: Int32Array;
  bytes: Uint8Array;
  valid: Uint8Array | null = null;
  length = 0;

  constructor(capacity = 1024) {
    this.offsets = new Int32Array(capacity + 1);
    this.bytes = new Uint8Array(capacity * 8);
  }

  reserve(n: number, bytes: number): void {
    if (this.length + n + 1 > this.offsets.length) {
      this.offsets = grow(this.offsets, this.length + n + 1, (k) => new Int32Array(k));
      if (this.valid) this.valid = grow(this.valid, this.offsets.length, (k) => new Uint8Array(k));
    }
    const used = this.offsets[this.length];
    if (used + bytes > 0x7fffffff) throw new RangeError('more than 2 GiB of strings in one lane');
    this.bytes = grow(this.bytes, used + bytes, (k) => new Uint8Array(k));
  }

  validity(): Uint8Array {
    if (!this.valid) {
      this.valid = new Uint8Array(this.offsets.length);
      this.valid.fill(1, 0, this.length);
    }
    return this.valid;
  }

  /** Appends bytes[from, to) as one string (the caller reserved room). */
  push(bytes: Uint8Array, from: number, to: number): void {
    const end = this.offsets[this.length];
    this.bytes.set(bytes.subarray(from, to), end);
    this.offsets[++this.length] = end + (to - from);
  }

  get byteSize(): number {
    return this.offsets[this.length] + this.length * 4 + (this.valid ? this.length : 0);
  }

  finish(): StringLane {
    return {
      kind: 'string',
      offsets: this.offsets.subarray(0, this.length + 1),
      bytes: this.bytes.subarray(0, this.offsets[this.length]),
      valid: this.valid ? this.valid.subarray(0, this.length) : null,
    };
  }
}

export type LaneBuilder = IntLaneBuilder | StringLaneBuilder;

export function builderFor(lane: Lane | 'int' | 'string', capacity = 1024): LaneBuilder {
  const kind = typeof lane === 'string' ? lane : lane.kind;
  return kind === 'int' ? new IntLaneBuilder(capacity) : new StringLaneBuilder(capacity);
}

export function builderLength(b: LaneBuilder): number {
  return b.length;
}

export function builderBytes(b: LaneBuilder): number {
  return b instanceof IntLaneBuilder ? b.bytes : b.byteSize;
}

/** Appends rows [from, to) of a lane, in order. */
export function appendRange(b: LaneBuilder, lane: Lane, from: number, to: number): void {
  const n = to - from;
  if (n <= 0) return;
  if (b instanceof IntLaneBuilder) {
    if (lane.kind !== 'int') throw new Error('internal: appending a string lane to an int lane');
    b.reserve(n);
    b.values.set(lane.values.subarray(from, to), b.length);
    if (lane.valid) b.validity().set(lane.valid.subarray(from, to), b.length);
    else if (b.valid) b.valid.fill(1, b.length, b.length + n);
    b.length += n;
    return;
  }
  if (lane.kind !== 'string') throw new Error('internal: appending an int lane to a string lane');
  const o = lane.offsets;
  b.reserve(n, o[to] - o[from]);
  const base = b.offsets[b.length] - o[from];
  b.bytes.set(lane.bytes.subarray(o[from], o[to]), b.offsets[b.length]);
  for (let i = 1; i <= n; i++) b.offsets[b.length + i] = o[from + i] + base;
  if (lane.valid) b.validity().set(lane.valid.subarray(from, to), b.length);
  else if (b.valid) b.valid.fill(1, b.length, b.length + n);
  b.length += n;
}

/** Rows perm[from..to) of a lane, as a new lane. */
export function gatherLane(lane: Lane, perm: Int32Array, from: number, to: number): Lane {
  const n = to - from;
  if (lane.kind === 'int') {
    const out = new BigInt64Array(n);
    const w = new Int32Array(out.buffer);
    const src = new Int32Array(lane.values.buffer, lane.values.byteOffset, lane.values.length * 2);
    for (let i = 0; i < n; i++) {
      const j = perm[from + i] * 2;
      w[2 * i] = src[j];
      w[2 * i + 1] = src[j + 1];
    }
    return { kind: 'int', values: out, valid: lane.valid ? gatherBytes(lane.valid, perm, from, to) : null };
  }
  const o = lane.offsets;
  let total = 0;
  for (let i = from; i < to; i++) total += o[perm[i] + 1] - o[perm[i]];
  const offsets = new Int32Array(n + 1);
  const bytes = new Uint8Array(total);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const j = perm[from + i];
    const a = o[j];
    const b = o[j + 1];
    if (b - a < 16) for (let k = a; k < b; k++) bytes[p++] = lane.bytes[k];
    else {
      bytes.set(lane.bytes.subarray(a, b), p);
      p += b - a;
    }
    offsets[i + 1] = p;
  }
  return { kind: 'string', offsets, bytes, valid: lane.valid ? gatherBytes(lane.valid, perm, from, to) : null };
}

function gatherBytes(src: Uint8Array, perm: Int32Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = src[perm[i]];
  return out;
}

/** Rows [from, to) of a lane as a new lane (copies, so the result can be transferred). */
export function sliceLane(lane: Lane, from: number, to: number): Lane {
  if (lane.kind === 'int') return { kind: 'int', values: lane.values.slice(from, to), valid: lane.valid ? lane.valid.slice(from, to) : null };
  const o = lane.offsets;
  const offsets = new Int32Array(to - from + 1);
  for (let i = 0; i <= to - from; i++) offsets[i] = o[from + i] - o[from];
  return { kind: 'string', offsets, bytes: lane.bytes.slice(o[from], o[to]), valid: lane.valid ? lane.valid.slice(from, to) : null };
}

/** True when the lane has no null in rows [from, to). */
export function allValid(lane: Lane, from: number, to: number): boolean {
  if (!lane.valid) return true;
  for (let i = from; i < to; i++) if (!lane.valid[i]) return false;
  return true;
}

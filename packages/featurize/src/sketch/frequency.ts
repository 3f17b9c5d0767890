// Value counts in bounded memory. Exact while the distinct values fit the
// capacity (a number of values, and bytes: a value costs its key's length plus
// its counters); past it, the Space-Saving algorithm (Metwally, Agrawal and El Abbadi,
// 2005): a new value takes the slot of the value counted least, inheriting its
// count as an over-estimate. Every value seen more than total/capacity times is
// then still held, and every held count is at most its true count plus its slot's
// `error` (the count it inherited). Each slot may carry a payload of float64s
// (target_encode's per-fold sums), reset when the slot changes hands.
import { compareKeys, type Key } from '../keys.js';

export class FrequencyTable {
  readonly capacity: number;
  readonly payloadWidth: number;
  readonly byteBudget: number;
  /** Bytes the held values cost (keys, counters, map entries: an estimate). */
  bytes = 0;
  private readonly index = new Map<Key, number>();
  keys: Key[] = [];
  counts: Float64Array;
  errors: Float64Array;
  payload: Float64Array;
  /** Every value added (the stream's length for this column, nulls aside). */
  total = 0;
  /** Values that lost their slot to another. */
  evictions = 0;
  private heap: Int32Array | null = null;
  private heapPos: Int32Array | null = null;

  constructor(capacity: number, payloadWidth = 0, byteBudget = Infinity) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.payloadWidth = payloadWidth;
    this.byteBudget = byteBudget;
    const initial = Math.min(capacity, 1024);
    this.counts = new Float64Array(initial);
    this.errors = new Float64Array(initial);
    this.payload = new Float64Array(initial * payloadWidth);
  }

  get size(): number {
    return this.keys.length;
  }

  /** True while no value has lost its slot: every count is exact. */
  get exact(): boolean {
    return this.evictions === 0;
  }

  /** Counts one occurrence of `key`; returns its slot (for the payload). */
  add(key: Key): number {
    this.total++;
    let slot = this.index.get(key);
    if (slot !== undefined) {
      this.counts[slot]++;
      if (this.heap) this.siftDown(this.heapPos![slot]);
      return slot;
    }
    const cost = this.cost(key);
    if (!this.heap && this.keys.length < this.capacity && (this.keys.length === 0 || this.bytes + cost <= this.byteBudget)) {
      slot = this.keys.length;
      this.bytes += cost;
      if (slot === this.counts.length) this.growTo(Math.min(this.capacity, slot * 2));
      this.keys.push(key);
      this.index.set(key, slot);
      this.counts[slot] = 1;
      return slot;
    }
    if (!this.heap) this.buildHeap();
    slot = this.heap![0];
    this.bytes += cost - this.cost(this.keys[slot]);
    this.index.delete(this.keys[slot]);
    this.evictions++;
    this.keys[slot] = key;
    this.index.set(key, slot);
    this.errors[slot] = this.counts[slot];
    this.counts[slot]++;
    if (this.payloadWidth > 0) this.payload.fill(0, slot * this.payloadWidth, (slot + 1) * this.payloadWidth);
    this.siftDown(0);
    return slot;
  }

  /** What a held value costs: its key's bytes, its counters and its share of the map. */
  private cost(key: Key): number {
    return 96 + (typeof key === 'string' ? key.length : 8) + 8 * this.payloadWidth;
  }

  slotOf(key: Key): number | undefined {
    return this.index.get(key);
  }

  private growTo(n: number): void {
    const grow = <T extends Float64Array>(a: T, width: number): T => {
      const b = new Float64Array(n * width);
      b.set(a);
      return b as T;
    };
    this.counts = grow(this.counts, 1);
    this.errors = grow(this.errors, 1);
    if (this.payloadWidth > 0) this.payload = grow(this.payload, this.payloadWidth);
  }

  // A min-heap of slots by (count, slot): the slot to give away is always heap[0].
  private less(a: number, b: number): boolean {
    const ca = this.counts[a];
    const cb = this.counts[b];
    return ca < cb || (ca === cb && a < b);
  }

  private buildHeap(): void {
    const n = this.keys.length;
    this.heap = new Int32Array(n);
    this.heapPos = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.heap[i] = i;
      this.heapPos[i] = i;
    }
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(i: number): void {
    const heap = this.heap!;
    const pos = this.heapPos!;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(heap[l], heap[m])) m = l;
      if (r < n && this.less(heap[r], heap[m])) m = r;
      if (m === i) return;
      const t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      pos[heap[i]] = i;
      pos[heap[m]] = m;
      i = m;
    }
  }

  /** Slots in vocabulary order: count descending, ties by value ascending. */
  ranked(): number[] {
    const slots = Array.from({ length: this.keys.length }, (_, i) => i);
    slots.sort((a, b) => this.counts[b] - this.counts[a] || compareKeys(this.keys[a], this.keys[b]));
    return slots;
  }

  /** The largest over-estimate any held count can carry (0 while exact). */
  get maxError(): number {
    let m = 0;
    for (let i = 0; i < this.keys.length; i++) m = Math.max(m, this.errors[i]);
    return m;
  }
}

/**
 * The most frequent values of a stream, by the space-saving algorithm (Metwally,
 * Agrawal and El Abbadi, "Efficient Computation of Frequent and Top-k Elements in
 * Data Streams", ICDT 2005), with weighted updates: `capacity` counters; a value
 * that has a counter adds its weight; a new value takes a free counter, or, when
 * all are taken, the counter with the smallest count, inheriting that count as
 * its error. Every count overestimates the true count by at most its error, and
 * every error is at most n / capacity; any value more frequent than n / capacity
 * has a counter. While the stream has at most `capacity` distinct values nothing
 * is evicted and every count is exact (`exact`), which makes the same summary the
 * exact category histogram that drift needs for low-cardinality columns.
 *
 * Merging (Cafaro et al.'s parallel space saving): counts of the same value add;
 * a value missing from a full summary is charged that summary's smallest count
 * (as count and error); the `capacity` largest are kept.
 *
 * Keys are 64 bits: the float64 bits of a number, or the 64-bit hash of a string's
 * UTF-8 bytes (hash64.ts; two distinct strings share a key with probability about
 * 2^-64 per pair). Strings keep their text in `labels` for reports.
 *
 * The counters live in Metwally's "stream summary": buckets of equal count in a
 * doubly linked list ordered by count, so a unit update (hit or eviction) takes
 * constant time; a weighted update walks forward past the buckets it overtakes.
 * Typed arrays throughout; a linear-probing table (at most a quarter full of live
 * keys) finds a key's counter; an evicted key's entry becomes a tombstone, reused
 * by the next insertion on its path, and the table is rebuilt when tombstones pile up.
 */
export const TOP_DEFAULT_CAPACITY = 512;

export type KeyKind = 'number' | 'string';

export interface TopValue {
  value: number | string;
  count: number;
  error: number;
}

export class SpaceSaving {
  readonly capacity: number;
  readonly kind: KeyKind;
  /** Total weight added. */
  n = 0;
  size = 0;
  evictions = 0;
  /** Set by merge when an inexact input or an overflow made counts approximate. */
  private inexactMerge = false;
  readonly keyHi: Uint32Array;
  readonly keyLo: Uint32Array;
  readonly errors: Float64Array;
  readonly labels: (string | null)[];
  /** 0 empty, -1 tombstone, slot + 1 a live key. */
  private readonly table: Int32Array;
  private readonly mask: number;
  /** Where each counter's key sits in the table. */
  private readonly tableSlot: Int32Array;
  private tombstones = 0;
  // Stream summary: counter -> bucket, counters linked within a bucket, buckets linked by count.
  private readonly counterBucket: Int32Array;
  private readonly counterNext: Int32Array;
  private readonly counterPrev: Int32Array;
  private readonly bucketCount: Float64Array;
  private readonly bucketHead: Int32Array;
  private readonly bucketNext: Int32Array;
  private readonly bucketPrev: Int32Array;
  private readonly freeBuckets: Int32Array;
  private freeTop = 0;
  private minBucket = -1;

  constructor(capacity: number, kind: KeyKind) {
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 1 << 20)) throw new RangeError(`space-saving capacity must be from 1 to 2^20, got ${capacity}`);
    this.capacity = capacity;
    this.kind = kind;
    this.keyHi = new Uint32Array(capacity);
    this.keyLo = new Uint32Array(capacity);
    this.errors = new Float64Array(capacity);
    this.labels = kind === 'string' ? new Array(capacity).fill(null) : [];
    let t = 8;
    while (t < capacity * 4) t <<= 1;
    this.table = new Int32Array(t);
    this.mask = t - 1;
    this.tableSlot = new Int32Array(capacity);
    this.counterBucket = new Int32Array(capacity);
    this.counterNext = new Int32Array(capacity);
    this.counterPrev = new Int32Array(capacity);
    this.bucketCount = new Float64Array(capacity);
    this.bucketHead = new Int32Array(capacity);
    this.bucketNext = new Int32Array(capacity);
    this.bucketPrev = new Int32Array(capacity);
    this.freeBuckets = new Int32Array(capacity);
    this.resetBuckets();
  }

  /** True when every count is exact (nothing was ever evicted). */
  get exact(): boolean {
    return this.evictions === 0 && !this.inexactMerge;
  }

  /** The smallest count held (the error charged to a value that has no counter), 0 until full. */
  get minCount(): number {
    return this.size < this.capacity || this.minBucket < 0 ? 0 : this.bucketCount[this.minBucket];
  }

  count(slot: number): number {
    return this.bucketCount[this.counterBucket[slot]];
  }

  /**
   * Adds weight `w` to the value with key (hi, lo). Returns its counter; a counter
   * taken just now is returned as ~slot (negative) so a string caller can set its label.
   */
  update(hi: number, lo: number, w: number): number {
    this.n += w;
    const mask = this.mask;
    const table = this.table;
    let t = slotHash(hi, lo) & mask;
    let free = -1;
    for (;;) {
      const e = table[t];
      if (e === 0) break;
      if (e < 0) {
        if (free < 0) free = t;
      } else {
        const s = e - 1;
        if (this.keyHi[s] === hi && this.keyLo[s] === lo) {
          this.moveUp(s, this.bucketCount[this.counterBucket[s]] + w);
          return s;
        }
      }
      t = (t + 1) & mask;
    }
    if (free >= 0) {
      t = free;
      this.tombstones--;
    }
    let slot: number;
    if (this.size < this.capacity) {
      slot = this.size++;
      this.errors[slot] = 0;
      this.setKey(slot, hi, lo, t);
      this.attachNew(slot, w);
    } else {
      slot = this.bucketHead[this.minBucket];
      // The evicted key's entry becomes a tombstone (t is never it: it was free).
      table[this.tableSlot[slot]] = -1;
      this.tombstones++;
      const min = this.bucketCount[this.minBucket];
      this.errors[slot] = min;
      this.evictions++;
      this.setKey(slot, hi, lo, t);
      this.moveUp(slot, min + w);
      if (this.tombstones * 4 > table.length) this.rebuildTable();
    }
    return ~slot;
  }

  /** Rebuilds the table without tombstones. */
  private rebuildTable(): void {
    this.table.fill(0);
    this.tombstones = 0;
    for (let s = 0; s < this.size; s++) {
      const t = this.freeSlotFor(this.keyHi[s], this.keyLo[s]);
      this.table[t] = s + 1;
      this.tableSlot[s] = t;
    }
  }

  /** The counter of key (hi, lo), or -1. */
  find(hi: number, lo: number): number {
    let t = slotHash(hi, lo) & this.mask;
    for (;;) {
      const e = this.table[t];
      if (e === 0) return -1;
      if (e > 0 && this.keyHi[e - 1] === hi && this.keyLo[e - 1] === lo) return e - 1;
      t = (t + 1) & this.mask;
    }
  }

  valueOf(slot: number): number | string {
    return this.kind === 'string' ? (this.labels[slot] ?? '') : bitsToNumber(this.keyHi[slot], this.keyLo[slot]);
  }

  /** Counters by count, largest first (ties: by value), at most `limit`. */
  top(limit = this.size): TopValue[] {
    const slots = Array.from({ length: this.size }, (_, i) => i);
    slots.sort((a, b) => this.count(b) - this.count(a) || compareValues(this.valueOf(a), this.valueOf(b)));
    return slots.slice(0, limit).map((s) => ({ value: this.valueOf(s), count: this.count(s), error: this.errors[s] }));
  }

  /** Adds another summary (see the class comment). */
  merge(other: SpaceSaving): void {
    if (other.kind !== this.kind) throw new Error(`cannot merge ${this.kind} and ${other.kind} top values`);
    const entries = new Map<string, { hi: number; lo: number; count: number; error: number; label: string | null; inA: boolean; inB: boolean }>();
    const minA = this.minCount;
    const minB = other.minCount;
    for (let s = 0; s < this.size; s++) {
      entries.set(`${this.keyHi[s]}:${this.keyLo[s]}`, { hi: this.keyHi[s], lo: this.keyLo[s], count: this.count(s), error: this.errors[s], label: this.kind === 'string' ? this.labels[s] : null, inA: true, inB: false });
    }
    for (let s = 0; s < other.size; s++) {
      const key = `${other.keyHi[s]}:${other.keyLo[s]}`;
      const e = entries.get(key);
      if (e) {
        e.count += other.count(s);
        e.error += other.errors[s];
        e.inB = true;
      } else {
        entries.set(key, { hi: other.keyHi[s], lo: other.keyLo[s], count: other.count(s), error: other.errors[s], label: other.kind === 'string' ? other.labels[s] : null, inA: false, inB: true });
      }
    }
    for (const e of entries.values()) {
      if (!e.inA) (e.count += minA), (e.error += minA);
      if (!e.inB) (e.count += minB), (e.error += minB);
    }
    const all = [...entries.values()].sort((a, b) => b.count - a.count || a.hi - b.hi || a.lo - b.lo);
    const kept = all.slice(0, this.capacity);
    const wasExact = this.exact && other.exact && all.length <= this.capacity;
    const n = this.n + other.n;
    this.reset();
    this.n = n;
    this.load(kept.map((e) => ({ hi: e.hi, lo: e.lo, count: e.count, error: e.error, label: e.label })));
    this.inexactMerge = !wasExact;
  }

  toJSON(): object {
    // Canonical order (count descending, then key), so equal summaries give equal bytes whatever their slots.
    const slots = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.count(b) - this.count(a) || this.keyHi[a] - this.keyHi[b] || this.keyLo[a] - this.keyLo[b]);
    const items: [number | string, number, number, number, number][] = slots.map((s) => [this.kind === 'string' ? (this.labels[s] ?? '') : numberText(this.valueOf(s) as number), this.count(s), this.errors[s], this.keyHi[s], this.keyLo[s]]);
    return { v: 1, capacity: this.capacity, kind: this.kind, n: this.n, evictions: this.evictions, exact: this.exact, items };
  }

  toBytes(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.toJSON()));
  }

  static fromBytes(bytes: Uint8Array): SpaceSaving {
    const o = JSON.parse(new TextDecoder().decode(bytes)) as { v: number; capacity: number; kind: KeyKind; n: number; evictions: number; exact: boolean; items: [number | string, number, number, number, number][] };
    if (o.v !== 1 || (o.kind !== 'number' && o.kind !== 'string') || !Array.isArray(o.items) || o.items.length > o.capacity) throw new Error('corrupt top-values summary');
    const ss = new SpaceSaving(o.capacity, o.kind);
    ss.load(o.items.map(([label, count, error, hi, lo]) => ({ hi: hi >>> 0, lo: lo >>> 0, count, error, label: o.kind === 'string' ? String(label) : null })));
    ss.n = o.n;
    ss.evictions = o.evictions;
    ss.inexactMerge = !o.exact && o.evictions === 0;
    return ss;
  }

  /** Fills an empty summary with counters (any order). */
  private load(items: { hi: number; lo: number; count: number; error: number; label: string | null }[]): void {
    const sorted = [...items].sort((a, b) => a.count - b.count);
    for (const e of sorted) {
      const slot = this.size++;
      this.errors[slot] = e.error;
      this.setKey(slot, e.hi, e.lo, this.freeSlotFor(e.hi, e.lo));
      if (this.kind === 'string') this.labels[slot] = e.label;
      this.attachNew(slot, e.count);
    }
  }

  private reset(): void {
    this.size = 0;
    this.n = 0;
    this.evictions = 0;
    this.table.fill(0);
    this.tombstones = 0;
    if (this.kind === 'string') this.labels.fill(null);
    this.resetBuckets();
  }

  private resetBuckets(): void {
    for (let i = 0; i < this.capacity; i++) this.freeBuckets[i] = this.capacity - 1 - i;
    this.freeTop = this.capacity;
    this.minBucket = -1;
  }

  private newBucket(count: number, prev: number, next: number): number {
    const b = this.freeBuckets[--this.freeTop];
    this.bucketCount[b] = count;
    this.bucketHead[b] = -1;
    this.bucketPrev[b] = prev;
    this.bucketNext[b] = next;
    if (prev >= 0) this.bucketNext[prev] = b;
    else this.minBucket = b;
    if (next >= 0) this.bucketPrev[next] = b;
    return b;
  }

  private attach(slot: number, b: number): void {
    const head = this.bucketHead[b];
    this.counterBucket[slot] = b;
    this.counterPrev[slot] = -1;
    this.counterNext[slot] = head;
    if (head >= 0) this.counterPrev[head] = slot;
    this.bucketHead[b] = slot;
  }

  /** Detaches a counter from its bucket; frees the bucket if it empties. */
  private detach(slot: number): void {
    const b = this.counterBucket[slot];
    const prev = this.counterPrev[slot];
    const next = this.counterNext[slot];
    if (prev >= 0) this.counterNext[prev] = next;
    else this.bucketHead[b] = next;
    if (next >= 0) this.counterPrev[next] = prev;
    if (this.bucketHead[b] < 0) {
      const bp = this.bucketPrev[b];
      const bn = this.bucketNext[b];
      if (bp >= 0) this.bucketNext[bp] = bn;
      else this.minBucket = bn;
      if (bn >= 0) this.bucketPrev[bn] = bp;
      this.freeBuckets[this.freeTop++] = b;
    }
  }

  /** Places a new counter with `count` (walking from the smallest bucket). */
  private attachNew(slot: number, count: number): void {
    let prev = -1;
    let b = this.minBucket;
    while (b >= 0 && this.bucketCount[b] < count) {
      prev = b;
      b = this.bucketNext[b];
    }
    if (b < 0 || this.bucketCount[b] !== count) b = this.newBucket(count, prev, b);
    this.attach(slot, b);
  }

  /** Moves an attached counter to `count` (>= its current count), walking forward from its bucket. */
  private moveUp(slot: number, count: number): void {
    const from = this.counterBucket[slot];
    if (this.bucketCount[from] === count) return;
    let prev = from;
    let b = this.bucketNext[from];
    while (b >= 0 && this.bucketCount[b] < count) {
      prev = b;
      b = this.bucketNext[b];
    }
    const alone = this.bucketHead[from] === slot && this.counterNext[slot] < 0;
    if (alone && prev === from && (b < 0 || this.bucketCount[b] !== count)) {
      // Nothing overtaken and no bucket to join: relabel the counter's own bucket.
      this.bucketCount[from] = count;
      return;
    }
    // Detach first (freeing `from` when it empties; `prev` is then a later bucket or
    // `from` is kept), so a new bucket is always available.
    this.detach(slot);
    if (b >= 0 && this.bucketCount[b] === count) this.attach(slot, b);
    else this.attach(slot, this.newBucket(count, prev, b));
  }

  private freeSlotFor(hi: number, lo: number): number {
    let t = slotHash(hi, lo) & this.mask;
    while (this.table[t] > 0) t = (t + 1) & this.mask;
    return t;
  }

  private setKey(slot: number, hi: number, lo: number, t: number): void {
    this.keyHi[slot] = hi;
    this.keyLo[slot] = lo;
    this.table[t] = slot + 1;
    this.tableSlot[slot] = t;
    if (this.kind === 'string') this.labels[slot] = null;
  }

}

function slotHash(hi: number, lo: number): number {
  let h = (hi ^ Math.imul(lo, 0x9e3779b1)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function bitsToNumber(hi: number, lo: number): number {
  u32[1] = hi;
  u32[0] = lo;
  return f64[0];
}

function numberText(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

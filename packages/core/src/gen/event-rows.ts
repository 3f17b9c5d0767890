/**
 * A growable struct-of-arrays of events, kept in the memory layout of the Arrow
 * columns it becomes: user_id, item_id and ts are 64-bit values stored as pairs of
 * 32-bit words (low word first, little-endian), so a batch is assembled with block
 * copies and no value is ever boxed or turned into a BigInt. Ids fit in the low word
 * (the high word stays 0); item id 0 stands for a null item (real ids start at 1);
 * ts is epoch ms split at 2^32.
 */
export const TAG = {
  clean: 0,
  /** The copy of the row just before it. */
  duplicate: 1,
  /** Written after the same user's next event. */
  outOfOrder: 2,
  futureTs: 3,
  nullItem: 4,
  /** A row of a bot burst; `aux` holds the burst's index. */
  bot: 5,
} as const;

export const TWO_POW_32 = 4294967296;

export class EventRows {
  length = 0;
  capacity: number;
  userWords: Uint32Array;
  itemWords: Uint32Array;
  tsWords: Uint32Array;
  action: Int32Array;
  duration: Uint32Array;
  device: Int32Array;
  region: Int32Array;
  tag: Uint8Array;
  aux: Int32Array;

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.userWords = new Uint32Array(2 * capacity);
    this.itemWords = new Uint32Array(2 * capacity);
    this.tsWords = new Uint32Array(2 * capacity);
    this.action = new Int32Array(capacity);
    this.duration = new Uint32Array(capacity);
    this.device = new Int32Array(capacity);
    this.region = new Int32Array(capacity);
    this.tag = new Uint8Array(capacity);
    this.aux = new Int32Array(capacity);
  }

  clear(): void {
    this.length = 0;
  }

  /** Makes room for `more` rows past the current length. */
  reserve(more: number): void {
    const need = this.length + more;
    if (need <= this.capacity) return;
    let cap = this.capacity * 2;
    while (cap < need) cap *= 2;
    const grow = <T extends Uint32Array | Int32Array | Uint8Array>(a: T, width: number): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * width);
      b.set(a.subarray(0, this.length * width) as any);
      return b;
    };
    this.userWords = grow(this.userWords, 2);
    this.itemWords = grow(this.itemWords, 2);
    this.tsWords = grow(this.tsWords, 2);
    this.action = grow(this.action, 1);
    this.duration = grow(this.duration, 1);
    this.device = grow(this.device, 1);
    this.region = grow(this.region, 1);
    this.tag = grow(this.tag, 1);
    this.aux = grow(this.aux, 1);
    this.capacity = cap;
  }

  user(i: number): number {
    return this.userWords[2 * i];
  }

  /** The item id of row i; 0 means null. */
  item(i: number): number {
    return this.itemWords[2 * i];
  }

  ts(i: number): number {
    return this.tsWords[2 * i] + this.tsWords[2 * i + 1] * TWO_POW_32;
  }

  setTs(i: number, t: number): void {
    // Storing a double into a Uint32Array keeps it modulo 2^32, i.e. the low word.
    this.tsWords[2 * i] = t;
    this.tsWords[2 * i + 1] = t / TWO_POW_32;
  }

  /** Appends row `i` of `from` (reserve first), clean-tagged, returning the new row's index. */
  copyRow(from: EventRows, i: number): number {
    const j = this.length++;
    this.userWords[2 * j] = from.userWords[2 * i];
    this.itemWords[2 * j] = from.itemWords[2 * i];
    this.tsWords[2 * j] = from.tsWords[2 * i];
    this.tsWords[2 * j + 1] = from.tsWords[2 * i + 1];
    this.action[j] = from.action[i];
    this.duration[j] = from.duration[i];
    this.device[j] = from.device[i];
    this.region[j] = from.region[i];
    this.tag[j] = TAG.clean;
    this.aux[j] = 0;
    return j;
  }
}

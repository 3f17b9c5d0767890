/**
 * A hash table from 64-bit keys (hi, lo) to dense indices 0, 1, 2, ... in order of
 * first appearance: open addressing with linear probing over typed arrays,
 * doubling when half full. About 16 bytes per key plus the slots.
 */
export class KeyTable {
  private slots: Int32Array;
  private mask: number;
  keyHi: Uint32Array;
  keyLo: Uint32Array;
  size = 0;

  constructor(initial = 1024) {
    let cap = 16;
    while (cap < initial * 2) cap <<= 1;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.keyHi = new Uint32Array(cap >> 1);
    this.keyLo = new Uint32Array(cap >> 1);
  }

  get bytes(): number {
    return this.slots.byteLength + this.keyHi.byteLength + this.keyLo.byteLength;
  }

  /** The key's index; -1 when absent. */
  find(hi: number, lo: number): number {
    const mask = this.mask;
    let t = mixSlot(hi, lo) & mask;
    for (;;) {
      const s = this.slots[t];
      if (s < 0) return -1;
      if (this.keyHi[s] === hi && this.keyLo[s] === lo) return s;
      t = (t + 1) & mask;
    }
  }

  /** The key's index, inserting it (as the next index) when absent. Sets `added`. */
  getOrAdd(hi: number, lo: number): number {
    const mask = this.mask;
    let t = mixSlot(hi, lo) & mask;
    for (;;) {
      const s = this.slots[t];
      if (s < 0) break;
      if (this.keyHi[s] === hi && this.keyLo[s] === lo) {
        this.added = false;
        return s;
      }
      t = (t + 1) & mask;
    }
    const index = this.size++;
    this.keyHi[index] = hi;
    this.keyLo[index] = lo;
    this.slots[t] = index;
    this.added = true;
    if (this.size * 2 > this.keyHi.length * 2 - 2) this.grow();
    return index;
  }

  added = false;

  private grow(): void {
    const cap = this.slots.length * 2;
    const slots = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    const keyHi = new Uint32Array(cap >> 1);
    const keyLo = new Uint32Array(cap >> 1);
    keyHi.set(this.keyHi.subarray(0, this.size));
    keyLo.set(this.keyLo.subarray(0, this.size));
    for (let s = 0; s < this.size; s++) {
      let t = mixSlot(keyHi[s], keyLo[s]) & mask;
      while (slots[t] >= 0) t = (t + 1) & mask;
      slots[t] = s;
    }
    this.slots = slots;
    this.mask = mask;
    this.keyHi = keyHi;
    this.keyLo = keyLo;
  }
}

export function mixSlot(hi: number, lo: number): number {
  let h = (lo ^ Math.imul(hi, 0x9e3779b1)) | 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

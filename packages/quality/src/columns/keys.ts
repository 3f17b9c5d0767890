import { Data, Type, Vector } from 'apache-arrow';
import { hashBytes, hashWords, numberBits } from '../sketch/hash64.js';
import { validityOf } from './values.js';

/**
 * 64-bit identity keys of a column's rows (for users, duplicate keys and the
 * unique check): 64-bit integers and timestamps by their own 64 bits, other
 * numbers by their float64 bits, strings and binary by their 64-bit hash
 * (hash64.ts), dictionary rows by their value's key, booleans as 0/1. Equal
 * values always get equal keys; distinct values of a fixed-width type always get
 * distinct keys; distinct strings collide with probability about 2^-64 per pair.
 */
export class KeyColumn {
  hi = new Uint32Array(0);
  lo = new Uint32Array(0);
  /** 1 where the row is valid (not null). */
  valid = new Uint8Array(0);
  private readonly out = new Uint32Array(2);
  private readonly dictCache = new WeakMap<object, { hi: Uint32Array; lo: Uint32Array; valid: Uint8Array }>();

  read(data: Data): void {
    const n = data.length;
    if (this.hi.length < n) {
      this.hi = new Uint32Array(n);
      this.lo = new Uint32Array(n);
      this.valid = new Uint8Array(n);
    }
    const { hi, lo, valid } = this;
    const validity = validityOf(data);
    const offset = data.offset;
    for (let i = 0; i < n; i++) {
      const b = offset + i;
      valid[i] = validity === null || (validity[b >> 3] & (1 << (b & 7))) !== 0 ? 1 : 0;
    }
    const out = this.out;
    const t = data.type;
    switch (t.typeId) {
      case Type.Utf8:
      case Type.LargeUtf8:
      case Type.Binary:
      case Type.LargeBinary: {
        const offsets = data.valueOffsets as Int32Array;
        const bytes = data.values as Uint8Array;
        for (let i = 0; i < n; i++) {
          if (!valid[i]) continue;
          hashBytes(bytes, Number(offsets[i]), Number(offsets[i + 1]), out);
          hi[i] = out[0];
          lo[i] = out[1];
        }
        return;
      }
      case Type.FixedSizeBinary: {
        const width = (t as unknown as { byteWidth: number }).byteWidth;
        const bytes = data.values as Uint8Array;
        for (let i = 0; i < n; i++) {
          if (!valid[i]) continue;
          hashBytes(bytes, i * width, (i + 1) * width, out);
          hi[i] = out[0];
          lo[i] = out[1];
        }
        return;
      }
      case Type.Dictionary: {
        const dict = data.dictionary;
        if (!dict) return;
        const keys = this.dictionaryKeys(dict);
        const codes = data.values as Int32Array;
        for (let i = 0; i < n; i++) {
          if (!valid[i]) continue;
          const c = codes[i];
          if (!keys.valid[c]) {
            valid[i] = 0;
            continue;
          }
          hi[i] = keys.hi[c];
          lo[i] = keys.lo[c];
        }
        return;
      }
      case Type.Bool: {
        const bits = data.values as Uint8Array;
        for (let i = 0; i < n; i++) {
          const b = offset + i;
          hi[i] = 0;
          lo[i] = (bits[b >> 3] >> (b & 7)) & 1;
        }
        return;
      }
      default: {
        const values = data.values as ArrayLike<number> & { BYTES_PER_ELEMENT: number; buffer: ArrayBuffer; byteOffset: number; length: number };
        if (values.BYTES_PER_ELEMENT === 8 && !(values instanceof Float64Array)) {
          const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
          for (let i = 0; i < n; i++) {
            lo[i] = words[2 * i];
            hi[i] = words[2 * i + 1];
          }
          return;
        }
        for (let i = 0; i < n; i++) {
          if (!valid[i]) continue;
          numberBits(values[i], out);
          hi[i] = out[0];
          lo[i] = out[1];
        }
      }
    }
  }

  private dictionaryKeys(dict: Vector): { hi: Uint32Array; lo: Uint32Array; valid: Uint8Array } {
    const cached = this.dictCache.get(dict);
    if (cached) return cached;
    const n = dict.length;
    const keys = { hi: new Uint32Array(n), lo: new Uint32Array(n), valid: new Uint8Array(n) };
    const out = this.out;
    const enc = new TextEncoder();
    for (let c = 0; c < n; c++) {
      const v = dict.get(c);
      if (v === null || v === undefined) continue;
      keys.valid[c] = 1;
      if (typeof v === 'string') {
        const b = enc.encode(v);
        hashBytes(b, 0, b.length, out);
      } else if (typeof v === 'bigint') {
        const words = new Uint32Array(BigInt64Array.of(v).buffer);
        out[0] = words[1];
        out[1] = words[0];
      } else {
        numberBits(Number(v), out);
      }
      keys.hi[c] = out[0];
      keys.lo[c] = out[1];
    }
    this.dictCache.set(dict, keys);
    return keys;
  }
}

/**
 * Folds a component key into a running 64-bit key (order matters): the running
 * key XOR the component, hashed again. Distinct tuples collide only when the
 * 64-bit hash does (about 2^-64 per pair).
 */
export function foldKey(acc: Uint32Array, hi: number, lo: number): void {
  hashWords((acc[0] ^ hi) >>> 0, (acc[1] ^ lo) >>> 0, acc);
}

import { Binary, Data, DataType, Dictionary, Utf8, Vector } from 'apache-arrow';
import { column } from '../columns.js';
import { errors } from '../errors.js';
import { ColumnBuilder } from './column-builder.js';
import { ESCAPED, fieldBytes, NULL, QUOTED, unescapeQuotes, type FieldTable } from './field-table.js';
import { asciiText } from './text-values.js';

const MAX_BYTES = 0x7fffffff;

/** Bytes that grow by doubling (string data; dictionary values). */
class ByteStore {
  bytes: Uint8Array;
  length = 0;

  /** `capacity`: a batch's text tends to be as large as the last one's. */
  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
  }

  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    if (need > MAX_BYTES) throw errors.badInput('a batch holds more than 2 GiB of text in one column; use a smaller --batch-size');
    let cap = this.bytes.length * 2;
    while (cap < need) cap *= 2;
    const bytes = new Uint8Array(Math.min(cap, MAX_BYTES));
    bytes.set(this.bytes.subarray(0, this.length));
    this.bytes = bytes;
  }

  /** Appends field `f`'s bytes (doubled quotes collapsed); returns the new length. */
  appendField(t: FieldTable, f: number): number {
    const s = t.start[f];
    const e = t.end[f];
    this.reserve(e - s);
    if (t.flags[f] & ESCAPED) this.length += unescapeQuotes(t.buf, s, e, this.bytes, this.length);
    else if (e - s < 16) {
      const buf = t.buf;
      const bytes = this.bytes;
      let o = this.length;
      for (let i = s; i < e; i++) bytes[o++] = buf[i];
      this.length = o;
    } else {
      this.bytes.set(t.buf.subarray(s, e), this.length);
      this.length += e - s;
    }
    return this.length;
  }

  appendBytes(b: Uint8Array): number {
    this.reserve(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
    return this.length;
  }
}

/**
 * A builder of variable-width values (utf8, binary): int32 offsets into bytes
 * that grow by doubling; `makeData` turns the two into the column's Arrow data.
 */
abstract class VarWidthBuilder extends ColumnBuilder {
  protected offsets: Int32Array;
  protected data = new ByteStore();

  constructor(
    type: DataType,
    maxRows: number,
    private readonly makeData: (offsets: Int32Array, bytes: Uint8Array, validity: Uint8Array) => Data,
  ) {
    super(type, maxRows);
    this.offsets = new Int32Array(this.capacity + 1);
  }

  override truncate(length: number): void {
    this.length = length;
    this.data.length = this.offsets[length];
  }

  protected grow(capacity: number): void {
    const offsets = new Int32Array(capacity + 1);
    offsets.set(this.offsets.subarray(0, this.length + 1));
    this.offsets = offsets;
  }

  finish(): Data {
    const n = this.length;
    const data = this.makeData(this.offsets.subarray(0, n + 1), this.data.bytes.subarray(0, this.data.length), this.finishedValidity());
    this.data = new ByteStore(this.data.bytes.length);
    this.restart();
    return data;
  }
}

/**
 * utf8: bytes are copied as they are (the input was checked to be UTF-8 as a
 * whole). An unquoted empty field is "" unless `emptyAsNull`; a quoted one ("")
 * is always the empty string.
 */
export class Utf8Builder extends VarWidthBuilder {
  constructor(
    maxRows: number,
    private readonly emptyAsNull: boolean,
  ) {
    super(new Utf8(), maxRows, column.utf8);
  }

  appendColumn(t: FieldTable, rows: Int32Array, from: number, to: number, col: number): number {
    this.reserve(to - from);
    const { start, end, flags, recordFirst } = t;
    const offsets = this.offsets;
    const data = this.data;
    let n = this.length;
    for (let i = from; i < to; i++) {
      const f = recordFirst[rows[i]] + col;
      const fl = flags[f];
      if (fl & NULL || (this.emptyAsNull && start[f] === end[f] && (fl & QUOTED) === 0)) {
        this.setNull(n);
        offsets[++n] = data.length;
        continue;
      }
      offsets[n + 1] = data.appendField(t, f);
      this.setValid(n++);
    }
    this.length = n;
    return -1;
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** binary, written as base64 text (the form `export` writes). */
export class BinaryBuilder extends VarWidthBuilder {
  constructor(maxRows: number) {
    super(new Binary(), maxRows, column.binary);
  }

  appendColumn(t: FieldTable, rows: Int32Array, from: number, to: number, col: number): number {
    this.reserve(to - from);
    let n = this.length;
    for (let i = from; i < to; i++) {
      const f = t.recordFirst[rows[i]] + col;
      const fl = t.flags[f];
      if (fl & NULL || (t.start[f] === t.end[f] && (fl & QUOTED) === 0)) {
        this.setNull(n);
        this.offsets[++n] = this.data.length;
        continue;
      }
      const text = asciiText(t.buf, t.start[f], t.end[f]);
      if (!BASE64.test(text)) {
        this.length = n;
        this.problem = 'not base64';
        return i;
      }
      this.offsets[n + 1] = this.data.appendBytes(Buffer.from(text, 'base64'));
      this.setValid(n++);
    }
    this.length = n;
    return -1;
  }
}

/**
 * dict: dictionary<int32, utf8>, one dictionary for the whole stream. Values are
 * looked up by their bytes in an open-addressing hash table (no string is made
 * per value); each batch carries the values first seen in it as a dictionary
 * delta. An unquoted empty field is null, a quoted one ("") the empty string.
 */
export class DictBuilder extends ColumnBuilder {
  private codes: Int32Array;
  private values = new ByteStore();
  private valueOffsets = new Int32Array(1024);
  private valueHashes = new Int32Array(1024);
  private count = 0;
  private emitted = 0;
  private slots = new Int32Array(1024);
  private dictionary: Vector<Utf8> | null = null;

  constructor(type: Dictionary, maxRows: number) {
    super(type, maxRows);
    this.codes = new Int32Array(this.capacity);
  }

  appendColumn(t: FieldTable, rows: Int32Array, from: number, to: number, col: number): number {
    this.reserve(to - from);
    const codes = this.codes;
    let n = this.length;
    for (let i = from; i < to; i++) {
      const f = t.recordFirst[rows[i]] + col;
      const fl = t.flags[f];
      if (fl & NULL || (t.start[f] === t.end[f] && (fl & QUOTED) === 0)) {
        this.setNull(n);
        codes[n++] = 0;
        continue;
      }
      if (fl & ESCAPED) {
        const b = fieldBytes(t, f);
        codes[n] = this.codeOf(b, 0, b.length);
      } else codes[n] = this.codeOf(t.buf, t.start[f], t.end[f]);
      this.setValid(n++);
    }
    this.length = n;
    return -1;
  }

  private codeOf(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slots = this.slots;
    const mask = slots.length - 1;
    const len = e - s;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const slot = slots[k];
      if (slot === 0) break;
      const code = slot - 1;
      if (this.valueHashes[code] !== h) continue;
      const vs = this.valueOffsets[code];
      if (this.valueOffsets[code + 1] - vs !== len) continue;
      const bytes = this.values.bytes;
      let same = true;
      for (let j = 0; j < len; j++) {
        if (bytes[vs + j] !== buf[s + j]) {
          same = false;
          break;
        }
      }
      if (same) return code;
    }
    return this.add(buf, s, e, h);
  }

  private add(buf: Uint8Array, s: number, e: number, h: number): number {
    const code = this.count++;
    if (code + 2 > this.valueOffsets.length) {
      const offsets = new Int32Array(this.valueOffsets.length * 2);
      offsets.set(this.valueOffsets);
      this.valueOffsets = offsets;
      const hashes = new Int32Array(this.valueHashes.length * 2);
      hashes.set(this.valueHashes);
      this.valueHashes = hashes;
    }
    this.valueOffsets[code + 1] = this.values.appendBytes(buf.subarray(s, e));
    this.valueHashes[code] = h;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(code, h);
    return code;
  }

  private place(code: number, h: number): void {
    const mask = this.slots.length - 1;
    let k = h & mask;
    while (this.slots[k] !== 0) k = (k + 1) & mask;
    this.slots[k] = code + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let code = 0; code < this.count; code++) this.place(code, this.valueHashes[code]);
  }

  protected grow(capacity: number): void {
    const codes = new Int32Array(capacity);
    codes.set(this.codes.subarray(0, this.length));
    this.codes = codes;
  }

  finish(): Data {
    if (this.dictionary === null || this.count > this.emitted) {
      // The values first seen in this batch: a new chunk, written as a dictionary delta.
      const base = this.valueOffsets[this.emitted];
      const offsets = this.valueOffsets.slice(this.emitted, this.count + 1).map((o) => o - base);
      const bytes = this.values.bytes.slice(base, this.valueOffsets[this.count]);
      const chunk = new Vector([column.utf8(offsets, bytes)]);
      this.dictionary = this.dictionary ? this.dictionary.concat(chunk) : chunk;
      this.emitted = this.count;
    }
    const n = this.length;
    const data = column.dictionary(this.type as Dictionary, this.codes.subarray(0, n), this.dictionary, this.finishedValidity());
    this.restart();
    return data;
  }
}

/**
 * Records cut into fields without decoding a byte: what the CSV and JSONL
 * tokenizers produce and the column builders consume. Keeping fields as byte
 * ranges is what lets a value go from the input bytes into a typed array with
 * no JS string in between.
 */

/** The field was quoted (CSV) or a JSON string: its text is a string, not a token. */
export const QUOTED = 1;
/** The field's bytes hold doubled quotes (CSV `""`) to be collapsed when read. */
export const ESCAPED = 2;
/** No value at all: JSON null, or a key missing from a JSON object. */
export const NULL = 4;

export interface FieldTable {
  /** The bytes every offset below points into. */
  buf: Uint8Array;
  /** Per field: start and end byte offsets in `buf` and QUOTED/ESCAPED/NULL flags. */
  start: Int32Array;
  end: Int32Array;
  flags: Uint8Array;
  /** Per record: the index of its first field; `recordFirst[records]` closes the last record. */
  recordFirst: Int32Array;
  /** Per record: the line it starts on (1-based, counting from the start of the input). */
  recordLine: Int32Array;
  /** Records whose text could not be cut into fields (JSONL), with the reason. */
  problems: Map<number, string> | null;
  records: number;
}

/** A FieldTable whose arrays grow as fields are added (one per tokenizer, reused per chunk). */
export class FieldTableBuilder implements FieldTable {
  buf: Uint8Array = new Uint8Array(0);
  start: Int32Array = new Int32Array(1024);
  end: Int32Array = new Int32Array(1024);
  flags: Uint8Array = new Uint8Array(1024);
  recordFirst: Int32Array = new Int32Array(256);
  recordLine: Int32Array = new Int32Array(256);
  problems: Map<number, string> | null = null;
  records = 0;
  fields = 0;

  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.records = 0;
    this.fields = 0;
    this.recordFirst[0] = 0;
    this.problems = null;
  }

  /** Makes room for `n` more fields. */
  reserveFields(n: number): void {
    const need = this.fields + n;
    if (need <= this.start.length) return;
    let cap = this.start.length * 2;
    while (cap < need) cap *= 2;
    this.start = growInt32(this.start, cap);
    this.end = growInt32(this.end, cap);
    const flags = new Uint8Array(cap);
    flags.set(this.flags);
    this.flags = flags;
  }

  addField(start: number, end: number, flags: number): void {
    if (this.fields === this.start.length) this.reserveFields(1);
    const f = this.fields++;
    this.start[f] = start;
    this.end[f] = end;
    this.flags[f] = flags;
  }

  /** Closes the record made of the fields added since the previous one. */
  endRecord(line: number): void {
    const r = this.records;
    if (r + 2 > this.recordFirst.length) {
      this.recordFirst = growInt32(this.recordFirst, this.recordFirst.length * 2);
      this.recordLine = growInt32(this.recordLine, this.recordLine.length * 2);
    }
    this.recordLine[r] = line;
    this.records = r + 1;
    this.recordFirst[r + 1] = this.fields;
  }

  /** Drops the fields added since the last closed record (an incomplete record at a chunk's end). */
  dropOpenRecord(): void {
    this.fields = this.recordFirst[this.records];
  }

  addProblem(record: number, reason: string): void {
    (this.problems ??= new Map()).set(record, reason);
  }
}

export function growInt32(a: Int32Array, capacity: number): Int32Array {
  const b = new Int32Array(capacity);
  b.set(a.subarray(0, Math.min(a.length, capacity)));
  return b;
}

export function growUint8(a: Uint8Array, capacity: number): Uint8Array {
  const b = new Uint8Array(capacity);
  b.set(a.subarray(0, Math.min(a.length, capacity)));
  return b;
}

/** The number of fields in record `r`. */
export function fieldCount(t: FieldTable, r: number): number {
  return t.recordFirst[r + 1] - t.recordFirst[r];
}

const QUOTE = 0x22;
let scratch = new Uint8Array(256);

/**
 * A field's bytes with doubled quotes collapsed: a view of `buf` when there are
 * none, else a scratch copy valid until the next call.
 */
export function fieldBytes(t: FieldTable, f: number): Uint8Array {
  const s = t.start[f];
  const e = t.end[f];
  if ((t.flags[f] & ESCAPED) === 0) return t.buf.subarray(s, e);
  if (scratch.length < e - s) scratch = new Uint8Array(Math.max(e - s, scratch.length * 2));
  const n = unescapeQuotes(t.buf, s, e, scratch, 0);
  return scratch.subarray(0, n);
}

/** Copies [s, e) into `out` at `at`, collapsing `""` into `"`; returns the bytes written. */
export function unescapeQuotes(buf: Uint8Array, s: number, e: number, out: Uint8Array, at: number): number {
  let o = at;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    out[o++] = c;
    if (c === QUOTE) i++; // the second quote of a pair
  }
  return o - at;
}

const decoder = new TextDecoder();

/** A field's text (for messages and the slow paths). */
export function fieldText(t: FieldTable, f: number): string {
  return decoder.decode(fieldBytes(t, f));
}

/** A value for an error message: quoted, cut short when long. */
export function quoteForMessage(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

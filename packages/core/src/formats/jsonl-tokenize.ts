import { NULL, QUOTED, type FieldTableBuilder } from './field-table.js';

const LF = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * JSON Lines cut into fields: one flat JSON object per line, each key a column.
 * Values keep their text (numbers digit for digit, so int64 stays exact); strings
 * are unescaped and flagged QUOTED; null is NULL; a nested object or array is
 * kept as its JSON text. Values are copied into one byte area, which becomes the
 * field table's buffer.
 */
export class JsonlTokenizer {
  /** The line the next record starts on (1-based). */
  line = 1;
  /** Column index of each key; with `discover`, unseen keys are added. */
  readonly columns = new Map<string, number>();
  discover = false;
  /** Keys that are not columns are skipped instead of making the row bad (`--columns` picked the columns). */
  ignoreUnknownKeys = false;
  private data = new Uint8Array(1 << 16);
  private dataLength = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;

  /** Each column's name as UTF-8, to match raw key bytes without decoding them. */
  private readonly keyBytes: Uint8Array[] = [];

  constructor(names: readonly string[] = []) {
    for (const n of names) {
      this.columns.set(n, this.columns.size);
      this.keyBytes.push(encoder.encode(n));
    }
  }

  /**
   * Cuts the complete lines of `buf` into `out` (one record per non-blank line,
   * with a field for every column) and returns the offset past the last one.
   * With `last`, a final line without a line feed counts too. Stops after
   * `maxRecords` records.
   */
  tokenize(buf: Uint8Array, last: boolean, out: FieldTableBuilder, maxRecords = Infinity): number {
    this.buf = buf;
    this.dataLength = 0;
    let lineStart = 0;
    while (out.records < maxRecords) {
      let lineEnd = buf.indexOf(LF, lineStart);
      if (lineEnd < 0) {
        if (!last || lineStart >= buf.length) break;
        lineEnd = buf.length;
      }
      this.pos = lineStart;
      this.skipSpace(lineEnd);
      if (this.pos < lineEnd) this.record(lineEnd, out);
      this.line++;
      lineStart = lineEnd + 1;
      if (lineEnd === buf.length) break;
    }
    out.buf = this.data;
    return Math.min(lineStart, buf.length);
  }

  private record(lineEnd: number, out: FieldTableBuilder): void {
    const width = this.columns.size;
    out.reserveFields(width);
    const base = out.fields;
    for (let c = 0; c < width; c++) {
      out.start[base + c] = 0;
      out.end[base + c] = 0;
      out.flags[base + c] = NULL;
    }
    out.fields += width;
    const problem = this.object(lineEnd, out, base);
    if (this.discover && this.columns.size > width) {
      // Discovery pass only: its records are never converted, so a ragged width is fine.
      out.reserveFields(this.columns.size - width);
      out.fields = base + this.columns.size;
    }
    out.endRecord(this.line);
    if (problem) out.addProblem(out.records - 1, problem);
  }

  /** Reads `{ "key": value, ... }` up to lineEnd; returns what is wrong, or null. */
  private object(lineEnd: number, out: FieldTableBuilder, base: number): string | null {
    const buf = this.buf;
    if (buf[this.pos] !== 0x7b) return 'not a JSON object';
    this.pos++;
    this.skipSpace(lineEnd);
    if (buf[this.pos] === 0x7d) return this.end(lineEnd);
    let expected = 0;
    for (;;) {
      if (buf[this.pos] !== QUOTE) return 'malformed JSON: expected a key';
      const keyStart = this.pos + 1;
      if (!this.skipString(lineEnd)) return 'malformed JSON: unterminated string';
      const keyEnd = this.pos - 1;
      // Lines usually list their keys in one order: try the column after the last one first.
      let c: number | undefined = this.sameBytes(expected, keyStart, keyEnd) ? expected : this.columnOf(keyStart, keyEnd);
      expected = c === undefined ? -1 : c + 1;
      this.skipSpace(lineEnd);
      if (buf[this.pos] !== 0x3a) return 'malformed JSON: expected ":"';
      this.pos++;
      this.skipSpace(lineEnd);
      const problem = this.value(lineEnd, out, c === undefined || base + c >= out.fields ? -1 : base + c);
      if (problem) return problem;
      if (c === undefined && !this.ignoreUnknownKeys) return `key ${JSON.stringify(this.keyText(keyStart, keyEnd))} is not a column (keys are read from the first rows; name it in --types to add it)`;
      this.skipSpace(lineEnd);
      const sep = buf[this.pos];
      if (sep === 0x2c) {
        this.pos++;
        this.skipSpace(lineEnd);
        continue;
      }
      if (sep === 0x7d) return this.end(lineEnd);
      return 'malformed JSON: expected "," or "}"';
    }
  }

  private end(lineEnd: number): string | null {
    this.pos++;
    this.skipSpace(lineEnd);
    return this.pos === lineEnd ? null : 'malformed JSON: text after the object';
  }

  /** Reads one value into field `f` (-1: read and drop it). */
  private value(lineEnd: number, out: FieldTableBuilder, f: number): string | null {
    const buf = this.buf;
    const c = buf[this.pos];
    let s: number;
    let e: number;
    let flags = 0;
    if (c === QUOTE) {
      const range = this.string(lineEnd);
      if (range === null) return 'malformed JSON: unterminated string';
      [s, e] = range;
      flags = QUOTED;
    } else {
      const from = this.pos;
      if (c === 0x7b || c === 0x5b) {
        if (!this.skipNested(lineEnd)) return 'malformed JSON: unbalanced brackets';
      } else {
        while (this.pos < lineEnd && !isValueEnd(buf[this.pos])) this.pos++;
        if (this.pos === from) return 'malformed JSON: expected a value';
      }
      const n = this.pos - from;
      if (n === 4 && buf[from] === 0x6e && buf[from + 1] === 0x75 && buf[from + 2] === 0x6c && buf[from + 3] === 0x6c) {
        if (f >= 0) out.flags[f] = NULL;
        return null;
      }
      s = this.copy(from, this.pos);
      e = this.dataLength;
    }
    if (f >= 0) {
      out.start[f] = s;
      out.end[f] = e;
      out.flags[f] = flags;
    }
    return null;
  }

  /** Reads a string at pos (unescaped into the data area); its [start, end) there, or null. */
  private string(lineEnd: number): [number, number] | null {
    const buf = this.buf;
    const from = ++this.pos;
    let escaped = false;
    while (this.pos < lineEnd) {
      const c = buf[this.pos];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        this.pos++;
      }
      this.pos++;
    }
    if (this.pos >= lineEnd) return null;
    const to = this.pos++;
    if (!escaped) {
      const s = this.copy(from, to);
      return [s, this.dataLength];
    }
    let text: string;
    try {
      text = JSON.parse(decoder.decode(buf.subarray(from - 1, to + 1)));
    } catch {
      return null;
    }
    this.reserve(text.length * 3);
    const s = this.dataLength;
    this.dataLength += encoder.encodeInto(text, this.data.subarray(s)).written;
    return [s, this.dataLength];
  }

  /** Moves past a string at pos; false when it does not end on this line. */
  private skipString(lineEnd: number): boolean {
    const buf = this.buf;
    this.pos++;
    while (this.pos < lineEnd) {
      const c = buf[this.pos];
      if (c === QUOTE) {
        this.pos++;
        return true;
      }
      this.pos += c === BACKSLASH ? 2 : 1;
    }
    return false;
  }

  /** A key's text (escapes decoded). */
  private keyText(s: number, e: number): string {
    const raw = decoder.decode(this.buf.subarray(s, e));
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  /** The column a key names (added when discovering), or undefined. */
  private columnOf(s: number, e: number): number | undefined {
    const text = this.keyText(s, e);
    let c = this.columns.get(text);
    if (c === undefined && this.discover) {
      c = this.columns.size;
      this.columns.set(text, c);
      this.keyBytes.push(encoder.encode(text));
    }
    return c;
  }

  /** Whether the raw key bytes [s, e) are column `c`'s name. */
  private sameBytes(c: number, s: number, e: number): boolean {
    const name = this.keyBytes[c];
    if (name === undefined || name.length !== e - s) return false;
    const buf = this.buf;
    for (let i = 0; i < name.length; i++) if (name[i] !== buf[s + i]) return false;
    return true;
  }

  private skipNested(lineEnd: number): boolean {
    const buf = this.buf;
    let depth = 0;
    while (this.pos < lineEnd) {
      const c = buf[this.pos++];
      if (c === QUOTE) {
        while (this.pos < lineEnd && buf[this.pos] !== QUOTE) this.pos += buf[this.pos] === BACKSLASH ? 2 : 1;
        this.pos++;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) return true;
      }
    }
    return false;
  }

  private skipSpace(lineEnd: number): void {
    const buf = this.buf;
    while (this.pos < lineEnd) {
      const c = buf[this.pos];
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
      this.pos++;
    }
  }

  private copy(from: number, to: number): number {
    this.reserve(to - from);
    const s = this.dataLength;
    if (to - from < 32) {
      const data = this.data;
      const buf = this.buf;
      let o = s;
      for (let i = from; i < to; i++) data[o++] = buf[i];
    } else this.data.set(this.buf.subarray(from, to), s);
    this.dataLength += to - from;
    return s;
  }

  private reserve(n: number): void {
    if (this.dataLength + n <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < this.dataLength + n) cap *= 2;
    const data = new Uint8Array(cap);
    data.set(this.data.subarray(0, this.dataLength));
    this.data = data;
  }
}

function isValueEnd(c: number): boolean {
  return c === 0x2c || c === 0x7d || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x5d;
}

import type { FdByteSink } from '../ipc/byte-sink.js';
import type { BatchStream } from '../stream/batch-stream.js';
import { CellStyle, cellsOf, type Cells, type Span } from './cells.js';
import { TextSink } from './text-sink.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const decoder = new TextDecoder();
const encoder = new TextEncoder();
const NOT_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/**
 * JSON Lines: one object per row, every column present (null as null). Integers
 * of any width are written as JSON numbers digit for digit (JSON has no limit on
 * integer size; readers that parse into doubles lose precision past 2^53, ours
 * does not). NaN and ±Infinity, which JSON cannot write as numbers, are the
 * strings "NaN", "Infinity", "-Infinity"; dates, timestamps and base64 binary are
 * strings; nested values are JSON.
 */
export async function writeJsonl(stream: BatchStream, sink: FdByteSink): Promise<{ rows: number }> {
  const out = new TextSink(sink);
  // `{"name":` for the first column, `,"name":` for the others, encoded once.
  const keys = stream.schema.fields.map((f, c) => encoder.encode((c > 0 ? ',' : '{') + JSON.stringify(f.name) + ':'));
  let rows = 0;
  for await (const batch of stream) {
    const writers = batch.data.children.map((d) => valueWriter(cellsOf(d)));
    const n = batch.numRows;
    for (let i = 0; i < n; i++) {
      if (writers.length === 0) out.byte(0x7b);
      for (let c = 0; c < writers.length; c++) {
        const key = keys[c];
        out.bytes(key, 0, key.length);
        writers[c](out, i);
      }
      out.byte(0x7d);
      out.byte(0x0a);
      if (out.full) await out.flush();
    }
    rows += n;
  }
  await out.flush();
  return { rows };
}

/** A writer for one column's values, chosen once per batch (see csv-write's cellWriter). */
function valueWriter(cells: Cells): (out: TextSink, i: number) => void {
  const { isNull, text } = cells;
  const write = cells.write;
  if (write) {
    // Integers: never NaN, always a JSON number.
    return (out, i) => {
      if (isNull(i)) out.ascii('null');
      else write(out, i);
    };
  }
  const span = cells.span;
  switch (cells.style) {
    case CellStyle.STRING:
      if (span) {
        const at: Span = { buf: new Uint8Array(0), start: 0, end: 0 };
        return (out, i) => {
          if (isNull(i)) return out.ascii('null');
          span(i, at);
          if (plainJsonString(at.buf, at.start, at.end)) {
            out.byte(QUOTE);
            out.bytes(at.buf, at.start, at.end);
            out.byte(QUOTE);
          } else out.utf8(JSON.stringify(decoder.decode(at.buf.subarray(at.start, at.end))));
        };
      }
      return (out, i) => (isNull(i) ? out.ascii('null') : out.utf8(JSON.stringify(text(i))));
    case CellStyle.TOKEN:
      return (out, i) => {
        if (isNull(i)) return out.ascii('null');
        out.byte(QUOTE);
        out.ascii(text(i));
        out.byte(QUOTE);
      };
    case CellStyle.NUMBER:
      return (out, i) => {
        if (isNull(i)) return out.ascii('null');
        const t = text(i);
        out.ascii(NOT_FINITE.has(t) ? `"${t}"` : t);
      };
    default:
      return (out, i) => (isNull(i) ? out.ascii('null') : out.utf8(text(i)));
  }
}

/** No byte that JSON must escape (quote, backslash, control characters). */
function plainJsonString(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c < 0x20 || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}

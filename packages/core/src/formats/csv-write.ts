import type { FdByteSink } from '../ipc/byte-sink.js';
import type { BatchStream } from '../stream/batch-stream.js';
import { CellStyle, cellsOf, type Cells, type Span } from './cells.js';
import { TextSink } from './text-sink.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export interface CsvWriteOptions {
  /** `,` for CSV, a tab for TSV. */
  delimiter: string;
  /** Write the column names first (default true). */
  header: boolean;
}

/**
 * CSV or TSV with RFC 4180 quoting: a field is quoted when it holds the
 * delimiter, a quote, CR or LF, and a quote is doubled. A null is an empty field
 * and an empty string is `""`, so the two stay apart (`import --empty-as-null`
 * reads them back as they were). Lines end with LF.
 */
export async function writeCsv(stream: BatchStream, sink: FdByteSink, options: CsvWriteOptions): Promise<{ rows: number }> {
  const out = new TextSink(sink);
  const delimiter = options.delimiter.charCodeAt(0);
  if (options.header) {
    stream.schema.fields.forEach((f, c) => {
      if (c > 0) out.byte(delimiter);
      writeText(out, f.name, delimiter);
    });
    out.byte(LF);
  }
  let rows = 0;
  for await (const batch of stream) {
    const writers = batch.data.children.map((d) => cellWriter(cellsOf(d), delimiter));
    const n = batch.numRows;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < writers.length; c++) {
        if (c > 0) out.byte(delimiter);
        writers[c](out, i);
      }
      out.byte(LF);
      if (out.full) await out.flush();
    }
    rows += n;
  }
  await out.flush();
  return { rows };
}

/**
 * A writer for one column's cells, chosen once per batch so that the per-cell
 * call reads one shape of Cells (the row loop stays fast with mixed column types).
 */
function cellWriter(cells: Cells, delimiter: number): (out: TextSink, i: number) => void {
  const { isNull, style } = cells;
  const write = cells.write;
  if (write) {
    return (out, i) => {
      if (!isNull(i)) write(out, i);
    };
  }
  const span = cells.span;
  if (style === CellStyle.STRING && span) {
    const at: Span = { buf: new Uint8Array(0), start: 0, end: 0 };
    return (out, i) => {
      if (isNull(i)) return;
      span(i, at);
      writeBytes(out, at.buf, at.start, at.end, delimiter);
    };
  }
  const text = cells.text;
  if (style === CellStyle.STRING || style === CellStyle.JSON) {
    return (out, i) => {
      if (!isNull(i)) writeText(out, text(i), delimiter);
    };
  }
  return (out, i) => {
    if (isNull(i)) return;
    const t = text(i);
    if (t.length === 0) {
      out.byte(QUOTE);
      out.byte(QUOTE);
    } else out.ascii(t);
  };
}

function needsQuotes(buf: Uint8Array, s: number, e: number, delimiter: number): boolean {
  if (s === e) return true; // "" keeps an empty string apart from a null
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === delimiter || c === QUOTE || c === LF || c === CR) return true;
  }
  return false;
}

function writeBytes(out: TextSink, buf: Uint8Array, s: number, e: number, delimiter: number): void {
  if (!needsQuotes(buf, s, e, delimiter)) {
    out.bytes(buf, s, e);
    return;
  }
  out.byte(QUOTE);
  let from = s;
  for (let i = s; i < e; i++) {
    if (buf[i] === QUOTE) {
      out.bytes(buf, from, i + 1);
      from = i; // the quote is written twice
    }
  }
  out.bytes(buf, from, e);
  out.byte(QUOTE);
}

function writeText(out: TextSink, text: string, delimiter: number): void {
  let quote = text.length === 0;
  for (let i = 0; i < text.length && !quote; i++) {
    const c = text.charCodeAt(i);
    quote = c === delimiter || c === QUOTE || c === LF || c === CR;
  }
  if (!quote) out.utf8(text);
  else {
    out.byte(QUOTE);
    out.utf8(text.replace(/"/g, '""'));
    out.byte(QUOTE);
  }
}

import type { FdByteSink } from '../ipc/byte-sink.js';
import type { BatchStream } from '../stream/batch-stream.js';
import { cellsOf } from './cells.js';
import { TextSink } from './text-sink.js';

export interface TableViewOptions {
  /** Rows to show; 0 for all. Default: 20 on a terminal, all otherwise. */
  limit?: number;
  /** Whether the output is a terminal (decides the default limit). */
  tty: boolean;
}

/** Rows whose widths are measured together: the view streams, so alignment is per chunk. */
const CHUNK_ROWS = 1000;
/** Longer values are cut (with …): this is a view for people, not a data format. */
const MAX_CELL = 60;
export const TTY_ROWS = 20;

function display(text: string): string {
  const flat = text.replace(/[\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

/**
 * An aligned table: a header line, a rule, then the rows, numbers right-aligned,
 * null as "null". Widths are fixed by the first chunk of rows and only grow
 * after it. When rows are left out, a last line says how many.
 */
export async function writeTableView(stream: BatchStream, sink: FdByteSink, options: TableViewOptions): Promise<{ rows: number }> {
  const limit = options.limit === undefined ? (options.tty ? TTY_ROWS : Infinity) : options.limit === 0 ? Infinity : options.limit;
  const out = new TextSink(sink);
  const names = stream.schema.fields.map((f) => display(f.name));
  const widths = names.map((n) => n.length);
  let rightAlign: boolean[] | null = null;
  let chunk: string[][] = [];
  let shown = 0;
  let total = 0;
  let headerDone = false;

  const flushChunk = async () => {
    for (const row of chunk) row.forEach((cell, c) => (widths[c] = Math.max(widths[c], cell.length)));
    if (!headerDone) {
      headerDone = true;
      out.utf8(line(names, widths, names.map(() => false)));
      out.utf8(line(widths.map((w) => '-'.repeat(w)), widths, names.map(() => false)));
    }
    for (const row of chunk) out.utf8(line(row, widths, rightAlign ?? []));
    chunk = [];
    await out.flush();
  };

  for await (const batch of stream) {
    total += batch.numRows;
    if (shown >= limit) continue;
    const columns = batch.data.children.map((d) => cellsOf(d));
    rightAlign ??= columns.map((c) => c.numeric);
    const n = Math.min(batch.numRows, limit - shown);
    for (let i = 0; i < n; i++) {
      chunk.push(columns.map((c) => (c.isNull(i) ? 'null' : display(c.text(i)))));
      if (chunk.length === CHUNK_ROWS) await flushChunk();
    }
    shown += n;
  }
  await flushChunk();
  if (total > shown) out.utf8(`... ${total - shown} more row${total - shown === 1 ? '' : 's'}\n`);
  else if (total === 0) out.utf8('(no rows)\n');
  await out.flush();
  return { rows: shown };
}

function line(cells: string[], widths: number[], right: boolean[]): string {
  const parts = cells.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])));
  return parts.join('  ').trimEnd() + '\n';
}

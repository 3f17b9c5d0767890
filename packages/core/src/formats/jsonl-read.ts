import { isUtf8 } from 'node:buffer';
import { Field, Schema } from 'apache-arrow';
import { errors } from '../errors.js';
import type { FdByteSource } from '../ipc/byte-source.js';
import { BatchAssembler } from './batch-assembler.js';
import type { TextImportStream } from './csv-read.js';
import { FieldTableBuilder } from './field-table.js';
import { JsonlTokenizer } from './jsonl-tokenize.js';
import { ChunkedInput, firstInvalidUtf8 } from './text-input.js';
import { resolveColumnTypes, type TextImportOptions } from './text-import-options.js';
import { inferColumnTypes } from './type-inference.js';

const LF = 0x0a;

class JsonlInput {
  readonly input: ChunkedInput;
  readonly table = new FieldTableBuilder();

  constructor(
    source: FdByteSource,
    public tokenizer: JsonlTokenizer,
    chunkBytes?: number,
  ) {
    this.input = new ChunkedInput(source, chunkBytes);
  }

  get name(): string {
    return this.input.name;
  }

  /**
   * Reads until `minLines` whole lines are buffered (or the input ends) and cuts
   * them; null at the end. `peek` leaves the bytes to be read again.
   */
  async next(minLines = 1, peek = false): Promise<FieldTableBuilder | null> {
    for (;;) {
      const buf = await this.input.more();
      if (buf.length === 0 && this.input.eof) return null;
      if (!this.input.eof && countLines(buf, minLines) < minLines) {
        this.input.consume(buf, 0);
        continue;
      }
      const end = this.input.eof ? buf.length : buf.lastIndexOf(LF) + 1;
      checkUtf8Lines(buf, end, this.tokenizer.line, this.name);
      const t = this.table;
      t.reset(buf);
      const used = this.tokenizer.tokenize(buf.subarray(0, end), this.input.eof, t, peek ? minLines : Infinity);
      this.input.consume(buf, peek ? 0 : used);
      if (t.records === 0 && this.input.eof) return null;
      return t;
    }
  }
}

function countLines(buf: Uint8Array, enough: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF); i >= 0 && n < enough; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}

function checkUtf8Lines(buf: Uint8Array, end: number, firstLine: number, file: string): void {
  if (isUtf8(buf.subarray(0, end))) return;
  const bad = firstInvalidUtf8(buf, 0, end);
  let line = firstLine;
  for (let i = 0; i < bad; i++) if (buf[i] === LF) line++;
  throw errors.badInput(`invalid UTF-8 (byte 0x${buf[bad].toString(16).padStart(2, '0')})`, { file, line });
}

/**
 * JSON Lines to record batches, streaming. The columns are the keys of the
 * first `inferRows` lines in order of appearance, plus any `--types` names not
 * among them (or exactly `--columns`, other keys then ignored); a later line
 * with a key that is not a column is a bad row. A missing key is null.
 */
export async function readJsonl(sources: FdByteSource[], options: TextImportOptions): Promise<TextImportStream> {
  const first = new JsonlInput(sources[0], new JsonlTokenizer(), options.chunkBytes);
  let names: string[];
  if (options.columns) names = options.columns;
  else {
    // A discovery pass over the first lines collects the keys; the lines are then cut again with them.
    first.tokenizer.discover = true;
    await first.next(options.inferRows, true);
    names = [...first.tokenizer.columns.keys()];
    for (const n of options.types.keys()) if (!names.includes(n)) names.push(n);
    if (names.length === 0) throw errors.badInput('empty input: no JSON objects', { file: first.name });
  }
  const makeTokenizer = () => {
    const t = new JsonlTokenizer(names);
    t.ignoreUnknownKeys = options.columns !== undefined;
    return t;
  };
  first.tokenizer = makeTokenizer();
  const inputs = [first, ...sources.slice(1).map((s) => new JsonlInput(s, makeTokenizer(), options.chunkBytes))];
  const firstTable = await first.next(options.inferRows);
  const inferred = firstTable ? inferColumnTypes(firstTable, names.length, options.inferRows, true) : null;
  const types = resolveColumnTypes(names, options.types, inferred);
  const schema = new Schema(names.map((n, i) => new Field(n, types[i], true)));
  const assembler = new BatchAssembler(schema, options);

  async function* batches() {
    try {
      let table = firstTable;
      for (let k = 0; k < inputs.length; k++) {
        if (k > 0) table = await inputs[k].next();
        while (table) {
          yield* assembler.add(table, inputs[k].name);
          table = await inputs[k].next();
        }
        inputs[k].input.close();
      }
      const last = assembler.flush();
      if (last) yield last;
    } finally {
      for (const i of inputs) i.input.close();
    }
  }
  return { schema, stats: assembler.stats, [Symbol.asyncIterator]: batches };
}

import { DataType, Field, Schema } from 'apache-arrow';
import { errors } from '../errors.js';
import type { FdByteSource } from '../ipc/byte-source.js';
import type { BatchStream } from '../stream/batch-stream.js';
import { BatchAssembler, type ImportStats } from './batch-assembler.js';
import { CsvTokenizer } from './csv-tokenize.js';
import { fieldCount, fieldText, FieldTableBuilder } from './field-table.js';
import { checkUtf8, ChunkedInput } from './text-input.js';
import { inferColumnTypes } from './type-inference.js';
import { resolveColumnTypes, type TextImportOptions } from './text-import-options.js';

export interface CsvReadOptions extends TextImportOptions {
  /** `,` for CSV, a tab for TSV. */
  delimiter: string;
  /** The first line names the columns (default true). */
  header: boolean;
}

export interface TextImportStream extends BatchStream {
  readonly stats: ImportStats;
}

/** One input with its tokenizer and the field table its chunks are cut into. */
class CsvInput {
  readonly input: ChunkedInput;
  readonly tokenizer: CsvTokenizer;
  readonly table = new FieldTableBuilder();

  constructor(source: FdByteSource, delimiter: number, chunkBytes?: number) {
    this.input = new ChunkedInput(source, chunkBytes);
    this.tokenizer = new CsvTokenizer(delimiter, source.name);
  }

  get name(): string {
    return this.input.name;
  }

  /**
   * Reads until at least `minRecords` whole records are buffered (or the input
   * ends) and cuts them; `maxRecords` stops early (the header alone). Returns
   * null at the end of the input.
   */
  async next(minRecords = 1, maxRecords = Infinity): Promise<FieldTableBuilder | null> {
    for (;;) {
      const buf = await this.input.more();
      if (buf.length === 0 && this.input.eof) return null;
      const t = this.table;
      const line = this.tokenizer.line;
      t.reset(buf);
      const used = this.tokenizer.tokenize(buf, 0, this.input.eof, t, maxRecords);
      if (this.input.eof || (t.records >= minRecords && t.records > 0)) {
        checkUtf8(buf, used, t, this.name);
        this.input.consume(buf, used);
        if (t.records === 0 && this.input.pending === 0) return null;
        return t;
      }
      // Not enough yet: keep every byte and cut again with the next chunk appended.
      this.tokenizer.line = line;
      this.input.consume(buf, 0);
    }
  }

  /** The header's names (exit 65 when the input has no bytes at all). */
  async header(): Promise<string[]> {
    const t = await this.next(1, 1);
    if (!t || t.records === 0) throw errors.badInput('empty input: no CSV header', { file: this.name });
    return Array.from({ length: fieldCount(t, 0) }, (_, i) => fieldText(t, t.recordFirst[0] + i));
  }
}

/**
 * CSV or TSV (RFC 4180 quoting) to record batches, streaming: memory holds one
 * chunk of input and one batch. Column types come from `--types`, else from the
 * first `inferRows` data rows of the first input. Every input must have the same
 * header as the first.
 */
export async function readCsv(sources: FdByteSource[], options: CsvReadOptions): Promise<TextImportStream> {
  const delimiter = options.delimiter.charCodeAt(0);
  const inputs = sources.map((s) => new CsvInput(s, delimiter, options.chunkBytes));
  const first = inputs[0];
  let headerNames: string[] | null = null;
  let names: string[];
  if (options.header) {
    headerNames = await first.header();
    names = options.columns ?? headerNames;
    if (options.columns && options.columns.length !== headerNames.length) {
      throw errors.usage(`--columns names ${options.columns.length} columns but the header has ${headerNames.length}`);
    }
  } else names = options.columns ?? [];
  // An empty line is a row only where it can hold a value: single-column input.
  if (names.length > 0) for (const i of inputs) i.tokenizer.skipBlankLines = names.length !== 1;
  // The first data rows, cut once and used twice: for inference, then as data.
  const firstTable = await first.next(options.inferRows);
  if (names.length === 0) {
    if (!firstTable) throw errors.badInput('empty input: no CSV rows', { file: first.name });
    names = Array.from({ length: fieldCount(firstTable, 0) }, (_, i) => `column_${i + 1}`);
    for (const i of inputs) i.tokenizer.skipBlankLines = names.length !== 1;
  }
  checkNames(names, first.name);
  const inferred: DataType[] | null = firstTable ? inferColumnTypes(firstTable, names.length, options.inferRows, false) : null;
  const types = resolveColumnTypes(names, options.types, inferred);
  const schema = new Schema(names.map((n, i) => new Field(n, types[i], true)));
  const assembler = new BatchAssembler(schema, options);

  async function* batches() {
    try {
      let table = firstTable;
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k];
        if (k > 0 && headerNames) {
          const h = await input.header();
          if (h.join('\u0000') !== headerNames.join('\u0000')) {
            throw errors.schemaMismatch(`the header differs from the first input's: [${h.join(', ')}] instead of [${headerNames.join(', ')}]`, { file: input.name });
          }
        }
        if (k > 0) table = await input.next();
        while (table) {
          yield* assembler.add(table, input.name);
          table = await input.next();
        }
        input.input.close();
      }
      const last = assembler.flush();
      if (last) yield last;
    } finally {
      for (const i of inputs) i.input.close();
    }
  }
  return { schema, stats: assembler.stats, [Symbol.asyncIterator]: batches };
}

function checkNames(names: string[], file: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw errors.badInput(`column "${n}" appears twice in the header`, { file });
    seen.add(n);
  }
}

import { RecordBatch, Schema } from 'apache-arrow';
import { makeBatch } from '../columns.js';
import { errors, RecdataError } from '../errors.js';
import { typeName } from '../schema-text.js';
import { makeBuilder, type BuilderOptions, type ColumnBuilder } from './builders.js';
import { fieldCount, fieldText, quoteForMessage, type FieldTable } from './field-table.js';

/** What a text import did, for the one-line report at the end. */
export interface ImportStats {
  rows: number;
  /** Rows left out under --skip-bad-rows. */
  badRows: number;
  /** The first of them, described as its error would have been. */
  firstBadRow: string | null;
}

export interface AssemblerOptions extends BuilderOptions {
  /** Leave out (and count) rows with the wrong number of fields or a value that does not fit. */
  skipBadRows: boolean;
}

/**
 * Turns field tables into record batches of `batchSize` rows: checks each
 * record's field count, fills every column with its builder, and either fails on
 * the first bad row (exit 65, file:line and column) or leaves bad rows out and
 * counts them.
 */
export class BatchAssembler {
  readonly stats: ImportStats = { rows: 0, badRows: 0, firstBadRow: null };
  private readonly builders: ColumnBuilder[];
  private rowsInBatch = 0;
  private rows = new Int32Array(1024);

  constructor(
    readonly schema: Schema,
    private readonly options: AssemblerOptions,
  ) {
    this.builders = schema.fields.map((f) => makeBuilder(f.type, options));
  }

  /** Converts every record of `t`, yielding each batch as it fills. */
  *add(t: FieldTable, sourceName: string): Generator<RecordBatch> {
    const columns = this.builders.length;
    if (this.rows.length < t.records) this.rows = new Int32Array(Math.max(t.records, this.rows.length * 2));
    const rows = this.rows;
    let good = 0;
    for (let r = 0; r < t.records; r++) {
      const problem = t.problems?.get(r) ?? (fieldCount(t, r) !== columns ? `row has ${fieldCount(t, r)} fields, expected ${columns}` : null);
      if (problem === null) rows[good++] = r;
      else this.badRow(errors.badInput(problem, { file: sourceName, line: t.recordLine[r] }));
    }
    const batchSize = this.options.batchSize;
    for (let i = 0; i < good; ) {
      const take = Math.min(batchSize - this.rowsInBatch, good - i);
      this.convert(t, rows.subarray(i, i + take), sourceName);
      i += take;
      if (this.rowsInBatch === batchSize) yield this.finish();
    }
  }

  /** The rows gathered since the last full batch, if any. */
  flush(): RecordBatch | null {
    return this.rowsInBatch > 0 ? this.finish() : null;
  }

  private finish(): RecordBatch {
    const columns = this.builders.map((b) => b.finish());
    const batch = makeBatch(this.schema, columns, this.rowsInBatch);
    this.stats.rows += this.rowsInBatch;
    this.rowsInBatch = 0;
    return batch;
  }

  /**
   * Appends the records `rows` to every column. A value that does not fit either
   * fails, or (skipping) takes its row out: the column's other bad rows are found
   * in the same pass, the columns already filled are taken back to where this call
   * began, and the call starts over without them (at most one pass per column).
   */
  private convert(t: FieldTable, rows: Int32Array, sourceName: string): void {
    const mark = this.rowsInBatch;
    let list = rows;
    retry: for (;;) {
      for (let c = 0; c < this.builders.length; c++) {
        const builder = this.builders[c];
        let at = builder.appendColumn(t, list, 0, list.length, c);
        if (at < 0) continue;
        const bad = new Set<number>();
        for (;;) {
          this.badRow(this.valueError(t, list[at], c, sourceName));
          bad.add(at);
          at = builder.appendColumn(t, list, at + 1, list.length, c);
          if (at < 0) break;
        }
        list = list.filter((_, i) => !bad.has(i));
        for (const b of this.builders) b.truncate(mark);
        continue retry;
      }
      break;
    }
    this.rowsInBatch = mark + list.length;
  }

  private valueError(t: FieldTable, record: number, c: number, sourceName: string): RecdataError {
    const builder = this.builders[c];
    const f = t.recordFirst[record] + c;
    const problem = builder.problem ? `: ${builder.problem}` : '';
    return errors.badInput(`cannot read ${quoteForMessage(fieldText(t, f))} as ${typeName(builder.type)}${problem}`, {
      file: sourceName,
      line: t.recordLine[record],
      column: this.schema.fields[c].name,
    });
  }

  /** Throws, or (with --skip-bad-rows) counts the row and keeps its description if it is the first. */
  private badRow(error: RecdataError): void {
    if (!this.options.skipBadRows) throw error;
    this.stats.badRows++;
    this.stats.firstBadRow ??= error.describe();
  }
}

/** The one line --skip-bad-rows prints at the end (null when no row was skipped). */
export function skippedRowsLine(stats: ImportStats): string | null {
  if (stats.badRows === 0) return null;
  return `skipped ${stats.badRows} bad row${stats.badRows === 1 ? '' : 's'} (first: ${stats.firstBadRow})`;
}

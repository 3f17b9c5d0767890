import { Schema, Uint64, Utf8 } from 'apache-arrow';
import { abortOutput, ArrowStreamWriter, column, commitOutput, field, makeBatch, openOutput, utf8Column, withProvenance, writeBatchStream, type FdByteSink, type Provenance } from '@recdata/core';
import type { FlaggedSink } from '../checks/result.js';
import type { ScanReport } from '../scan.js';
import { htmlReport } from './html.js';
import { arrowReport, jsonReport, junitReport } from './machine.js';
import { textReport } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'junit', 'arrow', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Writes text to stdout or a file that appears only when complete. */
export async function writeText(text: string, file: string | undefined): Promise<void> {
  const sink = openOutput(file);
  try {
    await sink.write(Buffer.from(text, 'utf8'));
    await commitOutput(sink);
  } catch (e) {
    abortOutput(sink);
    throw e;
  }
}

/** Writes the report in one of the formats (arrow: one row per check). */
export async function writeReport(report: ScanReport, format: ReportFormat, file: string | undefined, provenance: Provenance, title?: string): Promise<void> {
  switch (format) {
    case 'text':
      return writeText(textReport(report), file);
    case 'json':
      return writeText(jsonReport(report), file);
    case 'junit':
      return writeText(junitReport(report), file);
    case 'html':
      return writeText(htmlReport(report, title), file);
    case 'arrow':
      await writeBatchStream(arrowReport(report), { file, provenance });
      return;
  }
}

const FLAGGED_BATCH = 65536;

/**
 * The --flagged stream: one row per finding (row: 0-based position in the input,
 * check: the check id, detail: why), written in batches as the scan goes, so it
 * takes no memory to speak of. Findings come in the order the checks make them
 * (row order for most; a duration's finding when the user's next row arrives).
 */
export class FlaggedRowsWriter implements FlaggedSink {
  private readonly sink: FdByteSink;
  private readonly writer: ArrowStreamWriter;
  private readonly schema: Schema;
  private rows: number[] = [];
  private checks: string[] = [];
  private details: string[] = [];
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  count = 0;

  private constructor(file: string, provenance: Provenance) {
    this.schema = withProvenance(new Schema([field('row', new Uint64(), false), field('check', new Utf8(), false), field('detail', new Utf8(), false)]), provenance);
    this.sink = openOutput(file);
    this.writer = new ArrowStreamWriter(this.sink);
  }

  static async open(file: string, provenance: Provenance): Promise<FlaggedRowsWriter> {
    const w = new FlaggedRowsWriter(file, provenance);
    try {
      await w.writer.writeSchema(w.schema);
    } catch (e) {
      abortOutput(w.sink);
      throw e;
    }
    return w;
  }

  add(row: number, check: string, detail: string): void {
    this.rows.push(row);
    this.checks.push(check);
    this.details.push(detail);
    this.count++;
    if (this.rows.length >= FLAGGED_BATCH) this.flush();
  }

  private flush(): void {
    if (this.rows.length === 0) return;
    const batch = makeBatch(this.schema, [column.uint64(BigUint64Array.from(this.rows, (r) => BigInt(r))), utf8Column(this.checks), utf8Column(this.details)]);
    this.rows = [];
    this.checks = [];
    this.details = [];
    this.pending = this.pending.then(() => this.writer.write(batch)).catch((e) => {
      this.failure ??= e;
    });
  }

  async close(): Promise<void> {
    this.flush();
    await this.pending;
    if (this.failure) {
      abortOutput(this.sink);
      throw this.failure;
    }
    await this.writer.finish();
    await commitOutput(this.sink);
  }

  abort(): void {
    abortOutput(this.sink);
  }
}

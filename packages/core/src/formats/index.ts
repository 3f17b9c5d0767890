/**
 * Text and Parquet in and out of Arrow: what `recdata import` and `recdata
 * export` run. Readers turn files (or stdin) into a BatchStream; writers drain a
 * BatchStream into a sink.
 */
import { abortOutput, commitOutput, openOutput } from '../ipc/byte-sink.js';
import type { BatchStream } from '../stream/batch-stream.js';
import { withProvenance, type Provenance } from '../stream/provenance.js';
import type { ImportStats } from './batch-assembler.js';
import { readCsv } from './csv-read.js';
import { writeCsv } from './csv-write.js';
import { readJsonl } from './jsonl-read.js';
import { writeJsonl } from './jsonl-write.js';
import { readParquet, writeParquet, type ParquetCompression } from './parquet.js';
import { writeTableView } from './table-view.js';
import { openTextInputs } from './text-input.js';
import { parseTypeList } from './type-spec.js';

export { skippedRowsLine, type ImportStats } from './batch-assembler.js';
export { DEFAULT_INFER_ROWS, inferColumnTypes } from './type-inference.js';
export { parseTypeList, parseTypeName, TYPE_NAMES } from './type-spec.js';
export { PARQUET_COMPRESSIONS, parquetCodecAvailable, type ParquetCompression } from './parquet.js';
export { TTY_ROWS } from './table-view.js';
export { formatDate32, formatFloat32, formatFloat64, formatTimestamp, formatTimestampBig } from './value-format.js';

export const IMPORT_FORMATS = ['csv', 'tsv', 'jsonl', 'parquet'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const EXPORT_FORMATS = ['csv', 'tsv', 'jsonl', 'parquet', 'table'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ImportOptions {
  format: ImportFormat;
  /** `--types` text (`name:type,...`) or an already parsed map. */
  types?: string | Map<string, import('apache-arrow').DataType>;
  /** CSV/TSV: the first line names the columns (default true). */
  header?: boolean;
  /** Column names: for input without a header, to rename, or (JSONL) to pick keys. */
  columns?: string[];
  emptyAsNull?: boolean;
  skipBadRows?: boolean;
  batchSize?: number;
  inferRows?: number;
  /** Bytes read per step (tests only). */
  chunkBytes?: number;
}

export interface ImportStream extends BatchStream {
  /** Rows read and rows skipped (text formats; zeros for Parquet). */
  readonly stats: ImportStats;
}

/** Opens the inputs (exit 66 for one that cannot be opened) and reads enough to know the schema. */
export async function openImport(paths: readonly string[], options: ImportOptions): Promise<ImportStream> {
  const batchSize = options.batchSize ?? 65536;
  if (options.format === 'parquet') {
    const stream = await readParquet(paths, { batchSize });
    return Object.assign(stream, { stats: { rows: 0, badRows: 0, firstBadRow: null } });
  }
  const types = options.types instanceof Map ? options.types : parseTypeList(options.types);
  const sources = openTextInputs(paths);
  const text = {
    types,
    columns: options.columns,
    emptyAsNull: options.emptyAsNull ?? false,
    skipBadRows: options.skipBadRows ?? false,
    batchSize,
    inferRows: options.inferRows ?? 1000,
    chunkBytes: options.chunkBytes,
  };
  try {
    if (options.format === 'jsonl') return await readJsonl(sources, text);
    return await readCsv(sources, { ...text, delimiter: options.format === 'tsv' ? '\t' : ',', header: options.header ?? true });
  } catch (e) {
    for (const s of sources) s.close();
    throw e;
  }
}

export interface ExportOptions {
  format: ExportFormat;
  /** `-o FILE` (written under a temporary name, renamed when complete); stdout when absent or `-`. */
  file?: string;
  /** CSV/TSV: write the header line (default true). */
  header?: boolean;
  /** Parquet codec (default zstd). */
  compression?: ParquetCompression;
  /** Table view: rows to show (0: all). */
  limit?: number;
  /** Table view: the output is a terminal. */
  tty?: boolean;
  /** Parquet keeps the Arrow schema's metadata: provenance is added there. */
  provenance?: Provenance;
}

/** Writes a stream in a text format or Parquet; a file output appears only when complete. */
export async function exportStream(stream: BatchStream, options: ExportOptions): Promise<{ rows: number }> {
  const sink = openOutput(options.file);
  try {
    let result: { rows: number };
    switch (options.format) {
      case 'csv':
      case 'tsv':
        result = await writeCsv(stream, sink, { delimiter: options.format === 'tsv' ? '\t' : ',', header: options.header ?? true });
        break;
      case 'jsonl':
        result = await writeJsonl(stream, sink);
        break;
      case 'parquet': {
        const schema = options.provenance ? withProvenance(stream.schema, options.provenance) : stream.schema;
        result = await writeParquet({ schema, [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator]() }, sink, {
          compression: options.compression ?? 'zstd',
        });
        break;
      }
      case 'table':
        result = await writeTableView(stream, sink, { limit: options.limit, tty: options.tty ?? false });
        break;
    }
    await commitOutput(sink);
    return result;
  } catch (e) {
    abortOutput(sink);
    throw e;
  }
}

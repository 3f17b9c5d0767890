import { Flags } from '@oclif/core';
import { writeBatchStream } from '@recdata/core';
import { IMPORT_FORMATS, openImport, DEFAULT_INFER_ROWS, parseTypeList, skippedRowsLine, TYPE_NAMES } from '@recdata/core/formats';
import { BaseCommand } from '../base-command.js';
import { batchSizeFlag, commonFlags, inputFilesArg, outputFlags } from '../flags.js';

export default class Import extends BaseCommand {
  static override summary = 'Read CSV, TSV, JSON Lines or Parquet and write an Arrow IPC stream.';
  static override description = `Reads the files given, or stdin, and writes one Arrow IPC stream (stdout, or -o FILE written atomically). Text is read in chunks and written in batches of --batch-size rows, so memory stays bounded.

CSV/TSV follow RFC 4180 (quoted fields may hold delimiters, quotes written as "", and line breaks). The first line is the header unless --no-header. Column types come from --types (a partial list is fine) and otherwise from the first --infer-rows data rows: integers → int64, decimals (and NaN, Infinity) → float64, true/false → bool, YYYY-MM-DD → date32, ISO 8601 date-times → timestamp in the unit of the longest fraction (0 digits: s, 3: ms, 6: us, 9: ns), with time zone UTC when the values carry an offset (Z, +00:00; other offsets are converted to UTC); anything else → utf8. Type names: ${TYPE_NAMES.join(', ')}; timestamp[ms, UTC] for a time zone; dict is dictionary<int32, utf8>.

An empty field is null, except in utf8 columns where it is the empty string unless --empty-as-null; a quoted empty field "" is always the empty string (utf8, dict) or empty binary. Binary columns read base64. A timestamp column also takes integers (the epoch count in its unit). A row with the wrong number of fields or a value that does not fit its type stops the import (exit 65, file:line and column) unless --skip-bad-rows, which leaves such rows out and reports their count on stderr.

JSONL: one JSON object per line, keys as columns (the keys of the first --infer-rows lines, plus any named in --types); integers keep every digit. Parquet: read one row group at a time; stdin is read whole first.`;
  static override examples = [
    { description: 'MovieLens ratings to Arrow, types inferred', command: '<%= config.bin %> import --format csv ratings.csv -o ratings.arrow' },
    {
      description: 'Declare some types; the rest are inferred',
      command: '<%= config.bin %> import --format csv --types userId:uint64,timestamp:timestamp[s] ratings.csv | <%= config.bin %> cat --schema',
    },
    { description: 'A headerless TSV from stdin, skipping bad rows', command: 'cat events.tsv | <%= config.bin %> import --format tsv --no-header --columns user_id,item_id,ts --skip-bad-rows > events.arrow' },
    { description: 'Parquet to Arrow', command: '<%= config.bin %> import --format parquet part-0.parquet part-1.parquet -o events.arrow' },
  ];
  static override args = {
    files: inputFilesArg,
  };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    format: Flags.string({ char: 'f', description: 'input format', options: [...IMPORT_FORMATS], required: true }),
    types: Flags.string({ description: 'column types, overriding inference for the columns named', helpValue: 'NAME:TYPE,...' }),
    header: Flags.boolean({ description: 'CSV/TSV: the first line names the columns (--no-header: it is data)', default: true, allowNo: true }),
    columns: Flags.string({ description: 'column names: for input without a header (default column_1, ...), to rename a header, or (JSONL) the keys to keep', helpValue: 'a,b,c' }),
    'empty-as-null': Flags.boolean({ description: 'an unquoted empty field in a utf8 column is null (a quoted "" stays an empty string)', default: false }),
    'skip-bad-rows': Flags.boolean({ description: 'leave out rows with the wrong number of fields or a value that does not fit, and report how many', default: false }),
    'infer-rows': Flags.integer({ description: 'data rows that type inference looks at', default: DEFAULT_INFER_ROWS, min: 1, helpValue: 'N' }),
    'batch-size': batchSizeFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Import);
    this.verbose = flags.verbose;
    const types = parseTypeList(flags.types);
    const columns = flags.columns === undefined ? undefined : flags.columns.split(',').map((s) => s.trim());
    const stream = await openImport(argv as string[], {
      format: flags.format as (typeof IMPORT_FORMATS)[number],
      types,
      header: flags.header,
      columns,
      emptyAsNull: flags['empty-as-null'],
      skipBadRows: flags['skip-bad-rows'],
      batchSize: flags['batch-size'],
      inferRows: flags['infer-rows'],
    });
    const provenance = this.provenance({
      format: flags.format,
      types: flags.types ?? null,
      header: flags.header,
      columns: flags.columns ?? null,
      emptyAsNull: flags['empty-as-null'],
      skipBadRows: flags['skip-bad-rows'],
      inferRows: flags['infer-rows'],
      batchSize: flags['batch-size'],
    });
    await writeBatchStream(stream, { file: flags.output, provenance, progress: this.progress(flags.progress) });
    const skipped = skippedRowsLine(stream.stats);
    if (skipped) process.stderr.write(`recdata ${this.commandName}: ${skipped}\n`);
  }
}

import { Flags } from '@oclif/core';
import { ArrowReader } from '@recdata/core';
import { EXPORT_FORMATS, exportStream, PARQUET_COMPRESSIONS, TTY_ROWS } from '@recdata/core/formats';
import { BaseCommand } from '../base-command.js';
import { commonFlags, inputFilesArg, outputFlag } from '../flags.js';

export default class Export extends BaseCommand {
  static override summary = 'Write an Arrow IPC stream as CSV, TSV, JSON Lines, Parquet or an aligned table.';
  static override description = `Reads Arrow IPC streams (or IPC files) from the files given, or stdin, and writes them in another format to stdout or -o FILE (written atomically).

Values are written exactly, so import reads them back as they were: int64/uint64 digit for digit; floats as the shortest text that reads back to the same value (float32: through Math.fround), -0 as -0, NaN, Infinity and -Infinity as those words; dates as YYYY-MM-DD; timestamps as ISO 8601 with exactly the unit's fraction digits (s: none, ms: 3, us: 6, ns: 9) and a trailing Z when the type has a time zone (the instant is printed in UTC whatever the zone); dictionary columns as their values; binary as base64.

CSV/TSV: RFC 4180 quoting (a field with the delimiter, a quote, CR or LF is quoted, quotes doubled); a null is an empty field and an empty string is "" (import --empty-as-null reads them back apart); lines end with LF. JSONL: one object per row; integers as JSON numbers with every digit (JSON has no size limit for them), NaN and ±Infinity as strings, timestamps and dates as strings, null as null. Parquet: through parquet-wasm, row groups of up to 1Mi rows, --compression zstd by default; the Arrow schema and its metadata are kept. table: aligned columns for reading; on a terminal only the first ${TTY_ROWS} rows (--limit N to change, 0 for all) then "... N more rows"; otherwise every row, aligned chunk by chunk; values longer than 60 characters are cut.`;
  static override examples = [
    { description: 'Arrow to CSV', command: '<%= config.bin %> export --format csv events.arrow > events.csv' },
    { description: 'A quick look at a stream', command: '<%= config.bin %> gen events --events 1000 | <%= config.bin %> export --format table --limit 5' },
    { description: 'Arrow to Parquet with Snappy', command: '<%= config.bin %> export --format parquet --compression snappy events.arrow -o events.parquet' },
    { description: 'JSON Lines for jq', command: '<%= config.bin %> export --format jsonl events.arrow | head -3' },
  ];
  static override args = {
    files: inputFilesArg,
  };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    output: outputFlag,
    format: Flags.string({ char: 'f', description: 'output format', options: [...EXPORT_FORMATS], required: true }),
    header: Flags.boolean({ description: 'CSV/TSV: write the column names first', default: true, allowNo: true }),
    compression: Flags.string({ description: 'Parquet codec', options: [...PARQUET_COMPRESSIONS], default: 'zstd' }),
    limit: Flags.integer({ description: `table: rows to show, 0 for all (default: ${TTY_ROWS} on a terminal, all otherwise)`, min: 0, helpValue: 'N' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Export);
    this.verbose = flags.verbose;
    const reader = await ArrowReader.open(argv as string[]);
    const toStdout = flags.output === undefined || flags.output === '-';
    await exportStream(reader, {
      format: flags.format as (typeof EXPORT_FORMATS)[number],
      file: flags.output,
      header: flags.header,
      compression: flags.compression as (typeof PARQUET_COMPRESSIONS)[number],
      limit: flags.limit,
      tty: toStdout && process.stdout.isTTY === true,
      provenance: this.provenance({ format: flags.format, compression: flags.format === 'parquet' ? flags.compression : null }),
    });
  }
}

import { Flags } from '@oclif/core';
import { ArrowReader, head, relayArrow, schemaToText, select, writeBatchStream, type BatchStream } from '@recdata/core';
import { BaseCommand } from '../base-command.js';
import { commonFlags, inputFilesArg, outputFlags, printSchemaFlag } from '../flags.js';
import { printOutputSchema } from '../print-schema.js';

export default class Cat extends BaseCommand {
  static override summary = 'Pass through and concatenate Arrow streams (IPC files in, one stream out).';
  static override description = `Reads Arrow IPC streams or IPC files (detected by their ARROW1 magic) from the files given, or stdin, and writes one Arrow IPC stream. Several streams, in several files or one after another on one pipe, must share a schema and come out as one stream.

Without --head or --select, messages are checked (headers against the schema, buffers inside their bodies) and relayed without decoding values; --validate decodes every batch and checks its buffers, offsets and dictionary indices as well.`;
  static override examples = [
    { description: 'Concatenate two files into one stream', command: '<%= config.bin %> cat mon.arrow tue.arrow > both.arrow' },
    { description: 'The first 10 rows of two columns, as a table', command: '<%= config.bin %> gen events --events 1000 | <%= config.bin %> cat --head 10 --select user_id,ts | <%= config.bin %> export --format table' },
    { description: 'Print the schema', command: '<%= config.bin %> gen events --events 10 | <%= config.bin %> cat --schema' },
  ];
  static override args = {
    files: inputFilesArg,
  };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    head: Flags.integer({ description: 'only the first N rows', min: 0, helpValue: 'N' }),
    select: Flags.string({ description: 'only these columns, in this order', helpValue: 'a,b,c' }),
    schema: Flags.boolean({ description: 'print the schema as text and exit', default: false }),
    validate: Flags.boolean({ description: 'decode every batch and check it (slower than the relay)', default: false }),
    'print-schema': printSchemaFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Cat);
    this.verbose = flags.verbose;
    const files = argv as string[];
    const progress = this.progress(flags.progress);
    const provenance = this.provenance({ head: flags.head ?? null, select: flags.select ?? null });
    if (flags['print-schema']) {
      await printOutputSchema(files, (input) => (flags.select !== undefined ? select(input, splitList(flags.select)) : input), { file: flags.output, provenance });
      return;
    }
    if (flags.schema) {
      const reader = await ArrowReader.open(files);
      this.out(schemaToText(reader.schema));
      return;
    }
    if (flags.head === undefined && flags.select === undefined && !flags.validate) {
      await relayArrow(files, { file: flags.output, provenance, progress });
      return;
    }
    let stream: BatchStream = await ArrowReader.open(files);
    if (flags.select !== undefined) stream = select(stream, splitList(flags.select));
    if (flags.head !== undefined) stream = head(stream, flags.head);
    await writeBatchStream(stream, { file: flags.output, provenance, progress });
  }
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

import { Flags } from '@oclif/core';
import { ArrowReader, resolveThreads, writeBatchStream } from '@recdata/core';
import { chooseSeqBackend, seqDecode, type DecodeFormat, type SeqBackend } from '@recdata/seq';
import { BaseCommand } from '../base-command.js';
import { backendFlags, commonFlags, inputFilesArg, outputFlags, printSchemaFlag } from '../flags.js';
import { printOutputSchema } from '../print-schema.js';

export default class SeqDecode extends BaseCommand {
  static override summary = 'Decode seq-encode output back into the exact events, or into one row of lists per sequence.';
  static override description = `Reads a seq-encode stream (it needs nothing else: the input schema and the tables are in its metadata).

--format events (the default) writes exactly the rows seq-encode read, with their exact types (dictionaries, nullability, time units), ordered by user, partition, ts. --format lists writes one row per sequence: the user column, partition_start when the stream is partitioned, and one List column per encoded column.

Every payload is checked (its CRC-32C, every length and count, ts_first, ts_last and partition_start against the decoded events): a corrupt one is exit 65 naming the row and the byte offset in the payload.`;
  static override examples = [
    { description: 'The events back, as CSV', command: '<%= config.bin %> seq-decode seqs.arrow | <%= config.bin %> export --format csv > events.csv' },
    { description: 'Training-ready sequences: one row per user with list columns', command: '<%= config.bin %> seq-decode --format lists seqs.arrow -o lists.arrow' },
    { description: 'A round trip in one pipe', command: '<%= config.bin %> gen events --events 10000 | <%= config.bin %> seq-encode | <%= config.bin %> seq-decode | <%= config.bin %> export --format table --limit 5' },
  ];
  static override args = {
    files: inputFilesArg,
  };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    ...backendFlags,
    format: Flags.string({ description: 'events: the rows that were encoded; lists: one row per sequence with list columns', options: ['events', 'lists'], default: 'events' }),
    'batch-size': Flags.integer({ description: 'rows per output batch (events, or sequences with --format lists)', default: 65536, min: 1, max: 1 << 24 }),
    'print-schema': printSchemaFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(SeqDecode);
    this.verbose = flags.verbose;
    const threads = resolveThreads(flags.threads);
    const choice = chooseSeqBackend(flags.backend);
    for (const n of choice.notes) this.note(n);
    const options = { format: flags.format as DecodeFormat, batchSize: flags['batch-size'], backend: choice.backend as SeqBackend, threads };
    const provenance = this.provenance({ format: flags.format, batch_size: flags['batch-size'] });
    if (flags['print-schema']) {
      await printOutputSchema(argv as string[], (input) => seqDecode(input, options), { file: flags.output, provenance });
      return;
    }
    const reader = await ArrowReader.open(argv as string[]);
    const stream = seqDecode(reader, options);
    await writeBatchStream(stream, { file: flags.output, provenance, progress: this.progress(flags.progress) });
  }
}

import { resolveThreads, writeBatchStream } from '@recdata/core';
import { chooseSeqBackend, SeqStoreReader, type OutputFormat, type SeqBackend } from '@recdata/seq';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { backendFlags, commonFlags, outputFlags } from '../../flags.js';
import { dedupeFlags, formatFlag, fromFlag, parseBounds, rangeIn, skipCorruptFlag, splitNames, storeArg, toFlag } from '../../seq-store.js';

export default class SeqStoreScan extends BaseCommand {
  static override summary = 'Every event of a time range as an Arrow stream (backfill), partition by partition.';
  static override description = `Reads the partitions that [--from, --to) needs, and only those (partitions are independent: a day is read without touching the others), on one consistent snapshot of the store: the files are opened before anything is written, so compactions meanwhile change nothing in the output. Within a partition its runs are merged by user; events come out by partition, then user, then ts (equal ts: write order).

--format events writes the rows with the store's exact types; lists writes one row per user and partition with list columns (as seq-decode). --dedupe keeps only the newest write of events with equal user, ts and --dedupe-key columns. A damaged file is exit 65 naming it; --skip-corrupt checks each partition's files before writing any of it and leaves damaged partitions out (named on stderr).`;
  static override examples = [
    { description: 'Backfill one day', command: '<%= config.bin %> seq-store scan ./store --from 2026-11-01 --to 2026-11-02 > day.arrow' },
    { description: 'A week as training sequences, one list row per user-day', command: '<%= config.bin %> seq-store scan ./store --from 2026-11-01 --to 2026-11-08 --format lists -o week.arrow' },
  ];
  static override args = { store: storeArg };
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    ...backendFlags,
    from: fromFlag,
    to: toFlag,
    format: formatFlag,
    ...dedupeFlags,
    'skip-corrupt': skipCorruptFlag,
    'batch-size': Flags.integer({ description: 'rows per output batch (events, or user sequences with --format lists)', default: 65536, min: 1, max: 1 << 24 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SeqStoreScan);
    this.verbose = flags.verbose;
    const bounds = parseBounds(flags.from, flags.to);
    const choice = chooseSeqBackend(flags.backend);
    for (const n of choice.notes) this.note(n);
    const reader = await SeqStoreReader.open(args.store, { backend: choice.backend as SeqBackend, threads: resolveThreads(flags.threads) });
    try {
      for (const n of reader.notes) process.stderr.write(`recdata seq-store scan: ${n}\n`);
      const range = rangeIn(bounds, reader.layout.config.unitsPerSecond);
      const stream = reader.scan(range, {
        format: flags.format as OutputFormat,
        dedupe: flags.dedupe,
        dedupeKey: splitNames(flags['dedupe-key']),
        batchSize: flags['batch-size'],
        skipCorrupt: flags['skip-corrupt'],
        onSkip: (p, e) => process.stderr.write(`recdata seq-store scan: skipped partition ${p}: ${e.describe()}\n`),
      });
      const params = { from: flags.from ?? null, to: flags.to ?? null, format: flags.format, dedupe: flags.dedupe };
      await writeBatchStream(stream, { file: flags.output, provenance: this.provenance(params), progress: this.progress(flags.progress) });
    } finally {
      await reader.close();
    }
  }
}

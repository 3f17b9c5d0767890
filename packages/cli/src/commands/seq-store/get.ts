import { Flags } from '@oclif/core';
import { resolveThreads, writeBatchStream } from '@recdata/core';
import { chooseSeqBackend, parseUser, SeqStoreReader, type OutputFormat, type SeqBackend } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { backendFlags, commonFlags, outputFlags } from '../../flags.js';
import { dedupeFlags, formatFlag, fromFlag, parseBounds, rangeIn, skipCorruptFlag, splitNames, storeArg, toFlag } from '../../seq-store.js';

export default class SeqStoreGet extends BaseCommand {
  static override summary = "One user's events over a time range, merged across runs and partitions.";
  static override description = `Looks --user up in every run of every partition of [--from, --to) (each run: its Bloom filter, its sparse index, one table block and one payload), on a consistent snapshot of the store, and writes the events in ts order (equal ts: write order) as an Arrow stream: --format events (the rows, with the store's exact types) or lists (one row per partition with list columns, as seq-decode writes them).

--dedupe keeps, of events with the same user, ts and --dedupe-key columns (default item_id, action), only the newest write. Without --from or --to the range is open on that side. A damaged file in a partition the range needs is exit 65 naming the file (--skip-corrupt leaves that partition out instead); other partitions are never read.`;
  static override examples = [
    { description: "A user's first week of November", command: '<%= config.bin %> seq-store get ./store --user 4711 --from 2026-11-01 --to 2026-11-08 | <%= config.bin %> export --format table' },
    { description: 'As one list row per day, duplicates resolved', command: '<%= config.bin %> seq-store get ./store --user 4711 --format lists --dedupe -o user-4711.arrow' },
  ];
  static override args = { store: storeArg };
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    backend: backendFlags.backend,
    user: Flags.string({ description: 'the user (as the user column holds it: an integer, or text)', required: true, helpValue: 'ID' }),
    from: fromFlag,
    to: toFlag,
    format: formatFlag,
    ...dedupeFlags,
    'skip-corrupt': skipCorruptFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SeqStoreGet);
    this.verbose = flags.verbose;
    const bounds = parseBounds(flags.from, flags.to);
    const choice = chooseSeqBackend(flags.backend);
    const reader = await SeqStoreReader.open(args.store, { backend: choice.backend as SeqBackend, threads: resolveThreads(1) });
    try {
      for (const n of reader.notes) process.stderr.write(`recdata seq-store get: ${n}\n`);
      const range = rangeIn(bounds, reader.layout.config.unitsPerSecond);
      const user = parseUser(flags.user, reader.layout.userType, reader.layout.config.user);
      const stream = reader.getStream(user, range, {
        format: flags.format as OutputFormat,
        dedupe: flags.dedupe,
        dedupeKey: splitNames(flags['dedupe-key']),
        skipCorrupt: flags['skip-corrupt'],
        onSkip: (p, e) => process.stderr.write(`recdata seq-store get: skipped partition ${p}: ${e.describe()}\n`),
      });
      const params = { user: flags.user, from: flags.from ?? null, to: flags.to ?? null, format: flags.format, dedupe: flags.dedupe };
      await writeBatchStream(stream, { file: flags.output, provenance: this.provenance(params), progress: this.progress(flags.progress) });
    } finally {
      await reader.close();
    }
  }
}

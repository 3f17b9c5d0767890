import { resolveThreads } from '@recdata/core';
import { chooseSeqBackend, SeqStoreWriter, type SeqBackend } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { backendFlags, commonFlags } from '../../flags.js';
import { storeArg } from '../../seq-store.js';

export default class SeqStoreCompact extends BaseCommand {
  static override summary = "Merge each partition's runs into one (a full compaction).";
  static override description = `Takes the writer lock (exit 75 while an ingest runs), replays any log a crashed writer left, then merges the runs of every partition that has two or more into one: runs are decoded, merged by user and ts (equal ts keep write order), re-encoded and written as a new run, which replaces its inputs in one manifest transaction. Readers keep their snapshot meanwhile. Compaction also runs automatically during ingest, past --compaction-trigger runs in a partition.`;
  static override examples = [
    { description: 'Compact, then look at the runs per partition', command: '<%= config.bin %> seq-store compact ./store && <%= config.bin %> seq-store stats ./store' },
    { description: 'Compact on two threads and say what happened', command: '<%= config.bin %> seq-store compact ./store --threads 2 --verbose' },
  ];
  static override args = { store: storeArg };
  static override flags = { ...commonFlags, ...backendFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SeqStoreCompact);
    this.verbose = flags.verbose;
    const choice = chooseSeqBackend(flags.backend);
    const writer = await SeqStoreWriter.open(args.store, { backend: choice.backend as SeqBackend, threads: resolveThreads(flags.threads), command: 'seq-store compact', autoCompact: false });
    let merged = 0;
    try {
      merged = await writer.compactAll();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    const s = await writer.close();
    if (s.replayedRecords > 0) this.note(`replayed ${s.replayedRecords} log records first`);
    this.out(`compacted ${merged} partition${merged === 1 ? '' : 's'}\n`);
  }
}

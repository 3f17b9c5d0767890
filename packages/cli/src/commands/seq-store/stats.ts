import { Flags } from '@oclif/core';
import { SeqStoreReader, statsText, storeStats } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { commonFlags } from '../../flags.js';
import { storeArg } from '../../seq-store.js';

export default class SeqStoreStats extends BaseCommand {
  static override summary = 'What a store holds: partitions, files, runs per partition, bytes per event, write amplification.';
  static override description = `Reads the manifest (one consistent version) and prints the partitions, files, runs per partition (the most a read of a partition consults), events, bytes in run files and bytes per event, the write-ahead log on disk, and write amplification so far: run bytes written by flushes and compactions over run bytes flushed, and everything written (log, flushes, compactions) over the Arrow bytes ingested. Then one line per partition. --json prints the same as JSON.`;
  static override examples = [
    { description: 'The summary and the partitions', command: '<%= config.bin %> seq-store stats ./store' },
    { description: 'Bytes per event, for a script', command: '<%= config.bin %> seq-store stats ./store --json | python3 -c "import json,sys; print(json.load(sys.stdin)[\'bytesPerEvent\'])"' },
  ];
  static override args = { store: storeArg };
  static override flags = { ...commonFlags, json: Flags.boolean({ description: 'print JSON instead of text', default: false }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SeqStoreStats);
    this.verbose = flags.verbose;
    const reader = await SeqStoreReader.open(args.store, { recover: false });
    try {
      const s = storeStats(reader);
      this.out(flags.json ? JSON.stringify(s, null, 2) + '\n' : statsText(s));
    } finally {
      await reader.close();
    }
  }
}

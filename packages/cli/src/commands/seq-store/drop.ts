import { Flags } from '@oclif/core';
import { boundToTs, parseTimeBound, SeqStoreWriter } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { commonFlags } from '../../flags.js';
import { storeArg } from '../../seq-store.js';

export default class SeqStoreDrop extends BaseCommand {
  static override summary = 'Retention: delete every partition that ends at or before a date.';
  static override description = `Removes whole partitions: those whose end is at or before --before (a date, UTC midnight, an ISO 8601 time, or an integer ts in the store's unit). A partition that --before cuts through is kept whole. The files leave the manifest in one transaction, then the disk; readers with an older snapshot keep reading them until they finish. Takes the writer lock (exit 75 while an ingest runs).`;
  static override examples = [
    { description: 'Keep November from the 8th on', command: '<%= config.bin %> seq-store drop ./store --before 2026-11-08' },
    { description: 'Drop everything before a time', command: '<%= config.bin %> seq-store drop ./store --before 2026-11-03T00:00:00Z && <%= config.bin %> seq-store stats ./store' },
  ];
  static override args = { store: storeArg };
  static override flags = { ...commonFlags, before: Flags.string({ description: 'drop partitions that end at or before this date or time', required: true, helpValue: 'DATE' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SeqStoreDrop);
    this.verbose = flags.verbose;
    const before = parseTimeBound(flags.before, 'before');
    const writer = await SeqStoreWriter.open(args.store, { command: 'seq-store drop', autoCompact: false });
    let result;
    try {
      result = await writer.dropBefore(boundToTs(before, writer.layout.config.unitsPerSecond));
    } catch (e) {
      await writer.abort();
      throw e;
    }
    await writer.close();
    this.out(`dropped ${result.partitions} partition${result.partitions === 1 ? '' : 's'} (${result.files} files, ${result.events} events)\n`);
  }
}

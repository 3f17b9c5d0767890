import { errors } from '@recdata/core';
import { chooseSeqBackend, verifyStore, type SeqBackend } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { backendFlags, commonFlags } from '../../flags.js';
import { storeArg } from '../../seq-store.js';

export default class SeqStoreVerify extends BaseCommand {
  static override summary = 'Check a store: the manifest, every file, every checksum and payload.';
  static override description = `Checks the manifest (SQLite's integrity check, its settings, LSN ranges), then every run file it lists: present, of the recorded size, the CRC-32C of the whole file and of each section, the footer, the sequence table tiling the payloads, users in order, every user in the Bloom filter, every payload decoded and matched against its table entry, dictionary codes inside the dictionary. Then the write-ahead log. Prints one line per problem and a summary; any problem is exit 65 naming the first damaged file. Files the manifest does not list (left by a crash; the next writer deletes them) and log records awaiting replay are reported, not failures. Read-only: it runs beside a writer.`;
  static override examples = [
    { description: 'Check a store', command: '<%= config.bin %> seq-store verify ./store' },
    { description: 'Check before a backup, in a script', command: '<%= config.bin %> seq-store verify ./store && tar cf store.tar ./store' },
  ];
  static override args = { store: storeArg };
  static override flags = { ...commonFlags, backend: backendFlags.backend };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SeqStoreVerify);
    this.verbose = flags.verbose;
    const choice = chooseSeqBackend(flags.backend);
    const r = verifyStore(args.store, { backend: choice.backend as SeqBackend });
    for (const p of r.problems) this.out(`damaged: ${p.describe()}\n`);
    for (const o of r.orphans) this.out(`not in the manifest (a crash leftover; the next writer deletes it): ${o}\n`);
    if (r.pendingRecords > 0) this.out(`write-ahead log: ${r.pendingRecords} records not yet flushed (a writer is running, or the next one replays them)\n`);
    this.out(`${r.problems.length === 0 ? 'ok' : 'DAMAGED'}: ${r.files} files, ${r.partitions} partitions, ${r.events} events, ${r.bytes} bytes\n`);
    if (r.problems.length > 0) {
      const first = r.problems[0];
      const more = r.problems.length > 1 ? ` (and ${r.problems.length - 1} more problems)` : '';
      throw errors.badInput(`${first.message}${more}`, first.where);
    }
  }
}

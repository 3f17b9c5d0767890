import { BlobStore } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { commonFlags } from '../../flags.js';
import { blobStoreArg, requiredWhereFlag } from '../../blob-store.js';

export default class BlobStoreRm extends BaseCommand {
  static override summary = 'Delete the index rows that match a filter (their objects go at the next gc).';
  static override description = `Deletes the rows matching --where (the same filter language as ls). Objects stay on disk until gc finds that no row references them: another row may still share the same bytes.`;
  static override examples = [
    { description: 'Forget the objects of item 42, then reclaim their space', command: '<%= config.bin %> blob-store rm ./blobs --where "item_id = 42" && <%= config.bin %> blob-store gc ./blobs' },
    { description: 'Forget every text object', command: `<%= config.bin %> blob-store rm ./blobs --where "mime like 'text/%'"` },
  ];
  static override args = { store: blobStoreArg };
  static override flags = { ...commonFlags, where: requiredWhereFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BlobStoreRm);
    this.verbose = flags.verbose;
    const store = BlobStore.open(args.store);
    try {
      this.out(`removed ${store.remove(flags.where)} rows\n`);
    } finally {
      store.close();
    }
  }
}

import { BlobStore } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { commonFlags } from '../../flags.js';
import { blobStoreArg } from '../../blob-store.js';

export default class BlobStoreGc extends BaseCommand {
  static override summary = 'Delete objects that no index row references (and temporary files a crash left).';
  static override description = `Sweeps objects/ under the index's write lock (a concurrent put waits, so nothing it is about to reference is deleted) and deletes every file whose key no row lists. Prints what it removed and kept.`;
  static override examples = [
    { description: 'Reclaim space after rm', command: '<%= config.bin %> blob-store gc ./blobs' },
    { description: 'After removing a whole item', command: '<%= config.bin %> blob-store rm ./blobs --where "item_id = 42" && <%= config.bin %> blob-store gc ./blobs' },
  ];
  static override args = { store: blobStoreArg };
  static override flags = { ...commonFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BlobStoreGc);
    this.verbose = flags.verbose;
    const store = BlobStore.open(args.store);
    try {
      const r = store.gc();
      this.out(`removed ${r.removed} objects (${r.bytes} bytes), kept ${r.kept}\n`);
    } finally {
      store.close();
    }
  }
}

import { Flags } from '@oclif/core';
import { batchStream, writeBatchStream } from '@recdata/core';
import { BlobStore, lsBatch, lsSchema, lsText } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, outputFlag } from '../../flags.js';
import { blobStoreArg, whereFlag } from '../../blob-store.js';

export default class BlobStoreLs extends BaseCommand {
  static override summary = 'List objects whose metadata match a filter, as text or as an Arrow stream.';
  static override description = `Prints the index rows (key, size, mime, created, name, then the metadata columns) in the order they were put, all of them or those matching --where. The filter is parsed by a small expression parser and compiled to SQL with every value as a parameter (user text never becomes SQL text); a column the index does not have, or a filter that does not parse, is exit 2 naming the place.

--format text (default): tab-separated with a header line. --format arrow: an Arrow stream (integers as int64, numbers as float64, the rest as utf8), for export or other tools.`;
  static override examples = [
    { description: 'JPEG images of item 42', command: `<%= config.bin %> blob-store ls ./blobs --where "mime = 'image/jpeg' and item_id = 42"` },
    { description: 'Everything, as a table', command: '<%= config.bin %> blob-store ls ./blobs --format arrow | <%= config.bin %> export --format table' },
  ];
  static override args = { store: blobStoreArg };
  static override flags = {
    ...commonFlags,
    output: outputFlag,
    where: whereFlag,
    format: Flags.string({ description: 'text (tab-separated) or arrow', options: ['text', 'arrow'], default: 'text' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BlobStoreLs);
    this.verbose = flags.verbose;
    const store = BlobStore.open(args.store, { readonly: true });
    let rows;
    let columns;
    try {
      rows = store.list(flags.where ?? null);
      columns = store.columns;
    } finally {
      store.close();
    }
    if (flags.format === 'text' && flags.output === undefined) {
      this.out(lsText(columns, rows));
      return;
    }
    const schema = lsSchema(columns, rows);
    await writeBatchStream(batchStream(schema, rows.length > 0 ? [lsBatch(schema, rows)] : []), { file: flags.output, provenance: this.provenance({ where: flags.where ?? null }) });
  }
}

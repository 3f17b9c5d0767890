import fs from 'node:fs';
import path from 'node:path';
import { Args } from '@oclif/core';
import { errors } from '@recdata/core';
import { BlobStore, checkKey } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, outputFlag } from '../../flags.js';
import { blobStoreArg } from '../../blob-store.js';

export default class BlobStoreGet extends BaseCommand {
  static override summary = 'Write the bytes of one object, by key, to stdout or -o FILE.';
  static override description = `KEY is the object's SHA-256 (64 hex characters). A key with "..", a slash, or anything but 64 hex characters is exit 65, before any path is made of it; a key the index does not list is exit 65. The bytes are checked against the key as they are read: an object whose bytes changed on disk is exit 65 naming its file.`;
  static override examples = [
    { description: 'One image', command: '<%= config.bin %> blob-store get ./blobs 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 > x.jpg' },
    { description: 'The first object of an item, found with ls', command: '<%= config.bin %> blob-store get ./blobs $(<%= config.bin %> blob-store ls ./blobs --where "item_id = 42" | sed -n 2p | cut -f1) -o first.jpg' },
  ];
  static override args = { store: blobStoreArg, key: Args.string({ description: 'the object key (SHA-256, 64 hex characters)', required: true, ignoreStdin: true }) };
  static override flags = { ...commonFlags, output: outputFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BlobStoreGet);
    this.verbose = flags.verbose;
    const key = checkKey(args.key);
    const store = BlobStore.open(args.store, { readonly: true });
    let bytes: Uint8Array;
    try {
      bytes = store.get(key);
    } finally {
      store.close();
    }
    if (flags.output === undefined) {
      await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
      return;
    }
    const out = flags.output;
    const temp = path.join(path.dirname(out), `.${path.basename(out)}.tmp-${process.pid}`);
    try {
      fs.writeFileSync(temp, bytes);
      fs.renameSync(temp, out);
    } catch (e) {
      fs.rmSync(temp, { force: true });
      throw errors.ioWrite(out, (e as Error).message);
    }
  }
}

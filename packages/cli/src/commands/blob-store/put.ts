import fs from 'node:fs';
import path from 'node:path';
import { Flags } from '@oclif/core';
import { ArrowReader, errors } from '@recdata/core';
import { BlobStore, checkColumnName, putArrow, type PutResult } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, inputFilesArg } from '../../flags.js';
import { blobStoreArg, parseMeta } from '../../blob-store.js';

export default class BlobStorePut extends BaseCommand {
  static override summary = 'Store objects (files, or the rows of an Arrow binary column) under their SHA-256, with metadata.';
  static override description = `Each object is stored once under its SHA-256 key (objects/ab/cd/KEY, written to a temporary name, fsynced, renamed; bytes already there are not written again) and gets one row in the store's SQLite index: key, size, mime, created, name, and the --meta columns (a new name adds a column; integers and numbers are stored as such, anything else as text). The store is created when the folder is missing or empty.

With files: one object per file (its name kept in the name column). With --arrow (a file, or - for stdin): one object per row of the binary column (--column; by default the stream's only binary column), the other plain columns (integers, floats, bool, utf8) becoming metadata columns of the row. Prints KEY<tab>NAME-or-row for every object put.`;
  static override examples = [
    { description: 'Images of one item', command: '<%= config.bin %> blob-store put ./blobs images/*.jpg --meta item_id=42 --meta modality=image' },
    { description: 'Embeddings from an Arrow stream (an item_id column and a binary vector column)', command: '<%= config.bin %> blob-store put ./blobs --arrow embeddings.arrow --column vector --mime application/x-float32' },
  ];
  static override args = { store: blobStoreArg, files: inputFilesArg };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    meta: Flags.string({ description: 'a metadata value for every object put, NAME=VALUE (repeatable)', multiple: true, helpValue: 'NAME=VALUE' }),
    mime: Flags.string({ description: 'the mime type (default: sniffed from the bytes, else from the file name)', helpValue: 'TYPE' }),
    arrow: Flags.string({ description: 'read objects from an Arrow stream (a file, or - for stdin) instead of files', helpValue: 'FILE' }),
    column: Flags.string({ description: 'with --arrow: the column that holds the objects', helpValue: 'COLUMN', dependsOn: ['arrow'] }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(BlobStorePut);
    this.verbose = flags.verbose;
    const [dir, ...files] = argv as string[];
    const meta = parseMeta(flags.meta);
    for (const name of Object.keys(meta)) checkColumnName(name);
    if (flags.arrow === undefined && files.length === 0) throw errors.usage('give files to put, or --arrow FILE (- for stdin) for an Arrow stream with a binary column');
    if (flags.arrow !== undefined && files.length > 0) throw errors.usage('give files or --arrow, not both');
    const sources: { file: string; bytes: Uint8Array }[] = [];
    for (const f of files) {
      try {
        if (!fs.statSync(f).isFile()) throw new Error('not a file');
        sources.push({ file: f, bytes: fs.readFileSync(f) });
      } catch (e) {
        throw errors.cannotOpen(f, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message);
      }
    }
    const stream = flags.arrow !== undefined ? await ArrowReader.open(flags.arrow === '-' ? [] : [flags.arrow]) : null;
    const store = BlobStore.open(dir, { create: true });
    let stored = 0;
    let total = 0;
    const report = (r: PutResult, label: string) => {
      total++;
      if (r.stored) stored++;
      this.out(`${r.key}\t${label}\n`);
    };
    try {
      if (stream) await putArrow(store, stream, { column: flags.column, mime: flags.mime ?? null, meta, onPut: (r, row) => report(r, `row ${row}`) });
      else for (const s of sources) report(store.put(s.bytes, { name: path.basename(s.file), mime: flags.mime ?? null, meta }), s.file);
    } finally {
      store.close();
    }
    this.note(`${total} objects put, ${stored} new, ${total - stored} already stored`);
  }
}

/**
 * Writing and reading run files (layout: run-format.ts, table.ts). A writer takes
 * encoded chunks of sequences in user order and ends with the sections, the
 * footer and an fsync; a reader keeps the file open (so a snapshot's files stay
 * readable after a compaction unlinks them), checks the footer and the meta
 * section when opened, and loads the index and the Bloom filter on first use.
 * Every section and payload is checked against its CRC-32C when read: damage is
 * exit 65 naming the file and the byte offset.
 */
import fs from 'node:fs';
import { Schema } from 'apache-arrow';
import { errors, RecdataError } from '@recdata/core';
import { CorruptPayload } from '../codec/bytes.js';
import { crc32cUpdate } from '../codec/crc32c.js';
import { cmp, wordsOf } from '../codec/w64.js';
import { decodeHeader, decodeSchema, type StreamHeader } from '../format/header.js';
import type { EncodedChunk } from '../format/payload.js';
import type { IntLane, Lane } from '../lanes/lane.js';
import type { BloomFilter } from './bloom.js';
import { decodeFooter, decodeMeta, encodeFooter, encodeMeta, FOOTER_BYTES, openSection, RUN_MAGIC, type Footer, type RunMeta } from './run-format.js';
import { decodeBlock, decodeBloom, decodeIndex, TableBuilder, type SeqEntries, type SparseIndex } from './table.js';
import { compareBytes, orderKey, type UserKey, type UserKind } from './user-key.js';

/** What the manifest records about a finished run file. */
export interface RunInfo {
  partition: number;
  sequences: number;
  events: number;
  bytes: number;
  crc: number;
  lsnMin: number;
  lsnMax: number;
  tsMin: bigint;
  tsMax: bigint;
  userMin: Uint8Array;
  userMax: Uint8Array;
  indexOffset: number;
  indexLength: number;
  bloomOffset: number;
  bloomLength: number;
}

export interface RunWriterOptions {
  userKind: UserKind;
  partition: number;
  partitionStart: bigint;
  schemaBytes: Uint8Array;
  headerBytes: Uint8Array;
  lsnMin: number;
  lsnMax: number;
}

/** A run file being written; nothing refers to it until the manifest lists it. */
export class RunWriter {
  readonly path: string;
  private readonly fd: number;
  private readonly options: RunWriterOptions;
  private readonly table: TableBuilder;
  private pos = 0;
  private crc = 0;
  private tsMinHi = 0x7fffffff;
  private tsMinLo = 0xffffffff;
  private tsMaxHi = -0x80000000;
  private tsMaxLo = 0;
  private closed = false;

  constructor(path: string, options: RunWriterOptions) {
    this.path = path;
    this.options = options;
    this.table = new TableBuilder(options.userKind, options.partitionStart);
    try {
      this.fd = fs.openSync(path, 'wx');
    } catch (e) {
      throw errors.ioWrite(path, (e as Error).message);
    }
    this.write(RUN_MAGIC);
  }

  private write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
    this.crc = crc32cUpdate(this.crc, bytes);
    this.pos += bytes.length;
  }

  get sequences(): number {
    return this.table.sequences;
  }

  get events(): number {
    return this.table.events;
  }

  /** Sequences s of a chunk: rows [starts[s], starts[s + 1]) of `ts`; users one row per sequence. */
  addChunk(users: Lane, starts: Int32Array, ts: IntLane, encoded: EncodedChunk): void {
    const n = starts.length - 1;
    if (n === 0) return;
    const tw = wordsOf(ts.values);
    const counts = new Uint32Array(n);
    const first = new Int32Array(2 * n);
    const last = new Int32Array(2 * n);
    for (let s = 0; s < n; s++) {
      const a = starts[s];
      const b = starts[s + 1] - 1;
      counts[s] = b - a + 1;
      first[2 * s] = tw[2 * a];
      first[2 * s + 1] = tw[2 * a + 1];
      last[2 * s] = tw[2 * b];
      last[2 * s + 1] = tw[2 * b + 1];
      if (cmp(first[2 * s + 1], first[2 * s], this.tsMinHi, this.tsMinLo) < 0) {
        this.tsMinHi = first[2 * s + 1];
        this.tsMinLo = first[2 * s];
      }
      if (cmp(last[2 * s + 1], last[2 * s], this.tsMaxHi, this.tsMaxLo) > 0) {
        this.tsMaxHi = last[2 * s + 1];
        this.tsMaxLo = last[2 * s];
      }
    }
    this.table.add(users, counts, first, last, encoded.offsets, this.pos);
    this.write(encoded.bytes.subarray(0, encoded.offsets[n]));
  }

  /** Writes the sections and the footer, fsyncs and closes: the file is complete. */
  finish(): RunInfo {
    if (this.table.sequences === 0) throw errors.internal('a run file with no sequences');
    const o = this.options;
    const payloadEnd = this.pos;
    const { table, index, bloom, blocks } = this.table.finish();
    const toBig = (hi: number, lo: number) => (BigInt(hi) << 32n) | BigInt(lo >>> 0);
    const meta = encodeMeta({
      userKind: o.userKind,
      partition: o.partition,
      sequences: this.table.sequences,
      events: this.table.events,
      lsnMin: o.lsnMin,
      lsnMax: o.lsnMax,
      tsMin: toBig(this.tsMinHi, this.tsMinLo),
      tsMax: toBig(this.tsMaxHi, this.tsMaxLo),
      payloadEnd,
      blocks,
      userMin: this.table.userMin!,
      userMax: this.table.userMax!,
      schemaBytes: o.schemaBytes,
      headerBytes: o.headerBytes,
    });
    const footer: Footer = { meta: { offset: payloadEnd, length: meta.length }, table: { offset: 0, length: table.length }, index: { offset: 0, length: index.length }, bloom: { offset: 0, length: bloom.length }, fileCrc: 0 };
    footer.table.offset = footer.meta.offset + meta.length;
    footer.index.offset = footer.table.offset + table.length;
    footer.bloom.offset = footer.index.offset + index.length;
    for (const part of [meta, table, index, bloom]) this.write(part);
    footer.fileCrc = this.crc;
    const footerBytes = encodeFooter(footer);
    this.write(footerBytes);
    try {
      fs.fsyncSync(this.fd);
    } catch (e) {
      throw errors.ioWrite(this.path, (e as Error).message);
    }
    fs.closeSync(this.fd);
    this.closed = true;
    return {
      partition: o.partition,
      sequences: this.table.sequences,
      events: this.table.events,
      bytes: this.pos,
      crc: footer.fileCrc,
      lsnMin: o.lsnMin,
      lsnMax: o.lsnMax,
      tsMin: toBig(this.tsMinHi, this.tsMinLo),
      tsMax: toBig(this.tsMaxHi, this.tsMaxLo),
      userMin: this.table.userMin!,
      userMax: this.table.userMax!,
      indexOffset: footer.index.offset,
      indexLength: footer.index.length,
      bloomOffset: footer.bloom.offset,
      bloomLength: footer.bloom.length,
    };
  }

  /** Closes and removes an unfinished file. */
  abort(): void {
    if (!this.closed) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.closed = true;
    }
    fs.rmSync(this.path, { force: true });
  }
}

/** Exit 65 naming a run file, from a decoding failure inside it. */
export function corruptRun(file: string, e: unknown, what = 'corrupt run file'): RecdataError {
  if (e instanceof RecdataError) return e;
  if (e instanceof CorruptPayload) return errors.badInput(`${what}: ${e.message}`, { file, byteOffset: e.offset });
  return errors.badInput(`${what}: ${(e as Error).message}`, { file });
}

/** An open run file. */
export class RunFile {
  /** The path as messages show it. */
  readonly name: string;
  readonly size: number;
  readonly footer: Footer;
  readonly meta: RunMeta;
  readonly partitionStart: bigint;
  private fd: number;
  private sparse: SparseIndex | null = null;
  private filter: BloomFilter | null = null;
  private parsedHeader: StreamHeader | null = null;
  private parsedSchema: Schema | null = null;
  /** The native decoder's model of the header, made once per file. */
  nativeModel: unknown = null;

  private constructor(name: string, fd: number, size: number, footer: Footer, meta: RunMeta, partitionStart: bigint) {
    this.name = name;
    this.fd = fd;
    this.size = size;
    this.footer = footer;
    this.meta = meta;
    this.partitionStart = partitionStart;
  }

  /**
   * Opens a run file and checks its footer and meta section. `expected` (from the
   * manifest) must match the file's size. ENOENT is passed through (a snapshot that
   * lost a race with a compaction retries); everything else wrong is exit 65.
   */
  static open(path: string, name: string, partitionStart: (partition: number) => bigint, expected?: { bytes: number; partition: number }): RunFile {
    const fd = fs.openSync(path, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (expected && size !== expected.bytes) throw errors.badInput(`corrupt run file: ${size} bytes, the manifest says ${expected.bytes}`, { file: name });
      if (size < RUN_MAGIC.length + FOOTER_BYTES) throw errors.badInput(`corrupt run file: ${size} bytes is too short for a run file`, { file: name });
      const head = pread(fd, 0, RUN_MAGIC.length, name);
      for (let i = 0; i < RUN_MAGIC.length; i++) if (head[i] !== RUN_MAGIC[i]) throw errors.badInput('corrupt run file: it does not start with the run file magic', { file: name, byteOffset: 0 });
      let footer: Footer;
      let meta: RunMeta;
      try {
        footer = decodeFooter(pread(fd, size - FOOTER_BYTES, FOOTER_BYTES, name), size);
        const r = openSection(pread(fd, footer.meta.offset, footer.meta.length, name), footer.meta.offset, 'meta section');
        meta = decodeMeta(r);
      } catch (e) {
        // Offsets inside a section are relative to it: corruptRun names the file either way.
        throw corruptRun(name, e);
      }
      if (meta.payloadEnd !== footer.meta.offset) throw errors.badInput('corrupt run file: the payloads do not end where the meta section starts', { file: name });
      if (expected && meta.partition !== expected.partition) throw errors.badInput(`corrupt run file: it holds partition ${meta.partition}, the manifest says ${expected.partition}`, { file: name });
      return new RunFile(name, fd, size, footer, meta, partitionStart(meta.partition));
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  read(offset: number, length: number): Uint8Array {
    return pread(this.fd, offset, length, this.name);
  }

  get header(): StreamHeader {
    if (!this.parsedHeader) {
      try {
        this.parsedHeader = decodeHeader(this.meta.headerBytes);
      } catch (e) {
        throw corruptRun(this.name, e, 'corrupt run file header');
      }
    }
    return this.parsedHeader;
  }

  get schema(): Schema {
    if (!this.parsedSchema) {
      try {
        this.parsedSchema = decodeSchema(this.meta.schemaBytes);
      } catch (e) {
        throw corruptRun(this.name, e, 'corrupt run file schema');
      }
    }
    return this.parsedSchema;
  }

  index(): SparseIndex {
    if (!this.sparse) {
      const f = this.footer;
      try {
        this.sparse = decodeIndex(openSection(this.read(f.index.offset, f.index.length), f.index.offset, 'index section'), this.meta.userKind, f.table.length);
      } catch (e) {
        throw corruptRun(this.name, e);
      }
      if (this.sparse.blocks !== this.meta.blocks) throw errors.badInput(`corrupt run file: the index lists ${this.sparse.blocks} blocks, the meta section ${this.meta.blocks}`, { file: this.name });
    }
    return this.sparse;
  }

  bloom(): BloomFilter {
    if (!this.filter) {
      const f = this.footer;
      try {
        this.filter = decodeBloom(openSection(this.read(f.bloom.offset, f.bloom.length), f.bloom.offset, 'Bloom filter section'));
      } catch (e) {
        throw corruptRun(this.name, e);
      }
    }
    return this.filter;
  }

  /** Table block i, checked. */
  block(i: number): SeqEntries {
    const ix = this.index();
    const at = this.footer.table.offset + ix.offsets[i];
    try {
      return decodeBlock(openSection(this.read(at, ix.lengths[i]), at, 'table block'), this.meta.userKind, this.partitionStart);
    } catch (e) {
      throw corruptRun(this.name, e);
    }
  }

  /** The block that would hold `user` (-1 when the user sorts before the file's first). */
  private blockFor(user: UserKey): number {
    const ix = this.index();
    let lo = 0;
    let hi = ix.blocks - 1;
    let found = -1;
    if (ix.firstKeys) {
      const key = orderKey(this.meta.userKind, user as bigint);
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (ix.firstKeys[mid] <= key) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
    } else {
      const u = user as Uint8Array;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (compareBytes(ix.firstBytes![mid], u) <= 0) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
    }
    return found;
  }

  /** The user's sequence in this file: its block and position, or null (Bloom filter first). */
  lookup(user: UserKey): { entries: SeqEntries; at: number } | null {
    if (!this.bloom().mayContain(user)) return null;
    const b = this.blockFor(user);
    if (b < 0) return null;
    const entries = this.block(b);
    const users = entries.users;
    if (users.kind === 'int') {
      const v = user as bigint;
      for (let i = 0; i < entries.count; i++) if (users.values[i] === v) return { entries, at: i };
    } else {
      const u = user as Uint8Array;
      for (let i = 0; i < entries.count; i++) {
        const a = users.offsets[i];
        const len = users.offsets[i + 1] - a;
        if (len !== u.length) continue;
        let same = true;
        for (let k = 0; k < len && same; k++) same = users.bytes[a + k] === u[k];
        if (same) return { entries, at: i };
      }
    }
    return null;
  }

  /** CRC-32C of every byte before the footer, streamed; true when it matches. */
  checkFileCrc(): boolean {
    const end = this.size - FOOTER_BYTES;
    let crc = 0;
    const chunk = 1 << 22;
    for (let at = 0; at < end; at += chunk) {
      const bytes = this.read(at, Math.min(chunk, end - at));
      crc = crc32cUpdate(crc, bytes);
    }
    return crc === this.footer.fileCrc;
  }
}

function pread(fd: number, offset: number, length: number, name: string): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, out, done, length - done, offset + done);
    if (n === 0) throw errors.badInput(`corrupt run file: it ends at byte ${offset + done}, inside a section that needs ${length} bytes from ${offset}`, { file: name, byteOffset: offset + done });
    done += n;
  }
  return out;
}

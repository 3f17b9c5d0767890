import { Message, MessageHeader, Schema } from 'apache-arrow';
import * as metadata from 'apache-arrow/ipc/metadata/message';
import { ClosedOutputError, errors, openError, RecdataError } from '../errors.js';
import { loadNative } from '../native/loader.js';
import { describeSchemaDifference } from '../schema-text.js';
import { writeBatchStream } from '../stream/output.js';
import { withProvenance, type Provenance } from '../stream/provenance.js';
import type { Progress } from '../progress.js';
import { abortOutput, commitOutput, openOutput, type FdByteSink } from './byte-sink.js';
import { FdByteSource } from './byte-source.js';
import { ArrowReader, readFirstSchema } from './reader.js';
import { MessageFramer } from './messages.js';
import { dictionaryIdsOf, ipcLayout, type IpcLayout } from './layout.js';
import { END_OF_STREAM, frameMetadata } from './writer.js';

/** Cache-sized pieces: a piece is still in L2 when it is written out again. */
const PIECE_BYTES = 128 << 10;

/** True when every field of the schema can be relayed with its structure checked. */
export function canRelay(schema: Schema): boolean {
  return ipcLayout(schema.fields.map((f) => f.type)) !== null;
}

export interface RelayOptions {
  file?: string;
  provenance?: Provenance;
  progress?: Progress;
}

/**
 * `recdata cat` without per-row work: concatenates Arrow inputs into one stream
 * message by message. Each header is decoded and checked against the schema (field
 * nodes, buffers, buffer regions inside the body) and each body is passed through
 * verbatim in cache-sized pieces, so nothing is decoded or copied twice. Values are
 * not inspected: decoding (--validate, or any per-row option) does that.
 */
export async function relayArrow(paths: readonly string[], options: RelayOptions = {}): Promise<{ rows: number; bytes: number }> {
  const list = paths.length === 0 ? ['-'] : paths;
  const sources: FdByteSource[] = [];
  try {
    for (const p of list) {
      try {
        sources.push(p === '-' ? FdByteSource.stdin(PIECE_BYTES) : FdByteSource.openFile(p, PIECE_BYTES));
      } catch (e) {
        throw openError(p, e);
      }
    }
  } catch (e) {
    for (const s of sources) s.close();
    throw e;
  }
  // Decide between relaying and decoding on the first schema, before any output exists.
  const framers = sources.map((s) => new MessageFramer(s));
  let firstSchema: Schema;
  try {
    firstSchema = await readFirstSchema(sources[0], framers[0]);
  } catch (e) {
    for (const s of sources) s.close();
    throw e;
  }
  if (!ipcLayout(firstSchema.fields.map((f) => f.type))) {
    const reader = ArrowReader.adopt(sources, framers, firstSchema);
    const summary = await writeBatchStream(reader, { file: options.file, provenance: options.provenance, progress: options.progress });
    return { rows: summary.rows, bytes: summary.bytes };
  }
  const sink = openOutput(options.file);
  const scratch = new Uint8Array(PIECE_BYTES);
  const relayBytes = nativeRelay();
  if (relayBytes && process.env.RECDATA_PIPE_SIZE !== '0') widenPipes(sources, sink);
  let rows = 0;
  try {
    const first = firstSchema;
    const layout = ipcLayout(first.fields.map((f) => f.type))!;
    const firstIds = first.fields.flatMap((f) => dictionaryIdsOf(f.type));
    const out = options.provenance ? withProvenance(first, options.provenance) : first;
    sink.writeSync(frameMetadata(Message.encode(Message.from(out))));
    for (let index = 0; index < sources.length; index++) {
      const source = sources[index];
      const framer = framers[index];
      // null: the dictionary ids of the stream being read equal the first stream's
      let idMap: Map<number, number> | null = null;
      const beginStream = (schema: Schema) => {
        const difference = describeSchemaDifference(first, schema);
        if (difference) throw errors.schemaMismatch(`a later stream's schema differs from the first: ${difference}`, { file: source.name });
        const ids = schema.fields.flatMap((f) => dictionaryIdsOf(f.type));
        idMap = ids.every((id, i) => id === firstIds[i]) ? null : new Map(ids.map((id, i) => [id, firstIds[i]]));
      };
      if (index > 0) beginStream(await readFirstSchema(source, framer));
      for (;;) {
        const framed = await framer.nextHeader();
        if (framed.kind === 'end-of-input') break;
        if (framed.kind === 'end-of-stream') {
          if (framer.fileFormat) {
            await framer.skipFileFooter();
            break;
          }
          if (await source.atEnd()) break;
          // Another stream follows on the same input: it starts with its schema.
          beginStream(await readFirstSchema(source, framer));
          continue;
        }
        const { message, offset } = framed;
        if (message.headerType === MessageHeader.Schema) {
          // A schema without an end-of-stream marker before it starts a new stream.
          beginStream(message.header() as Schema);
          continue;
        }
        if (message.headerType === MessageHeader.RecordBatch) {
          const header = message.header() as metadata.RecordBatch;
          checkBatchHeader(header, layout, framed.bodyLength, source.name, offset);
          sink.writeSync(frameMetadata(framed.metadata));
          rows += Number(header.length);
          options.progress?.add(Number(header.length));
        } else {
          const header = message.header() as metadata.DictionaryBatch;
          if (header.data.compression != null) throw compressed(source.name, offset);
          const map = idMap as Map<number, number> | null;
          const id = map ? map.get(header.id) : header.id;
          if (id === undefined || !first.dictionaries.has(id)) {
            throw errors.badInput(`dictionary batch for unknown dictionary id ${header.id}`, { file: source.name, byteOffset: offset });
          }
          checkRegions(header.data, framed.bodyLength, source.name, offset);
          if (id === header.id) sink.writeSync(frameMetadata(framed.metadata));
          else sink.writeSync(frameMetadata(Message.encode(Message.from(new metadata.DictionaryBatch(header.data, id, header.isDelta), framed.bodyLength))));
        }
        const bodyOffset = source.position;
        const passed = relayBytes
          ? relayBody(source, sink, framed.bodyLength, relayBytes)
          : await source.stream(framed.bodyLength, scratch, (piece) => sink.writeSync(piece));
        if (passed < framed.bodyLength) throw errors.truncated(source.name, bodyOffset + passed, 'a message body');
        options.progress?.add(0, sink.bytesWritten);
      }
      source.close();
    }
    sink.writeSync(END_OF_STREAM);
    await commitOutput(sink);
    options.progress?.done(rows, sink.bytesWritten);
    return { rows, bytes: sink.bytesWritten };
  } catch (e) {
    abortOutput(sink);
    throw e;
  } finally {
    for (const s of sources) s.close();
  }
}

type RelayBytes = (inFd: number, outFd: number, n: number) => number;

/** The addon's relayBytes (splice), unless the addon is missing or disabled. */
function nativeRelay(): RelayBytes | null {
  const { addon } = loadNative();
  return addon && typeof addon.relayBytes === 'function' ? (addon.relayBytes as RelayBytes) : null;
}

/**
 * Raises the pipes on both sides to 1 MiB (F_SETPIPE_SZ; a pipe holds 64 KiB by
 * default): each process in the pipeline then wakes up 16 times less often.
 */
function widenPipes(sources: FdByteSource[], sink: FdByteSink): void {
  const { addon } = loadNative();
  if (!addon) return;
  for (const fd of [...sources.map((s) => s.fd), sink.fd]) addon.setPipeSize(fd, 1 << 20);
}

function relayBody(source: FdByteSource, sink: FdByteSink, n: number, relayBytes: RelayBytes): number {
  try {
    return source.relayTo(
      n,
      sink.fd,
      (piece) => sink.writeSync(piece),
      (inFd, outFd, count) => {
        const moved = relayBytes(inFd, outFd, count);
        sink.countExternal(moved);
        return moved;
      },
    );
  } catch (e) {
    if (e instanceof ClosedOutputError || e instanceof RecdataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE' || code === 'ECONNRESET') throw new ClosedOutputError();
    throw errors.ioWrite(sink.name, (e as Error).message);
  }
}

function compressed(file: string, byteOffset: number) {
  return errors.badInput('compressed IPC bodies (LZ4/ZSTD) are not supported; write the stream uncompressed', { file, byteOffset });
}

function checkRegions(header: metadata.RecordBatch, bodyLength: number, file: string, byteOffset: number): void {
  for (const r of header.buffers) {
    if (r.offset < 0 || r.length < 0 || r.offset + r.length > bodyLength) {
      throw errors.badInput(`corrupt record batch: a buffer lies outside the message body (${r.offset}+${r.length} > ${bodyLength})`, { file, byteOffset });
    }
  }
  for (const n of header.nodes) {
    if (n.length < 0 || n.nullCount < 0 || n.nullCount > n.length) throw errors.badInput('corrupt record batch: invalid field node', { file, byteOffset });
  }
}

function checkBatchHeader(header: metadata.RecordBatch, layout: IpcLayout, bodyLength: number, file: string, byteOffset: number): void {
  if (header.compression != null) throw compressed(file, byteOffset);
  if (header.nodes.length !== layout.nodes || header.buffers.length !== layout.buffers) {
    throw errors.badInput(
      `corrupt record batch: ${header.nodes.length} field nodes and ${header.buffers.length} buffers, the schema needs ${layout.nodes} and ${layout.buffers}`,
      { file, byteOffset },
    );
  }
  checkRegions(header, bodyLength, file, byteOffset);
}

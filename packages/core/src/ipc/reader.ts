import {
  Data,
  DataType,
  Field,
  makeData,
  Message,
  MessageHeader,
  RecordBatch,
  Schema,
  Struct,
  Vector,
} from 'apache-arrow';
import { VectorLoader } from 'apache-arrow/visitor/vectorloader';
import type * as metadata from 'apache-arrow/ipc/metadata/message';
import { errors, openError, RecdataError } from '../errors.js';
import { FdByteSource } from './byte-source.js';
import { MessageFramer } from './messages.js';
import { checkData } from './validate.js';
import { describeSchemaDifference } from '../schema-text.js';

/**
 * Reads one or more inputs, each holding one or more Arrow IPC streams (or an IPC
 * file), as one sequence of record batches that all share the first schema.
 * Record batches are views into the bytes read (no copies).
 */
export class ArrowReader implements AsyncIterable<RecordBatch> {
  /** The schema of the first stream: every later stream must match it. */
  readonly schema: Schema;
  private readonly sources: FdByteSource[];
  private readonly framers: MessageFramer[];
  private sourceIndex = 0;
  private dictionaries = new Map<number, Vector>();
  /** The schema of the stream being read now (its dictionary ids and metadata version). */
  private streamSchema: Schema;
  private consumed = false;

  private constructor(sources: FdByteSource[], framers: MessageFramer[], schema: Schema) {
    this.sources = sources;
    this.framers = framers;
    this.schema = schema;
    this.streamSchema = schema;
  }

  /**
   * Opens the inputs and reads the first schema. `paths` empty or `-` means stdin.
   * Input files that cannot be opened fail here (exit 66) before anything runs.
   */
  static async open(paths: readonly string[]): Promise<ArrowReader> {
    const list = paths.length === 0 ? ['-'] : paths;
    const sources: FdByteSource[] = [];
    try {
      for (const p of list) {
        if (p === '-') sources.push(FdByteSource.stdin());
        else {
          try {
            sources.push(FdByteSource.openFile(p));
          } catch (e) {
            throw openError(p, e);
          }
        }
      }
      const framers = sources.map((s) => new MessageFramer(s));
      const first = await readFirstSchema(sources[0], framers[0]);
      return new ArrowReader(sources, framers, first);
    } catch (e) {
      for (const s of sources) s.close();
      throw e;
    }
  }

  /**
   * Continues reading inputs whose first schema message has been consumed already
   * (the relay hands over this way when it cannot vouch for a schema).
   */
  static adopt(sources: FdByteSource[], framers: MessageFramer[], schema: Schema): ArrowReader {
    return new ArrowReader(sources, framers, schema);
  }

  /**
   * False when asking for the next batch would block on input that has not
   * arrived (see mapOrdered, which hands out finished work first then).
   */
  nextReady(): boolean {
    const source = this.sources[this.sourceIndex];
    return source === undefined || source.inputWaiting();
  }

  /** Names of the inputs, for messages. */
  get inputNames(): string[] {
    return this.sources.map((s) => s.name);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    if (this.consumed) throw errors.internal('an ArrowReader can be iterated only once');
    this.consumed = true;
    try {
      while (this.sourceIndex < this.sources.length) {
        const source = this.sources[this.sourceIndex];
        const framer = this.framers[this.sourceIndex];
        for (;;) {
          const framed = await framer.next();
          if (framed.kind === 'end-of-input') break;
          if (framed.kind === 'end-of-stream') {
            if (framer.fileFormat) {
              await framer.skipFileFooter();
              break;
            }
            if (await source.atEnd()) break;
            // Another stream follows on the same input: it starts with its schema.
            this.beginStream(await readFirstSchema(source, framer), source.name);
            continue;
          }
          const { message, body, offset } = framed;
          if (message.headerType === MessageHeader.RecordBatch) {
            yield this.loadRecordBatch(message, body, source.name, offset);
          } else if (message.headerType === MessageHeader.DictionaryBatch) {
            this.loadDictionaryBatch(message, body, source.name, offset);
          } else {
            // A schema without an end-of-stream marker before it: a new stream.
            this.beginStream(decodeSchema(message, source.name, offset), source.name);
          }
        }
        source.close();
        this.sourceIndex++;
        if (this.sourceIndex < this.sources.length) {
          const next = this.sources[this.sourceIndex];
          this.beginStream(await readFirstSchema(next, this.framers[this.sourceIndex]), next.name);
        }
      }
    } finally {
      for (const s of this.sources) s.close();
    }
  }

  private beginStream(schema: Schema, sourceName: string): void {
    const difference = describeSchemaDifference(this.schema, schema);
    if (difference) {
      throw errors.schemaMismatch(`a later stream's schema differs from the first: ${difference}`, { file: sourceName });
    }
    this.streamSchema = schema;
    this.dictionaries = new Map();
  }

  private loadRecordBatch(message: Message, body: Uint8Array, sourceName: string, offset: number): RecordBatch {
    const header = message.header() as metadata.RecordBatch;
    if (header.compression != null) {
      throw errors.badInput('compressed IPC bodies (LZ4/ZSTD) are not supported; write the stream uncompressed', { file: sourceName, byteOffset: offset });
    }
    const children = this.loadVectors(header, body, this.streamSchema.fields, sourceName, offset);
    const data = makeData({ type: new Struct(this.schema.fields), length: Number(header.length), children, nullCount: 0 });
    return new RecordBatch(this.schema, data);
  }

  private loadDictionaryBatch(message: Message, body: Uint8Array, sourceName: string, offset: number): void {
    const header = message.header() as metadata.DictionaryBatch;
    if (header.data.compression != null) {
      throw errors.badInput('compressed IPC bodies (LZ4/ZSTD) are not supported; write the stream uncompressed', { file: sourceName, byteOffset: offset });
    }
    const type = this.streamSchema.dictionaries.get(header.id);
    if (!type) throw errors.badInput(`dictionary batch for unknown dictionary id ${header.id}`, { file: sourceName, byteOffset: offset });
    const [data] = this.loadVectors(header.data, body, [type], sourceName, offset);
    const previous = this.dictionaries.get(header.id);
    const vector = previous && header.isDelta ? previous.concat(new Vector([data])) : new Vector([data]);
    this.dictionaries.set(header.id, vector.memoize());
  }

  private loadVectors(
    header: metadata.RecordBatch,
    body: Uint8Array,
    types: (Field | DataType)[],
    sourceName: string,
    offset: number,
  ): Data[] {
    for (const region of header.buffers) {
      if (region.offset < 0 || region.length < 0 || region.offset + region.length > body.length) {
        throw errors.badInput(`corrupt record batch: a buffer lies outside the message body (${region.offset}+${region.length} > ${body.length})`, {
          file: sourceName,
          byteOffset: offset,
        });
      }
    }
    let children: Data[];
    try {
      children = new VectorLoader(body, header.nodes, header.buffers, this.dictionaries, this.streamSchema.metadataVersion, header.variadicBufferCounts).visitMany(types);
    } catch (e) {
      if (e instanceof RecdataError) throw e;
      throw errors.badInput(`corrupt record batch: ${(e as Error).message}`, { file: sourceName, byteOffset: offset });
    }
    for (let i = 0; i < children.length; i++) {
      const name = types[i] instanceof Field ? (types[i] as Field).name : `dictionary`;
      const problem = children[i] ? checkData(children[i], name) : `${name}: missing`;
      if (problem) throw errors.badInput(`corrupt record batch: ${problem}`, { file: sourceName, byteOffset: offset });
    }
    return children;
  }
}

function decodeSchema(message: Message, sourceName: string, offset: number): Schema {
  try {
    return message.header() as Schema;
  } catch (e) {
    throw errors.notArrow(sourceName, offset, `unreadable schema (${(e as Error).message})`);
  }
}

/**
 * Reads the schema that starts an input (exit 65 when there is none). An IPC file
 * whose stream does not begin with its schema gets it from the footer.
 */
export async function readFirstSchema(source: FdByteSource, framer: MessageFramer): Promise<Schema> {
  const framed = await framer.nextHeader();
  if (framed.kind === 'end-of-input') {
    if (source.name === 'stdin') throw errors.noStreamOnStdin();
    throw errors.notArrow(source.name, 0, 'the file is empty');
  }
  if (framed.kind === 'end-of-stream') {
    if (framer.fileFormat) return framer.footerSchema();
    throw errors.notArrow(source.name, framed.offset, 'the stream ends before its schema');
  }
  if (framed.message.headerType === MessageHeader.Schema) {
    if (framed.bodyLength > 0) await source.read(framed.bodyLength);
    return decodeSchema(framed.message, source.name, framed.offset);
  }
  if (framer.fileFormat) {
    const schema = await framer.footerSchema();
    framer.pushBack(framed);
    return schema;
  }
  throw errors.notArrow(source.name, framed.offset, 'the stream does not start with a schema message');
}

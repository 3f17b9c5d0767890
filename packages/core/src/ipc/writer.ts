import { Data, DataType, Field, Message, RecordBatch, Schema, Vector } from 'apache-arrow';
import { VectorAssembler } from 'apache-arrow/visitor/vectorassembler';
import * as metadata from 'apache-arrow/ipc/metadata/message';
import { errors } from '../errors.js';
import type { FdByteSink } from './byte-sink.js';

const ZEROS = new Uint8Array(8);

/**
 * Frames a flatbuffer as an encapsulated IPC message header: continuation marker,
 * length, flatbuffer, padding to 8 bytes; in one buffer, so it is one write.
 */
export function frameMetadata(flatbuffer: Uint8Array): Uint8Array {
  const aligned = (flatbuffer.byteLength + 8 + 7) & ~7;
  const framed = new Uint8Array(aligned);
  const view = new DataView(framed.buffer);
  view.setUint32(0, 0xffffffff, true);
  view.setInt32(4, aligned - 8, true);
  framed.set(flatbuffer, 8);
  return framed;
}

/** The end-of-stream marker: a continuation marker and a zero length. */
export const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** Body buffers, each followed by the padding that keeps the next one 8-byte aligned. */
function bodyChunks(buffers: ArrayBufferView[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of buffers) {
    if (b.byteLength === 0) continue;
    out.push(b instanceof Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    const pad = ((b.byteLength + 7) & ~7) - b.byteLength;
    if (pad > 0) out.push(ZEROS.subarray(0, pad));
  }
  return out;
}

function collectDictionaries(fields: Field[], children: Data[], into: Map<number, Vector>): void {
  for (let i = 0; i < fields.length; i++) {
    const type = fields[i].type as DataType;
    const data = children[i];
    if (!data) continue;
    if (DataType.isDictionary(type)) {
      if (data.dictionary && !into.has(type.id)) into.set(type.id, data.dictionary);
      if (data.dictionary) for (const d of data.dictionary.data) collectDictionaries(type.dictionary.children ?? [], d.children, into);
    }
    if (type.children?.length) collectDictionaries(type.children, data.children, into);
  }
}

/**
 * Writes one Arrow IPC stream: schema, dictionaries (replacements or deltas as the
 * batches need them), record batches, end-of-stream. Body buffers are handed to the
 * sink as views of the batch's own memory: nothing is copied.
 */
export class ArrowStreamWriter {
  private readonly sink: FdByteSink;
  private schema: Schema | null = null;
  private readonly seenDictionaries = new Map<number, Vector>();
  private readonly dictionaryChunksWritten = new Map<number, number>();
  rowsWritten = 0;

  constructor(sink: FdByteSink) {
    this.sink = sink;
  }

  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  /** Starts the stream. Must come before the first batch. */
  async writeSchema(schema: Schema): Promise<void> {
    if (this.schema) throw errors.internal('the schema of a stream is written once');
    this.schema = schema;
    await this.sink.write(frameMetadata(Message.encode(Message.from(schema))));
  }

  async write(batch: RecordBatch): Promise<void> {
    const schema = this.schema;
    if (!schema) throw errors.internal('write the schema before the first batch');
    if (batch.schema.fields.length !== schema.fields.length) {
      throw errors.internal(`a batch with ${batch.schema.fields.length} columns in a stream of ${schema.fields.length}`);
    }
    const chunks: Uint8Array[] = [];
    const dictionaries = new Map<number, Vector>();
    collectDictionaries(schema.fields, batch.data.children, dictionaries);
    for (const [id, dictionary] of dictionaries) this.dictionaryChunks(id, dictionary, chunks);
    const assembled = VectorAssembler.assemble(batch);
    const header = new metadata.RecordBatch(batch.numRows, assembled.nodes, assembled.bufferRegions, null, assembled.variadicBufferCounts);
    chunks.push(frameMetadata(Message.encode(Message.from(header, assembled.byteLength))));
    chunks.push(...bodyChunks(assembled.buffers));
    this.rowsWritten += batch.numRows;
    await this.sink.write(chunks);
  }

  /** Writes the end-of-stream marker (the stream stays valid without it, but readers like it). */
  async finish(): Promise<void> {
    await this.sink.write(END_OF_STREAM);
  }

  private dictionaryChunks(id: number, dictionary: Vector, out: Uint8Array[]): void {
    const previous = this.seenDictionaries.get(id);
    const chunks = dictionary.data;
    const written = this.dictionaryChunksWritten.get(id) ?? 0;
    if (!previous || previous.data[0] !== chunks[0]) {
      chunks.forEach((chunk, index) => this.dictionaryBatch(chunk, id, index > 0, out));
    } else if (written < chunks.length) {
      for (const chunk of chunks.slice(written)) this.dictionaryBatch(chunk, id, true, out);
    }
    this.seenDictionaries.set(id, dictionary);
    this.dictionaryChunksWritten.set(id, chunks.length);
  }

  private dictionaryBatch(chunk: Data, id: number, isDelta: boolean, out: Uint8Array[]): void {
    const assembled = VectorAssembler.assemble(new Vector([chunk]));
    const data = new metadata.RecordBatch(chunk.length, assembled.nodes, assembled.bufferRegions, null, assembled.variadicBufferCounts);
    const header = new metadata.DictionaryBatch(data, id, isDelta);
    out.push(frameMetadata(Message.encode(Message.from(header, assembled.byteLength))));
    out.push(...bodyChunks(assembled.buffers));
  }
}

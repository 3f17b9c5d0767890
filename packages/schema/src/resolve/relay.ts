import { Message, MessageHeader, Schema } from 'apache-arrow';
import * as metadata from 'apache-arrow/ipc/metadata/message';
import {
  abortOutput,
  commitOutput,
  describeSchemaDifference,
  END_OF_STREAM,
  errors,
  FdByteSource,
  frameMetadata,
  loadNative,
  MessageFramer,
  openError,
  openOutput,
  readFirstSchema,
  withProvenance,
  type Progress,
  type Provenance,
} from '@recdata/core';
import type { ResolutionPlan } from './plan.js';
import { relayRecordBatch } from './relay-batch.js';
import { checkRegions, compressed, skip, type RelayBytes } from './relay-io.js';
import { dictionaryIdsOf } from '@recdata/core';
import type { RelayLayout } from './relay-layout.js';

/**
 * `schema-migrate apply` without decoding what does not change: each record batch
 * message is rewritten, not rebuilt. Its header gets the reader's field nodes and
 * buffer regions; the bytes of unchanged columns are relayed from input to output
 * (spliced between pipes by the addon, as `recdata cat` does), and only the
 * columns that change are read, decoded, converted and encoded. The bytes are those
 * the batch operator (applySchema + the stream writer) would write for an input
 * laid out as recdata writes it; the tests hold the two paths to that.
 *
 * A promotion is read and converted when the stream reaches it (the header alone
 * gives its output size). Other conversions, and unchanged columns the reader wants
 * in another order, are read before the header is written, with everything in
 * front of them (relay-layout.ts decides which, once per stream; relay-batch.ts
 * rewrites each message). A message whose layout does not allow this (buffers out
 * of column order) is read whole and written from memory.
 */

/** Cache-sized pieces, as the relay of `recdata cat` uses. */
const PIECE_BYTES = 128 << 10;

export interface RelayResolveOptions {
  file?: string;
  provenance?: Provenance;
  progress?: Progress;
}

/**
 * Reads the inputs' first schema and hands it to `decide`, which returns the plan
 * and its relay layout, or null to have the caller decode instead (the sources
 * are then given back, positioned after the first schema).
 */
export async function relayResolve(
  paths: readonly string[],
  decide: (schema: Schema) => { plan: ResolutionPlan; layout: RelayLayout | null },
  options: RelayResolveOptions,
  decodeInstead: (sources: FdByteSource[], framers: MessageFramer[], schema: Schema, plan: ResolutionPlan) => Promise<void>,
): Promise<void> {
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
  const framers = sources.map((s) => new MessageFramer(s));
  let first: Schema;
  let plan: ResolutionPlan;
  let layout: RelayLayout | null;
  try {
    first = await readFirstSchema(sources[0], framers[0]);
    ({ plan, layout } = decide(first));
  } catch (e) {
    for (const s of sources) s.close();
    throw e;
  }
  if (!layout) {
    await decodeInstead(sources, framers, first, plan);
    return;
  }
  await relayMessages(sources, framers, first, plan, layout, options);
}

async function relayMessages(sources: FdByteSource[], framers: MessageFramer[], first: Schema, plan: ResolutionPlan, layout: RelayLayout, options: RelayResolveOptions): Promise<void> {
  const sink = openOutput(options.file);
  const scratch = new Uint8Array(PIECE_BYTES);
  const { addon } = loadNative();
  const relayBytes = addon && typeof addon.relayBytes === 'function' ? (addon.relayBytes as RelayBytes) : null;
  const firstIds = first.fields.flatMap((f) => dictionaryIdsOf(f.type));
  let rows = 0;
  let pendingDictionaries: { id: number; meta: Uint8Array; body: Uint8Array }[] = [];
  const flushDictionaries = () => {
    pendingDictionaries.sort((a, b) => a.id - b.id); // stable: deltas keep their order
    for (const d of pendingDictionaries) {
      sink.writeSync(frameMetadata(d.meta));
      if (d.body.length > 0) sink.writeSync(d.body);
    }
    pendingDictionaries = [];
  };
  try {
    const out = options.provenance ? withProvenance(plan.schema, options.provenance) : plan.schema;
    sink.writeSync(frameMetadata(Message.encode(Message.from(out))));
    for (let index = 0; index < sources.length; index++) {
      const source = sources[index];
      const framer = framers[index];
      // Dictionary ids of the stream being read, mapped onto the first stream's.
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
          beginStream(await readFirstSchema(source, framer));
          continue;
        }
        const { message, offset, bodyLength } = framed;
        if (message.headerType === MessageHeader.Schema) {
          beginStream(message.header() as Schema);
          continue;
        }
        if (message.headerType === MessageHeader.RecordBatch) {
          const header = message.header() as metadata.RecordBatch;
          flushDictionaries();
          await relayRecordBatch(header, bodyLength, source, sink, scratch, relayBytes, first, layout, offset);
          rows += Number(header.length);
          options.progress?.add(Number(header.length), sink.bytesWritten);
          continue;
        }
        // A dictionary batch: relayed (under the output's id) for unchanged columns, skipped for dropped ones.
        const header = message.header() as metadata.DictionaryBatch;
        if (header.data.compression != null) throw compressed(source.name, offset);
        const map = idMap as Map<number, number> | null;
        const inputId = map ? map.get(header.id) : header.id;
        if (inputId === undefined || !first.dictionaries.has(inputId)) {
          throw errors.badInput(`dictionary batch for unknown dictionary id ${header.id}`, { file: source.name, byteOffset: offset });
        }
        checkRegions(header.data, bodyLength, source.name, offset);
        const outputId = layout.dictionaryMap.get(inputId);
        if (outputId === undefined) {
          await skip(source, bodyLength, scratch);
          continue;
        }
        // Held until the next record batch and written in the output's dictionary
        // order, as the stream writer orders them (dictionaries are small).
        const body = bodyLength > 0 ? await source.read(bodyLength) : new Uint8Array(0);
        if (body.length < bodyLength) throw errors.truncated(source.name, source.position, 'a message body');
        const meta = outputId === header.id ? framed.metadata : Message.encode(Message.from(new metadata.DictionaryBatch(header.data, outputId, header.isDelta), bodyLength));
        pendingDictionaries.push({ id: outputId, meta, body });
      }
      flushDictionaries();
      source.close();
    }
    sink.writeSync(END_OF_STREAM);
    await commitOutput(sink);
    options.progress?.done(rows, sink.bytesWritten);
  } catch (e) {
    abortOutput(sink);
    throw e;
  } finally {
    for (const s of sources) s.close();
  }
}

import { Data, DataType, Field, Message, MessageHeader, Schema, Type, Vector } from 'apache-arrow';
import * as metadata from 'apache-arrow/ipc/metadata/message';
import { VectorAssembler } from 'apache-arrow/visitor/vectorassembler';
import { VectorLoader } from 'apache-arrow/visitor/vectorloader';
import {
  abortOutput,
  checkData,
  ClosedOutputError,
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
  RecdataError,
  withProvenance,
  type FdByteSink,
  type Progress,
  type Provenance,
} from '@recdata/core';
import { promote, type Promotion } from './kernels.js';
import type { ColumnStep, ResolutionPlan } from './plan.js';

/**
 * `schema-migrate apply` without decoding what does not change: each record batch
 * message is rewritten, not rebuilt. Its header gets the reader's field nodes and
 * buffer regions; the bytes of unchanged columns are relayed from input to output
 * (spliced between pipes by the addon, as `recdata cat` does), and only the
 * columns that change are read, decoded, converted and encoded. The bytes are those
 * the batch operator (applySchema + the stream writer) would write for an input
 * laid out as recdata writes it; the tests hold the two paths to that.
 *
 * Columns to convert are read before the header is written (its buffer regions
 * depend on them), with everything in front of them; unchanged columns after them
 * are relayed in order. A message whose layout does not allow that (buffers out of
 * column order) is read whole and written from memory.
 */

/** Cache-sized pieces, as the relay of `recdata cat` uses. */
const PIECE_BYTES = 128 << 10;
const ZEROS = new Uint8Array(8);

interface ColumnLayout {
  nodeStart: number;
  nodes: number;
  bufferStart: number;
  buffers: number;
}

/** Field nodes and buffers of one column in an IPC record batch; null for types the relay does not vouch for. */
function layoutOf(type: DataType): { nodes: number; buffers: number } | null {
  let nodes = 0;
  let buffers = 0;
  const visit = (t: DataType): boolean => {
    nodes++;
    switch (t.typeId) {
      case Type.Null:
        return true;
      case Type.Utf8:
      case Type.Binary:
      case Type.LargeUtf8:
      case Type.LargeBinary:
        buffers += 3;
        return true;
      case Type.List:
      case Type.LargeList:
      case Type.Map:
        buffers += 2;
        return visit(t.children[0].type);
      case Type.FixedSizeList:
      case Type.Struct:
        buffers += 1;
        return t.children.every((f: Field) => visit(f.type));
      case Type.Dictionary:
      case Type.Bool:
      case Type.Int:
      case Type.Float:
      case Type.Date:
      case Type.Time:
      case Type.Timestamp:
      case Type.Duration:
      case Type.Decimal:
      case Type.Interval:
      case Type.FixedSizeBinary:
        buffers += 2;
        return true;
      default:
        return false;
    }
  };
  return visit(type) ? { nodes, buffers } : null;
}

function dictionaryIds(type: DataType, out: number[] = []): number[] {
  if (DataType.isDictionary(type)) {
    out.push(type.id);
    dictionaryIds(type.dictionary, out);
  }
  for (const c of (type.children ?? []) as Field[]) dictionaryIds(c.type, out);
  return out;
}

const hasDictionary = (type: DataType) => dictionaryIds(type).length > 0;

/** How each output column is made in a relayed message. */
type OutputColumn =
  | { kind: 'pass'; input: number; splice: boolean }
  | { kind: 'convert'; input: number; convert: (d: Data) => Data; promotion?: Promotion; deferred: boolean }
  | { kind: 'fill'; fill: (n: number) => Data };

export interface RelayLayout {
  columns: ColumnLayout[];
  totalNodes: number;
  totalBuffers: number;
  outputs: OutputColumn[];
  /** Input columns read into memory before the header is written. */
  materialized: Set<number>;
  /** Input dictionary id -> output dictionary id, for the dictionaries of unchanged columns (others are dropped). */
  dictionaryMap: Map<number, number>;
}

/**
 * Whether the plan can be relayed: every input type has a known IPC layout and no
 * column that changes (or is filled) involves a dictionary. null otherwise (the
 * batch operator takes over).
 */
export function relayLayout(input: Schema, plan: ResolutionPlan): RelayLayout | null {
  const columns: ColumnLayout[] = [];
  let nodes = 0;
  let buffers = 0;
  for (const f of input.fields) {
    const l = layoutOf(f.type);
    if (!l) return null;
    columns.push({ nodeStart: nodes, nodes: l.nodes, bufferStart: buffers, buffers: l.buffers });
    nodes += l.nodes;
    buffers += l.buffers;
  }
  const outputs: OutputColumn[] = [];
  const materialized = new Set<number>();
  const dictionaryMap = new Map<number, number>();
  // Input columns are consumed in order: relayed ones, and promotions (whose output
  // size the header alone tells), as long as their inputs come in output order.
  let lastStreamed = -1;
  for (const step of plan.steps as ColumnStep[]) {
    if (step.kind === 'fill') {
      if (hasDictionary(step.field.type)) return null;
      outputs.push({ kind: 'fill', fill: step.fill });
    } else if (step.kind === 'convert') {
      if (hasDictionary(step.field.type) || hasDictionary(input.fields[step.source].type)) return null;
      const deferred = step.promotion !== undefined && step.source > lastStreamed;
      if (deferred) lastStreamed = step.source;
      else materialized.add(step.source);
      outputs.push({ kind: 'convert', input: step.source, convert: step.convert, promotion: step.promotion, deferred });
    } else {
      const ids = dictionaryIds(input.fields[step.source].type);
      const outIds = dictionaryIds(step.field.type);
      ids.forEach((id, i) => dictionaryMap.set(id, outIds[i]));
      const splice = step.source > lastStreamed;
      if (splice) lastStreamed = step.source;
      else materialized.add(step.source);
      outputs.push({ kind: 'pass', input: step.source, splice });
    }
  }
  // Everything read before the header comes before everything consumed after it.
  const lastMaterialized = Math.max(-1, ...materialized);
  for (const o of outputs) {
    if (o.kind === 'pass' && o.splice && o.input < lastMaterialized) {
      o.splice = false;
      materialized.add(o.input);
    } else if (o.kind === 'convert' && o.deferred && o.input < lastMaterialized) {
      o.deferred = false;
      materialized.add(o.input);
    }
  }
  return { columns, totalNodes: nodes, totalBuffers: buffers, outputs, materialized, dictionaryMap };
}

export interface RelayResolveOptions {
  file?: string;
  provenance?: Provenance;
  progress?: Progress;
}

type RelayBytes = (inFd: number, outFd: number, n: number) => number;

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
  const firstIds = first.fields.flatMap((f) => dictionaryIds(f.type));
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
        const ids = schema.fields.flatMap((f) => dictionaryIds(f.type));
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

interface Span {
  start: number;
  end: number;
}

const pad8 = (n: number) => (n + 7) & ~7;

/**
 * The next n bytes in memory that is reused from batch to batch (the column is
 * converted and written before the next one is read): fresh memory costs a page
 * fault per page on first touch, which is most of what reading a column costs.
 */
const reused = { prefix: new Uint8Array(0), column: new Uint8Array(0) };
async function readReused(source: FdByteSource, n: number, scratch: Uint8Array, slot: keyof typeof reused): Promise<Uint8Array> {
  if (reused[slot].length < n) reused[slot] = new Uint8Array(n);
  const target = reused[slot];
  let at = 0;
  await source.stream(n, scratch, (piece) => {
    target.set(piece, at);
    at += piece.length;
  });
  return target.subarray(0, at);
}

/** Memory for promoted values, reused: each promoted column is written out before the next is made. */
let promoted = new ArrayBuffer(0);
function promotionBuffer(bytes: number): ArrayBuffer {
  if (promoted.byteLength < bytes) promoted = new ArrayBuffer(bytes);
  return promoted;
}

async function relayRecordBatch(
  header: metadata.RecordBatch,
  bodyLength: number,
  source: FdByteSource,
  sink: FdByteSink,
  scratch: Uint8Array,
  relayBytes: RelayBytes | null,
  input: Schema,
  layout: RelayLayout,
  offset: number,
): Promise<void> {
  if (header.compression != null) throw compressed(source.name, offset);
  if (header.nodes.length !== layout.totalNodes || header.buffers.length !== layout.totalBuffers) {
    throw errors.badInput(
      `corrupt record batch: ${header.nodes.length} field nodes and ${header.buffers.length} buffers, the schema needs ${layout.totalNodes} and ${layout.totalBuffers}`,
      { file: source.name, byteOffset: offset },
    );
  }
  checkRegions(header, bodyLength, source.name, offset);
  const length = Number(header.length);
  const spans: Span[] = layout.columns.map((c) => {
    let start = Infinity;
    let end = 0;
    for (let b = c.bufferStart; b < c.bufferStart + c.buffers; b++) {
      const r = header.buffers[b];
      if (r.length === 0) continue;
      start = Math.min(start, r.offset);
      end = Math.max(end, r.offset + r.length);
    }
    return start === Infinity ? { start: 0, end: 0 } : { start, end };
  });

  // What must be in memory before the header can be written.
  let prefixLength = 0;
  for (const i of layout.materialized) prefixLength = Math.max(prefixLength, spans[i].end);
  let streamed = true;
  let cursor = prefixLength;
  for (const o of layout.outputs) {
    const spliced = o.kind === 'pass' && o.splice;
    const deferred = o.kind === 'convert' && o.deferred;
    if (!spliced && !deferred) continue;
    const s = spans[o.input];
    if (s.end === s.start) continue;
    if (s.start < cursor || (spliced && s.start % 8 !== 0)) {
      streamed = false;
      break;
    }
    cursor = s.end;
  }
  if (!streamed) prefixLength = bodyLength;
  const bodyStart = source.position;
  // Everything read here is written out before this function returns, so the memory is reused.
  const prefix = prefixLength > 0 ? await readReused(source, prefixLength, scratch, 'prefix') : new Uint8Array(0);
  if (prefix.length < prefixLength) throw errors.truncated(source.name, bodyStart + prefix.length, 'a message body');

  // The output header: field nodes, buffer regions and the pieces of the body, in order.
  const nodes: metadata.FieldNode[] = [];
  const regions: metadata.BufferRegion[] = [];
  type Piece = { bytes: Uint8Array } | { span: Span } | { deferred: Span; column: ColumnLayout; field: Field; promotion: Promotion; sizes: number[] };
  const pieces: Piece[] = [];
  let at = 0;
  const addMemory = (bytes: Uint8Array) => {
    regions.push(new metadata.BufferRegion(at, bytes.length));
    if (bytes.length > 0) pieces.push({ bytes });
    at += pad8(bytes.length);
  };
  const addAssembled = (data: Data) => {
    // As the stream writer lays a column out: its regions have padded lengths.
    const assembled = VectorAssembler.assemble(new Vector([data]));
    nodes.push(...assembled.nodes);
    assembled.buffers.forEach((b, i) => {
      const bytes = b instanceof Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      regions.push(new metadata.BufferRegion(at, assembled.bufferRegions[i].length));
      if (bytes.length > 0) pieces.push({ bytes });
      at += pad8(bytes.length);
    });
  };
  for (const o of layout.outputs) {
    if (o.kind === 'fill') {
      addAssembled(o.fill(length));
      continue;
    }
    const c = layout.columns[o.input];
    if (o.kind === 'convert' && o.deferred && streamed) {
      // A promotion's output size follows from the header: same node, the validity
      // as the writer pads it, 8 bytes a value. The column is read when reached.
      const node = header.nodes[c.nodeStart];
      nodes.push(new metadata.FieldNode(node.length, node.nullCount));
      const sizes = [node.nullCount > 0 ? pad8((length + 7) >> 3) : 0, length * 8];
      for (const size of sizes) {
        regions.push(new metadata.BufferRegion(at, size));
        at += pad8(size);
      }
      pieces.push({ deferred: spans[o.input], column: c, field: input.fields[o.input], promotion: o.promotion!, sizes });
      continue;
    }
    if (o.kind === 'convert') {
      addAssembled(o.convert(loadColumn(prefix, header, c, input.fields[o.input], source.name, offset)));
      continue;
    }
    nodes.push(...header.nodes.slice(c.nodeStart, c.nodeStart + c.nodes));
    if (!o.splice || !streamed) {
      for (let b = c.bufferStart; b < c.bufferStart + c.buffers; b++) {
        const r = header.buffers[b];
        addMemory(prefix.subarray(r.offset, r.offset + r.length));
      }
      continue;
    }
    const s = spans[o.input];
    for (let b = c.bufferStart; b < c.bufferStart + c.buffers; b++) {
      const r = header.buffers[b];
      regions.push(new metadata.BufferRegion(s.end > s.start ? at + Math.max(0, r.offset - s.start) : at, r.length));
    }
    if (s.end > s.start) pieces.push({ span: s });
    at += pad8(s.end - s.start);
  }

  const out = new metadata.RecordBatch(length, nodes, regions, null);
  sink.writeSync(frameMetadata(Message.encode(Message.from(out, at))));
  let consumed = prefixLength;
  const writePadded = (bytes: Uint8Array) => {
    if (bytes.length > 0) sink.writeSync(bytes);
    const pad = pad8(bytes.length) - bytes.length;
    if (pad > 0) sink.writeSync(ZEROS.subarray(0, pad));
  };
  for (const piece of pieces) {
    if ('bytes' in piece) {
      writePadded(piece.bytes);
      continue;
    }
    if ('deferred' in piece) {
      const { start, end } = piece.deferred;
      if (start > consumed) await skip(source, start - consumed, scratch);
      const bytes = await readReused(source, end - start, scratch, 'column');
      if (bytes.length < end - start) throw errors.truncated(source.name, bodyStart + start + bytes.length, 'a message body');
      consumed = Math.max(consumed, end);
      const data = promote(loadColumn(bytes, header, piece.column, piece.field, source.name, offset, start), piece.promotion, promotionBuffer(length * 8));
      const assembled = VectorAssembler.assemble(new Vector([data]));
      const buffers = assembled.buffers;
      if (buffers.length !== piece.sizes.length || buffers.some((b, i) => pad8(b.byteLength) !== pad8(piece.sizes[i]))) {
        throw errors.internal(`promoted column ${piece.field.name}: buffers of ${buffers.map((b) => b.byteLength).join(', ')} bytes, the header said ${piece.sizes.join(', ')}`);
      }
      for (const b of buffers) writePadded(b instanceof Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      continue;
    }
    const { start, end } = piece.span;
    if (start > consumed) await skip(source, start - consumed, scratch);
    const moved = await move(source, sink, end - start, scratch, relayBytes);
    if (moved < end - start) throw errors.truncated(source.name, bodyStart + start + moved, 'a message body');
    consumed = end;
    const pad = pad8(end - start) - (end - start);
    if (pad > 0) sink.writeSync(ZEROS.subarray(0, pad));
  }
  if (bodyLength > consumed) await skip(source, bodyLength - consumed, scratch);
}

/**
 * One input column decoded from bytes read into memory (that start at body offset
 * `base`), and checked (exit 65 when corrupt).
 */
function loadColumn(bytes: Uint8Array, header: metadata.RecordBatch, c: ColumnLayout, field: Field, file: string, byteOffset: number, base = 0): Data {
  let data: Data;
  const regions = header.buffers.slice(c.bufferStart, c.bufferStart + c.buffers).map((r) => (base === 0 ? r : new metadata.BufferRegion(r.length === 0 ? 0 : r.offset - base, r.length)));
  try {
    [data] = new VectorLoader(bytes, header.nodes.slice(c.nodeStart, c.nodeStart + c.nodes), regions, new Map()).visitMany([field]);
  } catch (e) {
    if (e instanceof RecdataError) throw e;
    throw errors.badInput(`corrupt record batch: ${(e as Error).message}`, { file, byteOffset });
  }
  const problem = data ? checkData(data, field.name) : `${field.name}: missing`;
  if (problem) throw errors.badInput(`corrupt record batch: ${problem}`, { file, byteOffset });
  return data;
}

async function skip(source: FdByteSource, n: number, scratch: Uint8Array): Promise<void> {
  const start = source.position;
  const passed = await source.stream(n, scratch, () => {});
  if (passed < n) throw errors.truncated(source.name, start + passed, 'a message body');
}

/** Moves n bytes from the input to the output: spliced when the addon has relayBytes, else through a small buffer. */
async function move(source: FdByteSource, sink: FdByteSink, n: number, scratch: Uint8Array, relayBytes: RelayBytes | null): Promise<number> {
  const start = source.position;
  let moved: number;
  if (!relayBytes) {
    moved = await source.stream(n, scratch, (piece) => sink.writeSync(piece));
  } else {
    try {
      moved = source.relayTo(
        n,
        sink.fd,
        (piece) => sink.writeSync(piece),
        (inFd, outFd, count) => {
          const m = relayBytes(inFd, outFd, count);
          sink.countExternal(m);
          return m;
        },
      );
    } catch (e) {
      if (e instanceof ClosedOutputError || e instanceof RecdataError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' || code === 'ECONNRESET') throw new ClosedOutputError();
      throw errors.ioWrite(sink.name, (e as Error).message);
    }
  }
  if (moved < n) throw errors.truncated(source.name, start + moved, 'a message body');
  return moved;
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

import { Data, Field, Message, Schema, Vector } from 'apache-arrow';
import * as metadata from 'apache-arrow/ipc/metadata/message';
import { VectorAssembler } from 'apache-arrow/visitor/vectorassembler';
import { VectorLoader } from 'apache-arrow/visitor/vectorloader';
import { checkData, errors, frameMetadata, RecdataError, type FdByteSink, type FdByteSource } from '@recdata/core';
import { promote, type Promotion } from './kernels.js';
import { checkRegions, compressed, move, pad8, promotionBuffer, readReused, skip, ZEROS, type RelayBytes, type Span } from './relay-io.js';
import type { ColumnLayout, RelayLayout } from './relay-layout.js';

// One record batch message rewritten under the reader schema (see relay.ts).

export async function relayRecordBatch(
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

/**
 * seq-decode as an operator: a seq-encode stream in, and out either the events
 * (exactly the input rows and types, ordered by user, partition, ts) or one row
 * per sequence with one List column per encoded column. It needs nothing but the
 * stream: the exact input schema and the per-stream tables are in its metadata.
 * A corrupt payload is exit 65 naming the row and the byte offset in the payload.
 */
import { Data, DataType, Field, List, makeData, RecordBatch, Schema, Type, Vector } from 'apache-arrow';
import { errors, makeBatch, mapOrdered, typeName, type BatchStream } from '@recdata/core';
import { CorruptPayload } from '../codec/bytes.js';
import { cmp, mulSmall, W, wordsOf } from '../codec/w64.js';
import { ChunkRunner } from '../dispatch.js';
import { decodeHeader, decodeSchema, laneKindOf, LANE_DICT, LANE_NAMES, METADATA, type StreamHeader } from '../format/header.js';
import { CorruptSequence, type DecodedChunk } from '../format/payload.js';
import { partitionOf, type PartitionSpec } from '../group/sort.js';
import type { SeqBackend } from '../kernels.js';
import { appendColumn, laneToData, tableVector } from '../lanes/arrow.js';
import { builderFor, gatherLane } from '../lanes/builders.js';
import type { Lane } from '../lanes/lane.js';
import { MAX_CHUNK_EVENTS } from '../encode/chunks.js';

export type DecodeFormat = 'events' | 'lists';

export interface SeqDecodeOptions {
  format?: DecodeFormat;
  /** Rows per output batch: events, or sequences for lists (default 65536). */
  batchSize?: number;
  backend?: SeqBackend;
  threads?: number;
}

/** What a seq stream's metadata says, checked against itself. */
export interface SeqStreamInfo {
  header: StreamHeader;
  headerBytes: Uint8Array;
  /** The schema of the events that were encoded. */
  events: Schema;
  /** Dictionary vectors of dictionary columns, by payload column. */
  dictionaries: (Vector | null)[];
  partitionSpec: PartitionSpec | null;
}

const SEQ_COLUMNS = ['user_id', 'partition_start', 'n_events', 'ts_first', 'ts_last', 'payload'] as const;

function corruptHeader(message: string, offset?: number): never {
  throw errors.badInput(`not a readable seq-encode stream: ${message}`, { field: METADATA.header, byteOffset: offset });
}

export function readSeqStreamInfo(schema: Schema): SeqStreamInfo {
  const names = schema.fields.map((f) => f.name);
  const headerText = schema.metadata.get(METADATA.header);
  const schemaText = schema.metadata.get(METADATA.schema);
  if (!headerText || !schemaText) {
    throw errors.badInput(`not a seq-encode stream: the schema metadata has no ${METADATA.header} / ${METADATA.schema} (columns: ${names.join(', ')})`);
  }
  for (const c of SEQ_COLUMNS) if (!names.includes(c)) throw errors.missingColumn(c, names);
  const types: Record<string, (t: DataType) => boolean> = { n_events: (t) => t.typeId === Type.Int, payload: (t) => t.typeId === Type.Binary, partition_start: (t) => t.typeId === Type.Timestamp };
  for (const [name, ok] of Object.entries(types)) {
    const f = schema.fields[names.indexOf(name)];
    if (!ok(f.type)) throw errors.wrongColumnType(name, name === 'payload' ? 'binary' : name === 'n_events' ? 'uint32' : 'timestamp', typeName(f.type));
  }
  let headerBytes: Uint8Array;
  let header: StreamHeader;
  let events: Schema;
  try {
    headerBytes = new Uint8Array(Buffer.from(headerText, 'base64'));
    header = decodeHeader(headerBytes);
  } catch (e) {
    if (e instanceof CorruptPayload) corruptHeader(e.message, e.offset);
    throw e;
  }
  try {
    events = decodeSchema(new Uint8Array(Buffer.from(schemaText, 'base64')));
  } catch (e) {
    throw errors.badInput(`not a readable seq-encode stream: ${METADATA.schema} is not an Arrow schema (${(e as Error).message})`, { field: METADATA.schema });
  }
  // The header must describe exactly the schema it came with.
  if (header.fieldCount !== events.fields.length) corruptHeader(`it describes ${header.fieldCount} columns, the schema has ${events.fields.length}`);
  const expected = events.fields.map((_, i) => i).filter((i) => i !== header.userField);
  if (header.columns.length !== expected.length || header.columns.some((c, k) => c.field !== expected[k])) corruptHeader('its columns do not match the schema');
  header.columns.forEach((c) => {
    const f = events.fields[c.field];
    if (laneKindOf(f.type) !== c.lane) corruptHeader(`column "${f.name}" (${typeName(f.type)}) is recorded as a ${LANE_NAMES[c.lane]} lane`);
  });
  const tsType = events.fields[header.tsField].type;
  if (tsType.typeId !== Type.Timestamp && tsType.typeId !== Type.Int) corruptHeader(`the ts column has type ${typeName(tsType)}`);
  const dictionaries = header.columns.map((c) => (c.lane === LANE_DICT ? tableVector(c.table!, (events.fields[c.field].type as DataType & { dictionary: DataType }).dictionary) : null));
  const pType = schema.fields[names.indexOf('partition_start')].type as DataType & { unit: number };
  const ups = [1, 1e3, 1e6, 1e9][pType.unit];
  const partitionSpec = header.partition === 'none' ? null : { unitsPerSecond: ups, seconds: header.partition === 'hour' ? 3600 : 86400 };
  return { header, headerBytes, events, dictionaries, partitionSpec };
}

/** The metadata of decoded output: the stream's, less the seq keys. */
function outputMetadata(schema: Schema): Map<string, string> {
  const meta = new Map(schema.metadata);
  for (const k of Object.values(METADATA)) meta.delete(k);
  return meta;
}

export function seqDecode(input: BatchStream, options: SeqDecodeOptions = {}): BatchStream {
  const info = readSeqStreamInfo(input.schema);
  const format = options.format ?? 'events';
  const batchSize = options.batchSize ?? 65536;
  const { header, events } = info;
  const userField = events.fields[header.userField];
  const idx = Object.fromEntries(input.schema.fields.map((f, i) => [f.name, i]));
  const partitionField = input.schema.fields[idx.partition_start];
  const schema =
    format === 'events'
      ? new Schema(events.fields, outputMetadata(input.schema))
      : new Schema(
          [
            new Field(userField.name, userField.type, false),
            ...(header.partition === 'none' ? [] : [new Field('partition_start', partitionField.type, false)]),
            ...header.columns.map((c) => {
              const f = events.fields[c.field];
              return new Field(f.name, new List(new Field('item', f.type, f.nullable)), false);
            }),
          ],
          outputMetadata(input.schema),
        );

  async function* batches(): AsyncGenerator<RecordBatch> {
    const runner = new ChunkRunner(info.headerBytes, options.backend ?? 'js', options.threads ?? 1);
    let firstRow = 0;
    async function* pieces(): AsyncGenerator<Piece> {
      for await (const batch of input) {
        yield* cutBatch(batch, firstRow, idx);
        firstRow += batch.numRows;
      }
    }
    try {
      const decoded = mapOrdered(
        pieces(),
        async (piece) => {
          try {
            // The worker takes (and detaches) what it is sent: counts go as a copy, kept here for the checks.
            return { piece, chunk: await runner.decode(piece.bytes, piece.offsets, piece.counts.slice()) };
          } catch (e) {
            if (e instanceof CorruptSequence) {
              const column = e.column >= 0 ? events.fields[header.columns[e.column].field].name : undefined;
              throw errors.badInput(`corrupt payload: ${e.message}`, { column, row: piece.firstRow + e.sequence, byteOffset: e.offset });
            }
            throw e;
          }
        },
        runner.concurrency,
      );
      for await (const { piece, chunk } of decoded) {
        checkRows(info, piece, chunk);
        const out = format === 'events' ? eventsBatch(info, schema, piece, chunk) : listsBatch(info, schema, piece, chunk);
        for (let from = 0; from < out.numRows; from += batchSize) yield from === 0 && out.numRows <= batchSize ? out : out.slice(from, Math.min(out.numRows, from + batchSize));
      }
    } finally {
      await runner.close();
    }
  }
  return { schema, [Symbol.asyncIterator]: () => batches() };
}

/** Rows of one input batch, cut into pieces of about MAX_CHUNK_EVENTS events. */
interface Piece {
  firstRow: number;
  bytes: Uint8Array;
  offsets: Int32Array;
  counts: Uint32Array;
  /** The seq columns of these rows. */
  user: Lane;
  partition: Data;
  tsFirst: Data;
  tsLast: Data;
}

function* cutBatch(batch: RecordBatch, firstRow: number, idx: Record<string, number>): Generator<Piece> {
  const n = batch.numRows;
  const cols = batch.data.children;
  const user = cols[idx.user_id];
  const counts = cols[idx.n_events];
  const payload = cols[idx.payload];
  for (const [name, data] of [
    ['user_id', user],
    ['n_events', counts],
    ['payload', payload],
    ['ts_first', cols[idx.ts_first]],
    ['ts_last', cols[idx.ts_last]],
  ] as const) {
    if (data.nullCount > 0) {
      const bm = data.nullBitmap!;
      for (let i = 0; i < n; i++) if (!(bm[(data.offset + i) >> 3] & (1 << ((data.offset + i) & 7)))) throw errors.badInput(`${name} is null`, { column: name, row: firstRow + i });
    }
  }
  const userLane = builderFor(user.type.typeId === Type.Int ? 'int' : 'string', n);
  appendColumn(userLane, user, user.type.typeId === Type.Int ? 0 : 3, null, firstRow);
  const users = userLane.finish();
  const countValues = counts.values as ArrayLike<number>;
  const o = payload.valueOffsets as Int32Array;
  const bytes = payload.values as Uint8Array;
  let a = 0;
  while (a < n) {
    let b = a;
    let events = 0;
    do {
      const c = Number(countValues[b]);
      if (!(c >= 1 && c <= 0x7fffffff)) throw errors.badInput(`n_events is ${c}; a sequence holds 1 to 2147483647 events`, { column: 'n_events', row: firstRow + b });
      events += c;
      b++;
    } while (b < n && events + Number(countValues[b]) <= MAX_CHUNK_EVENTS);
    const offsets = new Int32Array(b - a + 1);
    for (let i = a; i <= b; i++) offsets[i - a] = o[i] - o[a];
    const index = new Int32Array(b - a);
    for (let i = a; i < b; i++) index[i - a] = i;
    yield {
      firstRow: firstRow + a,
      bytes: bytes.slice(o[a], o[b]),
      offsets,
      counts: Uint32Array.from({ length: b - a }, (_, i) => Number(countValues[a + i])),
      user: gatherLane(users, index, 0, b - a),
      partition: cols[idx.partition_start].slice(a, b - a),
      tsFirst: cols[idx.ts_first].slice(a, b - a),
      tsLast: cols[idx.ts_last].slice(a, b - a),
    };
    a = b;
  }
}

/** ts_first, ts_last and partition_start must agree with the decoded events. */
function checkRows(info: SeqStreamInfo, piece: Piece, chunk: DecodedChunk): void {
  const ts = chunk.lanes[info.header.columns.findIndex((c) => c.field === info.header.tsField)];
  if (ts.kind !== 'int') return;
  const tw = wordsOf(ts.values);
  const words = (d: Data) => new Int32Array((d.values as ArrayBufferView).buffer, (d.values as ArrayBufferView).byteOffset, d.length * 2);
  const tsWide = (d: Data): Int32Array | null => ((d.values as ArrayBufferView).constructor === BigInt64Array || (d.values as ArrayBufferView).constructor === BigUint64Array ? words(d) : null);
  const first = tsWide(piece.tsFirst);
  const last = tsWide(piece.tsLast);
  const n = piece.counts.length;
  for (let s = 0; s < n; s++) {
    const a = chunk.starts[s];
    const b = chunk.starts[s + 1] - 1;
    const bad = (what: string) => {
      throw errors.badInput(`corrupt row: ${what} does not match its payload`, { column: what, row: piece.firstRow + s });
    };
    if (first && (first[2 * s] !== tw[2 * a] || first[2 * s + 1] !== tw[2 * a + 1])) bad('ts_first');
    if (last && (last[2 * s] !== tw[2 * b] || last[2 * s + 1] !== tw[2 * b + 1])) bad('ts_last');
    for (let i = a + 1; i <= b; i++) if (cmp(tw[2 * i + 1], tw[2 * i], tw[2 * i - 1], tw[2 * i - 2]) < 0) bad('the ts order');
    const spec = info.partitionSpec;
    if (spec) {
      partitionOf(tw[2 * a + 1], tw[2 * a], spec);
      const pHi = W.hi;
      const pLo = W.lo;
      partitionOf(tw[2 * b + 1], tw[2 * b], spec);
      if (W.hi !== pHi || W.lo !== pLo) bad('partition_start');
      mulSmall(pHi, pLo, spec.seconds);
      mulSmall(W.hi, W.lo, spec.unitsPerSecond);
      const pw = words(piece.partition);
      if (piece.partition.nullCount > 0 || pw[2 * s] >>> 0 !== W.lo || pw[2 * s + 1] !== W.hi) bad('partition_start');
    }
  }
}

function eventsBatch(info: SeqStreamInfo, schema: Schema, piece: Piece, chunk: DecodedChunk): RecordBatch {
  const { header, events } = info;
  const total = chunk.starts[chunk.starts.length - 1];
  const owner = new Int32Array(total);
  for (let s = 0; s + 1 < chunk.starts.length; s++) owner.fill(s, chunk.starts[s], chunk.starts[s + 1]);
  const columns: Data[] = new Array(events.fields.length);
  columns[header.userField] = laneToData(events.fields[header.userField].type, gatherLane(piece.user, owner, 0, total), null);
  header.columns.forEach((c, k) => {
    columns[c.field] = laneToData(events.fields[c.field].type, chunk.lanes[k], info.dictionaries[k]);
  });
  return makeBatch(schema, columns, total);
}

function listsBatch(info: SeqStreamInfo, schema: Schema, piece: Piece, chunk: DecodedChunk): RecordBatch {
  const { header, events } = info;
  const n = piece.counts.length;
  const columns: Data[] = [laneToData(events.fields[header.userField].type, piece.user, null)];
  if (header.partition !== 'none') columns.push(piece.partition);
  header.columns.forEach((c, k) => {
    const f = events.fields[c.field];
    const child = laneToData(f.type, chunk.lanes[k], info.dictionaries[k]);
    columns.push(makeData({ type: new List(new Field('item', f.type, f.nullable)), length: n, valueOffsets: chunk.starts, child, nullCount: 0 } as never) as Data);
  });
  return makeBatch(schema, columns, n);
}

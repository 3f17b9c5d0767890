/**
 * The stream header: what a seq stream's schema metadata carries so that a
 * payload can be decoded with nothing else. `recdata.seq.schema` is the input's
 * Arrow schema as an IPC Schema message (exact types: dictionaries and their
 * index types, nullability, time units and zones, field metadata);
 * `recdata.seq.header` is the binary header below (base64), and
 * `recdata.seq.columns` a readable JSON list of the same columns.
 *
 *   "RSQ" 0x01                        magic and format version
 *   ULEB fields                       fields of the input schema
 *   ULEB user field, ULEB ts field    their indices
 *   u8 partition                      0 none, 1 hour, 2 day
 *   ULEB columns                      the encoded columns, in payload order
 *   per column: ULEB field index, u8 lane kind, [string table], entropy model
 *   u32 CRC-32C of everything before
 */
import { DataType, Message, Schema, Type } from 'apache-arrow';
import { ByteReader, ByteWriter, CorruptPayload } from '../codec/bytes.js';
import { crc32c } from '../codec/crc32c.js';
import { readModel, writeModel, MODEL_DELTA, MODEL_VALUE, type EntropyModel } from '../codec/entropy.js';
import type { StringTable } from '../codec/values.js';

export const LANE_INT = 0;
export const LANE_FLOAT32 = 1;
export const LANE_FLOAT64 = 2;
export const LANE_STRING = 3;
export const LANE_DICT = 4;
export type LaneKind = 0 | 1 | 2 | 3 | 4;
export const LANE_NAMES = ['int', 'float32', 'float64', 'string', 'dictionary'] as const;

export const PARTITIONS = ['none', 'hour', 'day'] as const;
export type Partition = (typeof PARTITIONS)[number];

export const METADATA = {
  format: 'recdata.seq.format',
  schema: 'recdata.seq.schema',
  header: 'recdata.seq.header',
  columns: 'recdata.seq.columns',
} as const;
export const FORMAT_NAME = 'recdata-seq/1';

export interface ColumnSpec {
  /** Index of the column in the input schema. */
  field: number;
  lane: LaneKind;
  /** Strings a STRING column's codes refer to, or a DICT column's dictionary. */
  table: StringTable | null;
  model: EntropyModel | null;
}

export interface StreamHeader {
  fieldCount: number;
  userField: number;
  tsField: number;
  partition: Partition;
  columns: ColumnSpec[];
}

/** How a column's values travel as a lane, or null when seq cannot encode its type. */
export function laneKindOf(type: DataType): LaneKind | null {
  switch (type.typeId) {
    case Type.Int:
    case Type.Bool:
    case Type.Timestamp:
    case Type.Date:
    case Type.Time:
    case Type.Duration:
      return LANE_INT;
    case Type.Float: {
      const precision = (type as DataType & { precision: number }).precision;
      return precision === 2 ? LANE_FLOAT64 : precision === 1 ? LANE_FLOAT32 : LANE_INT;
    }
    case Type.Utf8:
    case Type.Binary:
      return LANE_STRING;
    case Type.Dictionary: {
      const values = (type as DataType & { dictionary: DataType }).dictionary;
      return values.typeId === Type.Utf8 || values.typeId === Type.Binary ? LANE_DICT : null;
    }
    default:
      return null;
  }
}

export function writeTable(out: ByteWriter, table: StringTable): void {
  const n = table.offsets.length - 1;
  out.uleb(n);
  for (let i = 0; i < n; i++) {
    const from = table.offsets[i];
    const to = table.offsets[i + 1];
    out.uleb(to - from);
    out.bytes(table.bytes.subarray(from, to));
  }
}

export function readTable(r: ByteReader): StringTable {
  const n = r.uleb('the table size', r.remaining);
  const offsets = new Int32Array(n + 1);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const len = r.uleb('a table string length', r.remaining);
    parts.push(r.take(len, 'a table string'));
    total += len;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    bytes.set(part, p);
    p += part.length;
  }
  return { offsets, bytes };
}

export function encodeHeader(h: StreamHeader): Uint8Array {
  const out = new ByteWriter(1024);
  out.bytes(new Uint8Array([0x52, 0x53, 0x51, 0x01]));
  out.uleb(h.fieldCount);
  out.uleb(h.userField);
  out.uleb(h.tsField);
  out.u8(PARTITIONS.indexOf(h.partition));
  out.uleb(h.columns.length);
  for (const c of h.columns) {
    out.uleb(c.field);
    out.u8(c.lane);
    if (c.lane === LANE_STRING || c.lane === LANE_DICT) writeTable(out, c.table ?? { offsets: new Int32Array(1), bytes: new Uint8Array(0) });
    writeModel(out, c.model);
  }
  out.u32le(crc32c(out.buf, 0, out.pos));
  return out.finish();
}

export function decodeHeader(bytes: Uint8Array): StreamHeader {
  if (bytes.length < 8) throw new CorruptPayload(`the header is ${bytes.length} bytes`, 0);
  const crc = new ByteReader(bytes, bytes.length - 4).u32le();
  if (crc32c(bytes, 0, bytes.length - 4) !== crc) throw new CorruptPayload('the header checksum does not match', bytes.length - 4);
  const r = new ByteReader(bytes, 0, bytes.length - 4);
  const magic = r.take(4, 'the magic');
  if (magic[0] !== 0x52 || magic[1] !== 0x53 || magic[2] !== 0x51) r.fail('not a recdata seq header', 0);
  if (magic[3] !== 0x01) r.fail(`format version ${magic[3]} is not supported (this recdata reads version 1)`, 3);
  const fieldCount = r.uleb('the field count', 1 << 20);
  const userField = r.uleb('the user field', fieldCount - 1);
  const tsField = r.uleb('the ts field', fieldCount - 1);
  const pAt = r.pos;
  const p = r.u8('the partition');
  if (p >= PARTITIONS.length) r.fail(`unknown partition ${p}`, pAt);
  const n = r.uleb('the column count', fieldCount);
  const columns: ColumnSpec[] = [];
  for (let i = 0; i < n; i++) {
    const field = r.uleb('a column field', fieldCount - 1);
    const laneAt = r.pos;
    const lane = r.u8('a lane kind');
    if (lane > LANE_DICT) r.fail(`unknown lane kind ${lane}`, laneAt);
    const table = lane === LANE_STRING || lane === LANE_DICT ? readTable(r) : null;
    const model = readModel(r);
    columns.push({ field, lane: lane as LaneKind, table, model });
  }
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes left over in the header`);
  return { fieldCount, userField, tsField, partition: PARTITIONS[p], columns };
}

/** The input schema as an IPC Schema message, and back. */
export function encodeSchema(schema: Schema): Uint8Array {
  return Message.encode(Message.from(schema));
}

export function decodeSchema(bytes: Uint8Array): Schema {
  const message = Message.decode(bytes);
  if (!message.isSchema()) throw new CorruptPayload('recdata.seq.schema is not a schema message', 0);
  return message.header() as Schema;
}

export function modelName(model: EntropyModel | null): string {
  if (!model) return 'none';
  return model.kind === MODEL_VALUE ? 'value' : model.kind === MODEL_DELTA ? 'delta' : 'none';
}

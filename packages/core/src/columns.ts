import {
  Binary,
  Bool,
  Data,
  DataType,
  Dictionary,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Type,
  Uint32,
  Uint64,
  Utf8,
  Vector,
} from 'apache-arrow';
import { errors } from './errors.js';
import { typeName } from './schema-text.js';

/** The index of a column, or exit 65 naming it and listing the columns present. */
export function requireColumn(schema: Schema, name: string): number {
  const i = schema.fields.findIndex((f) => f.name === name);
  if (i < 0) throw errors.missingColumn(name, schema.fields.map((f) => f.name));
  return i;
}

/** Checks a column's type against a predicate; exit 65 naming both types otherwise. */
export function requireColumnType(schema: Schema, name: string, expected: string, accept: (t: DataType) => boolean): number {
  const i = requireColumn(schema, name);
  const type = schema.fields[i].type;
  if (!accept(type)) throw errors.wrongColumnType(name, expected, typeName(type));
  return i;
}

/** A batch with only the named columns, in the given order (zero copy). */
export function selectColumns(batch: RecordBatch, schema: Schema, indices: number[]): RecordBatch {
  const fields = indices.map((i) => schema.fields[i]);
  const children = indices.map((i) => batch.data.children[i]);
  const out = new Schema(fields, schema.metadata);
  return new RecordBatch(out, makeData({ type: new Struct(fields), length: batch.numRows, children, nullCount: 0 }));
}

/** Assembles a batch from columns of equal length. */
export function makeBatch(schema: Schema, columns: Data[], length?: number): RecordBatch {
  const n = length ?? (columns.length > 0 ? columns[0].length : 0);
  for (let i = 0; i < columns.length; i++) {
    if (columns[i].length !== n) throw errors.internal(`column ${schema.fields[i]?.name} has ${columns[i].length} rows, expected ${n}`);
  }
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, children: columns, nullCount: 0 }));
}

/** Replaces some columns of a batch and appends others (zero copy for the rest). */
export function withColumns(batch: RecordBatch, schema: Schema, columns: Data[]): RecordBatch {
  return makeBatch(schema, columns, batch.numRows);
}

export function countNulls(validity: Uint8Array | null | undefined, length: number): number {
  if (!validity) return 0;
  let valid = 0;
  const full = length >> 3;
  for (let i = 0; i < full; i++) valid += POPCOUNT[validity[i]];
  for (let i = full << 3; i < length; i++) if (validity[i >> 3] & (1 << (i & 7))) valid++;
  return length - valid;
}

const POPCOUNT = new Uint8Array(256);
for (let i = 0; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

function validityArgs(validity: Uint8Array | null | undefined, length: number) {
  const nullCount = countNulls(validity, length);
  return nullCount > 0 ? { nullBitmap: validity!, nullCount } : { nullCount: 0 };
}

/** Column builders over typed arrays (zero copy): the hot paths never box values. */
export const column = {
  int32: (values: Int32Array, validity?: Uint8Array | null) =>
    makeData({ type: new Int32(), length: values.length, data: values, ...validityArgs(validity, values.length) }),
  uint32: (values: Uint32Array, validity?: Uint8Array | null) =>
    makeData({ type: new Uint32(), length: values.length, data: values, ...validityArgs(validity, values.length) }),
  int64: (values: BigInt64Array, validity?: Uint8Array | null) =>
    makeData({ type: new Int64(), length: values.length, data: values, ...validityArgs(validity, values.length) }),
  uint64: (values: BigUint64Array, validity?: Uint8Array | null) =>
    makeData({ type: new Uint64(), length: values.length, data: values, ...validityArgs(validity, values.length) }),
  float32: (values: Float32Array, validity?: Uint8Array | null) =>
    makeData({ type: new Float32(), length: values.length, data: values, ...validityArgs(validity, values.length) }),
  float64: (values: Float64Array, validity?: Uint8Array | null) =>
    makeData({ type: new Float64(), length: values.length, data: values, ...validityArgs(validity, values.length) }),
  /** Any fixed-width type over a typed array of its storage. */
  fixed: <T extends DataType>(type: T, values: ArrayBufferView, length: number, validity?: Uint8Array | null) =>
    makeData({ type, length, data: values as any, ...validityArgs(validity, length) } as any) as Data<T>,
  bool: (bits: Uint8Array, length: number, validity?: Uint8Array | null) =>
    makeData({ type: new Bool(), length, data: bits, ...validityArgs(validity, length) }),
  utf8: (offsets: Int32Array, bytes: Uint8Array, validity?: Uint8Array | null) =>
    makeData({ type: new Utf8(), length: offsets.length - 1, valueOffsets: offsets, data: bytes, ...validityArgs(validity, offsets.length - 1) }),
  binary: (offsets: Int32Array, bytes: Uint8Array, validity?: Uint8Array | null) =>
    makeData({ type: new Binary(), length: offsets.length - 1, valueOffsets: offsets, data: bytes, ...validityArgs(validity, offsets.length - 1) }),
  /** Dictionary-encoded column: int32 codes into `dictionary`. */
  dictionary: (type: Dictionary, codes: Int32Array, dictionary: Vector, validity?: Uint8Array | null) =>
    makeData({ type, length: codes.length, data: codes, dictionary, ...validityArgs(validity, codes.length) }),
};

/** Packs an array of UTF-8 strings into offsets + bytes (for small tables and dictionaries). */
export function utf8Column(values: (string | null)[]): Data<Utf8> {
  const enc = new TextEncoder();
  const parts = values.map((v) => (v === null ? null : enc.encode(v)));
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    total += parts[i]?.length ?? 0;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  let validity: Uint8Array | null = null;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p) bytes.set(p, offsets[i]);
    else {
      validity ??= new Uint8Array((values.length + 7) >> 3).fill(0xff);
      validity[i >> 3] &= ~(1 << (i & 7));
    }
  }
  return column.utf8(offsets, bytes, validity);
}

/** A dictionary<int32, utf8> vector of the given strings, for dictionary columns. */
export function dictionaryValues(values: string[]): Vector<Utf8> {
  return new Vector([utf8Column(values)]);
}

/** True for the integer types (signed or not) of any width. */
export const isInteger = (t: DataType) => t.typeId === Type.Int;
export const isFloat = (t: DataType) => t.typeId === Type.Float;
export const isNumeric = (t: DataType) => t.typeId === Type.Int || t.typeId === Type.Float;
export const isTimestamp = (t: DataType) => t.typeId === Type.Timestamp;
export const isStringLike = (t: DataType) => t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8;

export function field(name: string, type: DataType, nullable = true, metadata?: Map<string, string>): Field {
  return new Field(name, type, nullable, metadata);
}

import { Data, DataType, Field, makeData, RecordBatch, Struct, Type, vectorFromArray, Vector } from 'apache-arrow';
import { toArrowSchema } from './arrow-mapping.js';
import type { SchemaModel } from './model.js';

/**
 * Records as plain values, for small inputs, demos and tests: keyed by field name;
 * int64/uint64 as bigint, top-level timestamps as bigint microseconds, enums as value names, messages as objects,
 * repeated fields as arrays, maps as arrays of [key, value], bytes as Uint8Array,
 * absent or null as null. This goes through apache-arrow's own builders, not the
 * resolver's kernels, so the two can be held against each other.
 */
export type PlainRecord = Record<string, unknown>;

/** A batch under a schema's Arrow mapping, built value by value. */
export function recordsToBatch(model: SchemaModel, records: readonly PlainRecord[], metadata: Record<string, string> = {}): RecordBatch {
  const schema = toArrowSchema(model, metadata);
  const children = schema.fields.map((f) => columnData(f, records.map((r) => r[f.name] ?? null)));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: records.length, nullCount: 0, children }));
}

function toBuilderValue(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case Type.Struct: {
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const c of type.children as Field[]) out[c.name] = toBuilderValue(c.type, obj[c.name] ?? null);
      return out;
    }
    case Type.List:
      return (value as unknown[]).map((v) => toBuilderValue(type.children[0].type, v));
    case Type.Map: {
      const entries = type.children[0].type.children as Field[];
      return new Map((value as [unknown, unknown][]).map(([k, v]) => [toBuilderValue(entries[0].type, k), toBuilderValue(entries[1].type, v)]));
    }
    default:
      return value;
  }
}

function columnData(field: Field, values: unknown[]): Data {
  if (field.type.typeId === Type.Timestamp) return timestampData(field.type, values as (bigint | null)[]);
  const vector = vectorFromArray(
    values.map((v) => toBuilderValue(field.type, v)),
    field.type,
  );
  const data = vector.data.length === 1 ? vector.data[0] : new Vector(vector.data).data[0];
  return data;
}

/** Timestamps as exact bigint values of the column's unit (apache-arrow's builders take milliseconds as numbers). */
function timestampData(type: DataType, values: (bigint | null)[]): Data {
  const n = values.length;
  const out = new BigInt64Array(n);
  const validity = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined) nulls++;
    else {
      out[i] = BigInt(v);
      validity[i >> 3] |= 1 << (i & 7);
    }
  });
  return makeData({ type, length: n, data: out, nullCount: nulls, nullBitmap: nulls > 0 ? validity : null } as any);
}

/** The rows of a batch as plain records (the inverse of recordsToBatch), keyed by column name. */
export function batchToRecords(batch: RecordBatch): PlainRecord[] {
  const out: PlainRecord[] = [];
  const columns = batch.schema.fields.map((f, i) => ({ field: f, vector: new Vector([batch.data.children[i]]) }));
  for (let row = 0; row < batch.numRows; row++) {
    const rec: PlainRecord = {};
    for (const { field, vector } of columns) {
      rec[field.name] = field.type.typeId === Type.Timestamp ? timestampAt(vector.data[0], row) : plainValue(field.type, vector.get(row));
    }
    out.push(rec);
  }
  return out;
}

function timestampAt(data: Data, row: number): bigint | null {
  if (!data.getValid(row)) return null;
  return (data.values as BigInt64Array)[row];
}

function plainValue(type: DataType, value: any): unknown {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case Type.Struct: {
      const out: Record<string, unknown> = {};
      for (const c of type.children as Field[]) out[c.name] = plainValue(c.type, value[c.name]);
      return out;
    }
    case Type.List: {
      const items: unknown[] = [];
      for (const v of value as Iterable<unknown>) items.push(plainValue(type.children[0].type, v));
      return items;
    }
    case Type.Map: {
      const entries = type.children[0].type.children as Field[];
      const pairs: [unknown, unknown][] = [];
      for (const [k, v] of value as Iterable<[unknown, unknown]>) pairs.push([plainValue(entries[0].type, k), plainValue(entries[1].type, v)]);
      return pairs;
    }
    case Type.Binary:
      return Uint8Array.from(value as Uint8Array);
    default:
      return value;
  }
}

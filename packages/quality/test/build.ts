import { Field, FixedSizeList, Float32, Float64, Int32, Schema, Struct, TimestampMillisecond, Uint32, Uint64, Utf8, makeData, RecordBatch, type Data } from 'apache-arrow';
import { batchStream, column, utf8Column, type BatchStream } from '@recdata/core';

export interface EventRow {
  user: number;
  item: number | null;
  ts: number;
  action?: string;
  duration?: number;
}

function validityOf(nulls: boolean[]): Uint8Array | null {
  if (!nulls.some((x) => x)) return null;
  const v = new Uint8Array((nulls.length + 7) >> 3);
  nulls.forEach((isNull, i) => {
    if (!isNull) v[i >> 3] |= 1 << (i & 7);
  });
  return v;
}

/** Events as a stream of batches of `batchRows` rows: user_id uint64, item_id uint64, ts timestamp[ms], action utf8, duration_ms uint32. */
export function eventStream(rows: EventRow[], batchRows = 1000): BatchStream {
  const schema = new Schema([
    new Field('user_id', new Uint64(), false),
    new Field('item_id', new Uint64(), true),
    new Field('ts', new TimestampMillisecond(), true),
    new Field('action', new Utf8(), false),
    new Field('duration_ms', new Uint32(), false),
  ]);
  const batches: RecordBatch[] = [];
  for (let start = 0; start < rows.length; start += batchRows) {
    const part = rows.slice(start, start + batchRows);
    const ts = new BigInt64Array(part.map((r) => BigInt(Math.round(Number.isNaN(r.ts) ? 0 : r.ts))));
    const cols: Data[] = [
      column.uint64(BigUint64Array.from(part, (r) => BigInt(r.user))),
      column.uint64(BigUint64Array.from(part, (r) => BigInt(r.item ?? 0)), validityOf(part.map((r) => r.item === null))),
      column.fixed(new TimestampMillisecond(), ts, part.length, validityOf(part.map((r) => Number.isNaN(r.ts)))),
      utf8Column(part.map((r) => r.action ?? 'view')),
      column.uint32(Uint32Array.from(part, (r) => r.duration ?? 0)),
    ];
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: part.length, children: cols, nullCount: 0 })));
  }
  return batchStream(schema, batches);
}

/** One batch of arbitrary columns. */
export function table(fields: Field[], cols: Data[]): BatchStream {
  const schema = new Schema(fields);
  const n = cols[0]?.length ?? 0;
  return batchStream(schema, n === 0 ? [] : [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, children: cols, nullCount: 0 }))]);
}

export function float64(values: (number | null)[]): Data {
  return column.float64(Float64Array.from(values, (v) => v ?? 0), validityOf(values.map((v) => v === null)));
}

export function int32(values: number[]): Data {
  return column.int32(Int32Array.from(values));
}

/** A fixed_size_list<float32>[dim] column. */
export function embeddings(vectors: (number[] | null)[], dim: number, child: 'float32' | 'float64' = 'float32'): Data {
  const flat = child === 'float32' ? new Float32Array(vectors.length * dim) : new Float64Array(vectors.length * dim);
  vectors.forEach((v, i) => v && flat.set(v, i * dim));
  const childType = child === 'float32' ? new Float32() : new Float64();
  const childData = makeData({ type: childType, length: vectors.length * dim, data: flat as Float32Array, nullCount: 0 } as never);
  const type = new FixedSizeList(dim, new Field('item', childType, false));
  const validity = validityOf(vectors.map((v) => v === null));
  return makeData({ type, length: vectors.length, child: childData, ...(validity ? { nullBitmap: validity, nullCount: vectors.filter((v) => v === null).length } : { nullCount: 0 }) } as never);
}

export { Field, Float64, Int32, Utf8, Uint64, FixedSizeList, Float32 };

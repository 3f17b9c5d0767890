/**
 * `blob-store put` from an Arrow stream: one object per row from a binary column
 * (Binary, LargeBinary or Utf8), every other column of a plain type (integers,
 * floats, bool, utf8, dictionary utf8) becoming a metadata column of the row.
 */
import { DataType, Type, type RecordBatch } from 'apache-arrow';
import { errors, typeName, type BatchStream } from '@recdata/core';
import { checkColumnName, type BlobStore, type MetaValue, type PutResult } from './store.js';

const BINARY = new Set<Type>([Type.Binary, Type.LargeBinary, Type.Utf8, Type.LargeUtf8]);
const META = new Set<Type>([Type.Int, Type.Float, Type.Bool, Type.Utf8, Type.LargeUtf8, Type.Dictionary]);

function metaOf(v: unknown): MetaValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

/** The binary column to store: `column` when given, else the stream's only Binary column. */
export function pickBinaryColumn(stream: BatchStream, column: string | undefined): string {
  const fields = stream.schema.fields;
  if (column !== undefined) {
    const f = fields.find((x) => x.name === column);
    if (!f) throw errors.missingColumn(column, fields.map((x) => x.name));
    if (!BINARY.has(f.type.typeId)) throw errors.wrongColumnType(column, 'binary, large binary or utf8', typeName(f.type));
    return column;
  }
  const binaries = fields.filter((f) => f.type.typeId === Type.Binary || f.type.typeId === Type.LargeBinary);
  if (binaries.length !== 1) throw errors.badInput(`the input has ${binaries.length === 0 ? 'no' : binaries.length} binary columns (${fields.map((f) => `${f.name}: ${typeName(f.type)}`).join(', ')}); name the objects' column with --column`);
  return binaries[0].name;
}

export async function putArrow(store: BlobStore, stream: BatchStream, options: { column?: string; mime?: string | null; nameColumn?: string | null; meta?: Record<string, MetaValue>; onPut?: (r: PutResult, row: number) => void }): Promise<number> {
  const column = pickBinaryColumn(stream, options.column);
  const metaFields = stream.schema.fields.filter((f) => f.name !== column && META.has(f.type.typeId) && (f.type.typeId !== Type.Dictionary || (f.type as DataType & { dictionary: DataType }).dictionary.typeId === Type.Utf8));
  for (const f of metaFields) checkColumnName(f.name);
  let row = 0;
  for await (const batch of stream as AsyncIterable<RecordBatch>) {
    const objects = batch.getChild(column)!;
    const metas = metaFields.map((f) => ({ name: f.name, vector: batch.getChild(f.name)! }));
    for (let i = 0; i < batch.numRows; i++, row++) {
      const v = objects.get(i) as Uint8Array | string | null;
      if (v === null) throw errors.badInput(`column "${column}" is null at row ${row}: every row must hold an object`, { column, row });
      const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v;
      const meta: Record<string, MetaValue> = { ...options.meta };
      for (const m of metas) meta[m.name] = metaOf(m.vector.get(i));
      const name = options.nameColumn ? String(batch.getChild(options.nameColumn)?.get(i) ?? '') || null : null;
      options.onPut?.(store.put(bytes, { mime: options.mime ?? null, meta, name }), row);
    }
  }
  return row;
}

/** `blob-store ls` rows as text (tab-separated, a header line) or as an Arrow batch. */
import { Field, Float64, Int64, makeData, RecordBatch, Schema, Utf8, type Data } from 'apache-arrow';
import { makeBatch } from '@recdata/core';
import type { BlobRow } from './store.js';

/** Each column's Arrow type: Int64 when every value is an integer, Float64 when a number, else Utf8. */
export function lsSchema(columns: string[], rows: BlobRow[]): Schema {
  return new Schema(
    columns.map((c) => {
      const values = rows.map((r) => r[c]).filter((v) => v !== null && v !== undefined);
      const type = c !== 'key' && c !== 'name' && c !== 'mime' && c !== 'created' && values.length > 0 && values.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) ? new Int64() : values.length > 0 && values.every((v) => typeof v === 'number' || typeof v === 'bigint') && c !== 'key' ? new Float64() : new Utf8();
      return new Field(c, c === 'size' ? new Int64() : type, !['key', 'size', 'mime', 'created'].includes(c));
    }),
  );
}

function utf8Data(values: (string | null)[]): Data {
  const enc = new TextEncoder();
  const parts = values.map((v) => (v === null ? new Uint8Array(0) : enc.encode(v)));
  const offsets = new Int32Array(values.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
  const bytes = new Uint8Array(offsets[values.length]);
  parts.forEach((p, i) => bytes.set(p, offsets[i]));
  return makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data: bytes, ...nulls(values) } as never) as Data;
}

function nulls(values: unknown[]): { nullBitmap?: Uint8Array; nullCount: number } {
  const n = values.filter((v) => v === null || v === undefined).length;
  if (n === 0) return { nullCount: 0 };
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => v !== null && v !== undefined && (bitmap[i >> 3] |= 1 << (i & 7)));
  return { nullBitmap: bitmap, nullCount: n };
}

export function lsBatch(schema: Schema, rows: BlobRow[]): RecordBatch {
  const columns = schema.fields.map((f) => {
    const values = rows.map((r) => r[f.name] ?? null);
    if (f.type instanceof Int64) return makeData({ type: new Int64(), length: rows.length, data: BigInt64Array.from(values, (v) => (v === null ? 0n : BigInt(v as number))), ...nulls(values) } as never) as Data;
    if (f.type instanceof Float64) return makeData({ type: new Float64(), length: rows.length, data: Float64Array.from(values, (v) => (v === null ? 0 : Number(v))), ...nulls(values) } as never) as Data;
    return utf8Data(values.map((v) => (v === null ? null : String(v))));
  });
  return makeBatch(schema, columns, rows.length);
}

/** Tab-separated text: a header line, then one line per row (tabs and newlines in values escaped). */
export function lsText(columns: string[], rows: BlobRow[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'));
  return [columns.join('\t'), ...rows.map((r) => columns.map((c) => cell(r[c])).join('\t'))].join('\n') + '\n';
}

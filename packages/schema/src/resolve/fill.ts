import { Data, DataType, Dictionary, Field, makeData, Type, Vector } from 'apache-arrow';
import { utf8Column } from '@recdata/core';
import type { FieldDef } from '../model.js';

/**
 * Columns for fields the data does not have: the field's declared default (proto2
 * `[default = ...]`) in every row, else null in every row. A column depends only on
 * its length, so each is built once per length and shared between batches.
 */
export type Fill = (length: number) => Data;

export function makeFill(type: DataType, field: FieldDef | undefined): Fill {
  const cache = new Map<number, Data>();
  const build = field?.default !== undefined && field.cardinality !== 'repeated' ? (n: number) => defaultData(type, field.default!, n) : (n: number) => nullData(type, n);
  return (length) => {
    let data = cache.get(length);
    if (!data) {
      if (cache.size >= 4) cache.clear();
      data = build(length);
      cache.set(length, data);
    }
    return data;
  };
}

function zeros(n: number): Uint8Array {
  return new Uint8Array((n + 7) >> 3);
}

function fixedArray(type: DataType, n: number): ArrayBufferView {
  const t = type as DataType & { ArrayType: new (n: number) => ArrayBufferView };
  const stride = type.typeId === Type.FixedSizeBinary ? (type as any).byteWidth : type.typeId === Type.Decimal ? (type as any).bitWidth / 32 : 1;
  return new t.ArrayType(n * stride);
}

/** A column of `n` nulls of any type (children and dictionaries included, buffers full length). */
export function nullData(type: DataType, n: number): Data {
  const nulls = { nullCount: n, nullBitmap: zeros(n) };
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length: n } as any);
    case Type.Bool:
      return makeData({ type, length: n, data: zeros(n), ...nulls } as any);
    case Type.Utf8:
    case Type.Binary:
      return makeData({ type, length: n, valueOffsets: new Int32Array(n + 1), data: new Uint8Array(0), ...nulls } as any);
    case Type.List:
    case Type.Map:
      return makeData({ type, length: n, valueOffsets: new Int32Array(n + 1), child: nullData(type.children[0].type, 0), ...nulls } as any);
    case Type.Struct:
      return makeData({ type, length: n, children: type.children.map((f: Field) => nullData(f.type, n)), ...nulls } as any);
    case Type.Dictionary: {
      const dict = type as Dictionary;
      return makeData({ type, length: n, data: fixedArray(dict.indices, n), dictionary: new Vector([nullData(dict.dictionary, 0)]), ...nulls } as any);
    }
    default:
      return makeData({ type, length: n, data: fixedArray(type, n), ...nulls } as any);
  }
}

const enc = new TextEncoder();

/** A column of `n` copies of a canonical default (see canonicalDefault in proto/parse.ts). */
export function defaultData(type: DataType, text: string, n: number): Data {
  switch (type.typeId) {
    case Type.Int: {
      const values = fixedArray(type, n) as Int32Array | BigInt64Array;
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) values.fill(BigInt(text) as never);
      else (values as Int32Array).fill(Number(text));
      return makeData({ type, length: n, data: values, nullCount: 0 } as any);
    }
    case Type.Float: {
      const values = fixedArray(type, n) as Float64Array;
      values.fill(text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text === 'nan' ? NaN : Number(text));
      return makeData({ type, length: n, data: values, nullCount: 0 } as any);
    }
    case Type.Bool: {
      const bits = new Uint8Array((n + 7) >> 3);
      if (text === 'true') bits.fill(0xff);
      return makeData({ type, length: n, data: bits, nullCount: 0 } as any);
    }
    case Type.Utf8:
    case Type.Binary: {
      const value = JSON.parse(text) as string;
      const one = type.typeId === Type.Utf8 ? enc.encode(value) : Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff);
      const offsets = new Int32Array(n + 1);
      const bytes = new Uint8Array(one.length * n);
      for (let i = 0; i < n; i++) {
        bytes.set(one, i * one.length);
        offsets[i + 1] = (i + 1) * one.length;
      }
      return makeData({ type, length: n, valueOffsets: offsets, data: bytes, nullCount: 0 } as any);
    }
    case Type.Dictionary: {
      const dict = type as Dictionary;
      return makeData({ type, length: n, data: fixedArray(dict.indices, n), dictionary: new Vector([utf8Column([text])]), nullCount: 0 } as any);
    }
    default:
      return nullData(type, n);
  }
}

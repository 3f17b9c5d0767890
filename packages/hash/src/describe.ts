// From Arrow columns to hash steps: which bytes each type hashes (docs/hash-spec.md,
// "Bytes hashed per Arrow type"), pointing into the column's own buffers (no copy).
import { Data, DataType, DateUnit, IntervalUnit, makeData, Precision, Type, vectorFromArray, type Dictionary, type Vector } from 'apache-arrow';
import { ValueKind, type HashStep, type IndexArray, type ValueSource } from './job.js';

/** Bytes per value of a fixed-width type, or 0 when the type is not fixed-width. */
export function fixedWidth(type: DataType): number {
  const t = type as any;
  switch (type.typeId) {
    case Type.Int:
      return t.bitWidth / 8;
    case Type.Date:
      return t.unit === DateUnit.DAY ? 4 : 8;
    case Type.Time:
      return t.bitWidth / 8;
    case Type.Timestamp:
    case Type.Duration:
      return 8;
    case Type.Decimal:
      return t.bitWidth / 8;
    case Type.FixedSizeBinary:
      return t.byteWidth;
    case Type.Interval:
      return t.unit === IntervalUnit.YEAR_MONTH ? 4 : t.unit === IntervalUnit.DAY_TIME ? 8 : 16;
    default:
      return 0;
  }
}

/** True for the types whose values hash directly (not lists, not dictionaries). */
export function isHashableLeaf(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Null:
    case Type.Float:
    case Type.Bool:
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return true;
    default:
      return fixedWidth(type) > 0;
  }
}

export function isListType(type: DataType): boolean {
  return type.typeId === Type.List || type.typeId === Type.LargeList || type.typeId === Type.FixedSizeList;
}

/** A value type that --cols accepts: a leaf, a dictionary of a leaf, or lists of those. */
export function isHashableType(type: DataType): boolean {
  if (DataType.isDictionary(type)) return isHashableLeaf((type as Dictionary).dictionary);
  if (isListType(type)) return isHashableType(type.children[0].type);
  return isHashableLeaf(type);
}

/** A value type that --cross accepts: no lists (a cross of lists would be a product). */
export function isCrossableType(type: DataType): boolean {
  return isHashableType(type) && !isListType(type);
}

export const HASHABLE_TYPES =
  'an integer, float, bool, utf8, binary, fixed-size binary, decimal, date, time, timestamp, duration or interval column, a dictionary of one, or a list of these';

function validityOf(data: Data): { validity: Uint8Array | null; validityOffset: number } {
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return { validity: null, validityOffset: 0 };
  return { validity: bitmap, validityOffset: data.offset };
}

function bytesOf(view: ArrayBufferView | undefined, bytes: number): Uint8Array {
  if (!view || bytes === 0) return new Uint8Array(0);
  return new Uint8Array(view.buffer, view.byteOffset, Math.min(bytes, view.byteLength));
}

/** The values of a leaf column (not a dictionary, not a list). */
export function describeValues(data: Data): ValueSource {
  const type = data.type;
  const length = data.length;
  const { validity, validityOffset } = validityOf(data);
  const base = { length, validity, validityOffset, bitOffset: 0, offsets: null, width: 0 };
  switch (type.typeId) {
    case Type.Null:
      return { ...base, kind: ValueKind.null, data: new Uint8Array(0), validity: null };
    case Type.Float: {
      const precision = (type as any).precision as Precision;
      const width = precision === Precision.HALF ? 2 : precision === Precision.SINGLE ? 4 : 8;
      const kind = width === 2 ? ValueKind.float16 : width === 4 ? ValueKind.float32 : ValueKind.float64;
      return { ...base, kind, width, data: bytesOf(data.values, length * width) };
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array | undefined;
      return { ...base, kind: ValueKind.bool, width: 1, data: bits ?? new Uint8Array(0), bitOffset: data.offset };
    }
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const large = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary;
      const values = data.values as Uint8Array | undefined;
      let offsets = data.valueOffsets as Int32Array | BigInt64Array | undefined;
      if (!offsets || offsets.length < length + 1) offsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
      return { ...base, kind: large ? ValueKind.var64 : ValueKind.var32, data: values ?? new Uint8Array(0), offsets };
    }
    default: {
      const width = fixedWidth(type);
      if (width === 0) throw new TypeError(`no hash bytes defined for ${String(type)}`);
      return { ...base, kind: ValueKind.fixed, width, data: bytesOf(data.values, length * width) };
    }
  }
}

// A dictionary read from a stream with delta batches is a vector of several
// chunks; the kernels want one. Rare, so concatenated once per dictionary (byte
// for byte: nothing is reinterpreted) and cached.
const flattened = new WeakMap<Vector, Data>();

function dictionaryData(dictionary: Vector): Data {
  if (dictionary.data.length === 1) return dictionary.data[0];
  let data = flattened.get(dictionary);
  if (!data) {
    data = concatLeaves(dictionary.data);
    flattened.set(dictionary, data);
  }
  return data;
}

/** One leaf Data holding the chunks one after another. */
export function concatLeaves(chunks: readonly Data[]): Data {
  const type = chunks[0].type;
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const sources = chunks.map(describeValues);
  const nullBitmap = new Uint8Array((length + 7) >>> 3);
  let nullCount = 0;
  let row = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++, row++) {
      if (c.getValid(i)) nullBitmap[row >>> 3] |= 1 << (row & 7);
      else nullCount++;
    }
  }
  const validity = nullCount > 0 ? { nullBitmap, nullCount } : { nullCount: 0 };
  const kind = sources[0].kind;
  if (kind === ValueKind.null) return makeData({ type, length } as any);
  if (kind === ValueKind.bool) {
    const bits = new Uint8Array((length + 7) >>> 3);
    let at = 0;
    for (const src of sources) {
      for (let j = 0; j < src.length; j++, at++) {
        const b = src.bitOffset + j;
        if ((src.data[b >>> 3] >>> (b & 7)) & 1) bits[at >>> 3] |= 1 << (at & 7);
      }
    }
    return makeData({ type, length, data: bits, ...validity } as any);
  }
  if (kind === ValueKind.var32 || kind === ValueKind.var64) {
    const large = kind === ValueKind.var64;
    const offsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
    const parts: Uint8Array[] = [];
    let bytes = 0;
    let at = 0;
    for (const src of sources) {
      const o = src.offsets!;
      const first = Number(o[0]);
      for (let j = 0; j < src.length; j++) offsets[++at] = (large ? BigInt(bytes + Number(o[j + 1]) - first) : bytes + Number(o[j + 1]) - first) as never;
      const end = Number(o[src.length]);
      parts.push(src.data.subarray(first, end));
      bytes += end - first;
    }
    const data = new Uint8Array(bytes);
    let p = 0;
    for (const part of parts) {
      data.set(part, p);
      p += part.length;
    }
    return makeData({ type, length, valueOffsets: offsets, data, ...validity } as any);
  }
  const width = sources[0].width;
  const data = new Uint8Array(length * width);
  let p = 0;
  for (const src of sources) {
    data.set(src.data.subarray(0, src.length * width), p);
    p += src.length * width;
  }
  const ArrayType = (type as any).ArrayType as { new (b: ArrayBuffer, o: number, n: number): ArrayBufferView; BYTES_PER_ELEMENT: number } | undefined;
  const values = ArrayType && ArrayType.BYTES_PER_ELEMENT ? new ArrayType(data.buffer, 0, data.byteLength / ArrayType.BYTES_PER_ELEMENT) : data;
  return makeData({ type, length, data: values, ...validity } as any);
}

/** One hash step over a leaf or dictionary column: the kernels' view of its bytes. */
export function describeStep(data: Data): HashStep {
  if (DataType.isDictionary(data.type)) {
    const dictionary = data.dictionary as Vector | undefined;
    const values = dictionary ? describeValues(dictionaryData(dictionary)) : describeValues(emptyOf((data.type as Dictionary).dictionary));
    const { validity, validityOffset } = validityOf(data);
    const indices = (data.values as IndexArray | undefined) ?? new Int32Array(data.length);
    return { values, indices, indexValidity: validity, indexValidityOffset: validityOffset };
  }
  return { values: describeValues(data), indices: null, indexValidity: null, indexValidityOffset: 0 };
}

function emptyOf(type: DataType): Data {
  return vectorFromArray([], type).data[0];
}

/**
 * Arrow columns to lanes (widening, dictionary codes mapped into one stream-wide
 * dictionary) and lanes back to Arrow columns of the exact input type (narrowing).
 */
import { Binary, Data, DataType, Dictionary, makeData, Type, Utf8, Vector } from 'apache-arrow';
import { errors } from '@recdata/core';
import { bytesKey, type StringTable } from '../codec/values.js';
import { LANE_DICT, LANE_FLOAT32, LANE_STRING, type LaneKind } from '../format/header.js';
import { IntLaneBuilder, StringLaneBuilder, type LaneBuilder } from './builders.js';
import type { Lane } from './lane.js';

/** The native widening kernel (seq.cc), when the native backend is in use. */
export interface Widen {
  seqWiden(src: ArrayBufferView, dst: BigInt64Array, at: number, mapping?: Int32Array, validity?: Uint8Array | null, validityOffset?: number): number;
}

type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

function isValidBit(bitmap: Uint8Array, i: number): boolean {
  return (bitmap[i >> 3] & (1 << (i & 7))) !== 0;
}

/** Copies validity of rows [0, n) of `data` into builder rows [at, at + n); leaves all-valid columns alone. */
function appendValidity(b: LaneBuilder, data: Data, at: number, n: number): void {
  if (data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0) {
    const v = b.validity();
    const bm = data.nullBitmap;
    const off = data.offset;
    for (let i = 0; i < n; i++) v[at + i] = isValidBit(bm, off + i) ? 1 : 0;
  } else if (b.valid) b.valid.fill(1, at, at + n);
}

/** 32-bit words of a typed array's elements (a view, no copy). */
function words32(values: TypedArray): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
}

/**
 * Widens `n` fixed-width values into 64-bit lane words at `at`: signed types are
 * sign-extended, unsigned types and float bit patterns zero-extended.
 */
function widen(out: Int32Array, at: number, values: TypedArray, n: number): void {
  const bpe = values.BYTES_PER_ELEMENT;
  if (bpe === 8) {
    out.set(words32(values).subarray(0, 2 * n), 2 * at);
    return;
  }
  let src: TypedArray = values;
  if (values instanceof Float32Array) src = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const signed = src instanceof Int8Array || src instanceof Int16Array || src instanceof Int32Array;
  for (let i = 0; i < n; i++) {
    const v = src[i] as number;
    out[2 * (at + i)] = v;
    out[2 * (at + i) + 1] = signed && v < 0 ? -1 : 0;
  }
}

/**
 * The stream-wide dictionary of one dictionary column: every string seen in any
 * of the input's dictionaries, in order of first appearance. Input codes are
 * mapped through it, so replaced or delta dictionaries mean the same strings.
 */
export class DictionaryUnion {
  private readonly strings: Uint8Array[] = [];
  private readonly index = new Map<string, number>();
  private readonly mappings = new WeakMap<Vector, Int32Array>();
  /** Set once the header is written (streaming input): a new string then is an error. */
  frozen = false;
  readonly column: string;

  constructor(column: string) {
    this.column = column;
  }

  get size(): number {
    return this.strings.length;
  }

  mappingFor(dictionary: Vector, row: number): Int32Array {
    const cached = this.mappings.get(dictionary);
    if (cached) return cached;
    const mapping = new Int32Array(dictionary.length);
    let k = 0;
    for (const chunk of dictionary.data) {
      const o = chunk.valueOffsets as Int32Array;
      const bytes = chunk.values as Uint8Array;
      for (let i = 0; i < chunk.length; i++, k++) {
        if (chunk.nullCount > 0 && chunk.nullBitmap && !isValidBit(chunk.nullBitmap, chunk.offset + i)) {
          mapping[k] = -1;
          continue;
        }
        const key = bytesKey(bytes, o[i], o[i + 1]);
        let id = this.index.get(key);
        if (id === undefined) {
          if (this.frozen) {
            throw errors.badInput(
              `the dictionary of column "${this.column}" gains the value ${JSON.stringify(Buffer.from(key, 'latin1').toString('utf8'))} after the stream header was written; without --presorted, seq-encode reads the whole input first and takes every dictionary value`,
              { column: this.column, row },
            );
          }
          id = this.strings.length;
          this.strings.push(bytes.slice(o[i], o[i + 1]));
          this.index.set(key, id);
        }
        mapping[k] = id;
      }
    }
    this.mappings.set(dictionary, mapping);
    return mapping;
  }

  toTable(): StringTable {
    const offsets = new Int32Array(this.strings.length + 1);
    let total = 0;
    this.strings.forEach((s, i) => {
      total += s.length;
      offsets[i + 1] = total;
    });
    const bytes = new Uint8Array(total);
    this.strings.forEach((s, i) => bytes.set(s, offsets[i]));
    return { offsets, bytes };
  }
}

/**
 * Appends a batch's column (all `data.length` rows) to a lane builder. `row` is
 * the input row of the batch's first row (for messages).
 */
export function appendColumn(b: LaneBuilder, data: Data, lane: LaneKind, dict: DictionaryUnion | null, row: number, native: Widen | null = null): void {
  const n = data.length;
  if (n === 0) return;
  const at = b.length;
  if (lane === LANE_STRING) {
    const sb = b as StringLaneBuilder;
    const o = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    sb.reserve(n, o[n] - o[0]);
    const base = sb.offsets[at] - o[0];
    sb.bytes.set(bytes.subarray(o[0], o[n]), sb.offsets[at]);
    for (let i = 1; i <= n; i++) sb.offsets[at + i] = o[i] + base;
    appendValidity(sb, data, at, n);
    sb.length += n;
    return;
  }
  const ib = b as IntLaneBuilder;
  ib.reserve(n);
  if (lane === LANE_DICT) {
    const mapping = dict!.mappingFor(data.dictionary as Vector, row);
    const codes = data.values as TypedArray;
    const w = ib.words;
    const hasNulls = data.nullCount > 0;
    // The native kernel maps every code, or names the first row it cannot; the loop
    // below then gives that row's message.
    const bad = native ? native.seqWiden(codes.subarray(0, n), ib.values, at, mapping, hasNulls ? data.nullBitmap! : null, data.offset) : 0;
    for (let i = bad < 0 ? n : Math.max(0, bad); i < n; i++) {
      let id = 0;
      if (!hasNulls || isValidBit(data.nullBitmap!, data.offset + i)) {
        const c = Number(codes[i]);
        id = c >= 0 && c < mapping.length ? mapping[c] : -2;
        if (id < 0) {
          const what = id === -2 ? `is outside its dictionary of ${mapping.length} values` : 'points at a null dictionary value';
          throw errors.badInput(`dictionary index ${c} ${what}`, { column: dict!.column, row: row + i });
        }
      }
      w[2 * (at + i)] = id;
      w[2 * (at + i) + 1] = 0;
    }
  } else if (data.type.typeId === Type.Bool) {
    const bits = data.values as Uint8Array;
    const w = ib.words;
    const off = data.offset;
    for (let i = 0; i < n; i++) {
      w[2 * (at + i)] = isValidBit(bits, off + i) ? 1 : 0;
      w[2 * (at + i) + 1] = 0;
    }
  } else if (native) {
    native.seqWiden((data.values as TypedArray).subarray(0, n), ib.values, at);
  } else {
    widen(ib.words, at, data.values as TypedArray, n);
  }
  appendValidity(ib, data, at, n);
  ib.length += n;
}

// ---- back to Arrow ---------------------------------------------------------

function bitmapOf(valid: Uint8Array | null, n: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!valid) return { nullCount: 0 };
  let nulls = 0;
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (valid[i]) bitmap[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  return nulls > 0 ? { nullBitmap: bitmap, nullCount: nulls } : { nullCount: 0 };
}

/** Narrows a 64-bit lane to the storage of `type` (a copy, except for 8-byte types). */
function narrow(type: DataType, values: BigInt64Array): TypedArray {
  const T = (type as DataType & { ArrayType: { new (n: number): TypedArray; new (b: ArrayBufferLike, o: number, n: number): TypedArray; BYTES_PER_ELEMENT: number } }).ArrayType;
  const n = values.length;
  if (T.BYTES_PER_ELEMENT === 8) return new T(values.buffer, values.byteOffset, n);
  const out = new T(n);
  const w = words32(values);
  const target = out instanceof Float32Array ? new Uint32Array(out.buffer) : out;
  for (let i = 0; i < n; i++) target[i] = w[2 * i];
  return out;
}

/** A Vector of the strings of a table, as utf8 or binary. */
export function tableVector(table: StringTable, valueType: DataType): Vector {
  const n = table.offsets.length - 1;
  const type = valueType.typeId === Type.Binary ? new Binary() : new Utf8();
  return new Vector([makeData({ type, length: n, valueOffsets: table.offsets, data: table.bytes, nullCount: 0 } as never) as Data]);
}

/** An Arrow column of exactly `type` from a lane (the dictionary vector for dictionary types). */
export function laneToData(type: DataType, lane: Lane, dictionary: Vector | null): Data {
  if (lane.kind === 'string') {
    const n = lane.offsets.length - 1;
    return makeData({ type, length: n, valueOffsets: lane.offsets, data: lane.bytes, ...bitmapOf(lane.valid, n) } as never) as Data;
  }
  const n = lane.values.length;
  const validity = bitmapOf(lane.valid, n);
  if (type.typeId === Type.Bool) {
    const bits = new Uint8Array((n + 7) >> 3);
    const w = words32(lane.values);
    for (let i = 0; i < n; i++) if (w[2 * i] & 1) bits[i >> 3] |= 1 << (i & 7);
    return makeData({ type, length: n, data: bits, ...validity } as never) as Data;
  }
  if (type.typeId === Type.Dictionary) {
    const d = type as Dictionary;
    return makeData({ type: d, length: n, data: narrow(d.indices, lane.values), dictionary: dictionary!, ...validity } as never) as Data;
  }
  return makeData({ type, length: n, data: narrow(type, lane.values), ...validity } as never) as Data;
}

export function isFloat32Lane(lane: LaneKind): boolean {
  return lane === LANE_FLOAT32;
}

// Random Arrow columns of every type the hash spec covers (nulls, NaN, -0.0,
// empty and long strings, dictionaries, lists, sliced data), and the comparisons
// the backend tests use.
import {
  Binary,
  Bool,
  Data,
  DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Dictionary,
  Duration,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  IntervalDayTime,
  LargeBinary,
  LargeList,
  LargeUtf8,
  List,
  makeData,
  Null,
  RecordBatch,
  Schema,
  Struct,
  TimeMicrosecond,
  TimeSecond,
  TimestampNanosecond,
  TimestampSecond,
  TimeUnit,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  Vector,
  tableToIPC,
  Table,
} from 'apache-arrow';
import { mulberry32 as prng } from '../../../test/helpers/python.ts';

export { prng };

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** A validity bitmap with about `rate` nulls, or null when rate is 0. */
function validity(rand: () => number, n: number, rate: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (rate === 0) return { nullCount: 0 };
  const bits = new Uint8Array(((n + 63) >> 6) << 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (rand() >= rate) bits[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  return nulls > 0 ? { nullBitmap: bits, nullCount: nulls } : { nullCount: 0 };
}

function fixed(type: DataType, bytesPerValue: number, rand: () => number, n: number, nullRate: number, ArrayType: any): Data {
  const bytes = randomBytes(rand, n * bytesPerValue);
  const values = new ArrayType(bytes.buffer, 0, (n * bytesPerValue) / ArrayType.BYTES_PER_ELEMENT);
  return makeData({ type, length: n, data: values, ...validity(rand, n, nullRate) } as any);
}

const F16_SPECIAL = [0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfe00, 0x7fff, 0x3c00];
const F32_SPECIAL = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fffffff, 0x3f800000];
const F64_SPECIAL: [number, number][] = [
  [0, 0],
  [0x80000000, 0],
  [0x7ff00000, 0],
  [0xfff00000, 0],
  [0x7ff80000, 0],
  [0xfff80000, 0],
  [0x7ff00000, 1],
  [0x7fffffff, 0xffffffff],
  [0x3ff00000, 0],
];

function float16(rand: () => number, n: number, nullRate: number): Data {
  const v = new Uint16Array(n);
  for (let i = 0; i < n; i++) v[i] = rand() < 0.3 ? F16_SPECIAL[Math.floor(rand() * F16_SPECIAL.length)] : Math.floor(rand() * 65536);
  return makeData({ type: new Float16(), length: n, data: v, ...validity(rand, n, nullRate) });
}

function float32(rand: () => number, n: number, nullRate: number): Data {
  const v = new Float32Array(n);
  const bits = new Uint32Array(v.buffer);
  for (let i = 0; i < n; i++) {
    if (rand() < 0.3) bits[i] = F32_SPECIAL[Math.floor(rand() * F32_SPECIAL.length)];
    else v[i] = (rand() - 0.5) * 1e6;
  }
  return makeData({ type: new Float32(), length: n, data: v, ...validity(rand, n, nullRate) });
}

function float64(rand: () => number, n: number, nullRate: number): Data {
  const v = new Float64Array(n);
  const bits = new Uint32Array(v.buffer);
  for (let i = 0; i < n; i++) {
    if (rand() < 0.3) {
      const [hi, lo] = F64_SPECIAL[Math.floor(rand() * F64_SPECIAL.length)];
      bits[2 * i] = lo;
      bits[2 * i + 1] = hi;
    } else v[i] = (rand() - 0.5) * 1e12;
  }
  return makeData({ type: new Float64(), length: n, data: v, ...validity(rand, n, nullRate) });
}

/** Lengths from 0 to 300, with some over 240 bytes (XXH3's long path) and some of 0. */
function strLength(rand: () => number): number {
  const r = rand();
  if (r < 0.1) return 0;
  if (r < 0.15) return 241 + Math.floor(rand() * 2500);
  if (r < 0.6) return 1 + Math.floor(rand() * 16);
  return Math.floor(rand() * 300);
}

function variable(type: DataType, rand: () => number, n: number, nullRate: number, large: boolean, text: boolean): Data {
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < n; i++) {
    const len = strLength(rand);
    if (text) {
      let s = '';
      while (s.length < len) s += rand() < 0.1 ? 'é漢😀' : String.fromCharCode(97 + Math.floor(rand() * 26));
      parts.push(enc.encode(s));
    } else parts.push(randomBytes(rand, len));
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  const data = new Uint8Array(total);
  const offsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  let at = 0;
  parts.forEach((p, i) => {
    data.set(p, at);
    at += p.length;
    offsets[i + 1] = (large ? BigInt(at) : at) as never;
  });
  return makeData({ type, length: n, valueOffsets: offsets, data, ...validity(rand, n, nullRate) } as any);
}

function bools(rand: () => number, n: number, nullRate: number): Data {
  return makeData({ type: new Bool(), length: n, data: randomBytes(rand, (n + 7) >> 3), ...validity(rand, n, nullRate) });
}

function dictionary(indexType: Int8 | Int16 | Int32 | Int64 | Uint8 | Uint16 | Uint32, values: Data, rand: () => number, n: number, nullRate: number): Data {
  const type = new Dictionary(values.type, indexType);
  const ArrayType = indexType.ArrayType as any;
  const codes = new ArrayType(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rand() * values.length);
    codes[i] = ArrayType === BigInt64Array ? BigInt(k) : k;
  }
  return makeData({ type, length: n, data: codes, dictionary: new Vector([values]), ...validity(rand, n, nullRate) } as any);
}

function list(kind: 'list' | 'large' | 'fixed', child: Data, rand: () => number, n: number, nullRate: number, size = 3): Data {
  const field = new Field('item', child.type, true);
  if (kind === 'fixed') {
    if (child.length !== n * size) throw new Error('fixed-size list child length');
    return makeData({ type: new FixedSizeList(size, field), length: n, child, ...validity(rand, n, nullRate) } as any);
  }
  const offsets = kind === 'large' ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    at = Math.min(child.length, at + Math.floor(rand() * 5));
    offsets[i + 1] = (kind === 'large' ? BigInt(at) : at) as never;
  }
  const type = kind === 'large' ? new LargeList(field) : new List(field);
  return makeData({ type, length: n, valueOffsets: offsets, child, ...validity(rand, n, nullRate) } as any);
}

export interface NamedColumn {
  name: string;
  data: Data;
}

/** One column of every supported type (and some nested and sliced ones), n rows each. */
export function columnsOfEveryType(seed: number, n: number, nullRate = 0.1): NamedColumn[] {
  const rand = prng(seed);
  const ints: [string, DataType, number, any][] = [
    ['int8', new Int8(), 1, Int8Array],
    ['uint8', new Uint8(), 1, Uint8Array],
    ['int16', new Int16(), 2, Int16Array],
    ['uint16', new Uint16(), 2, Uint16Array],
    ['int32', new Int32(), 4, Int32Array],
    ['uint32', new Uint32(), 4, Uint32Array],
    ['int64', new Int64(), 8, BigInt64Array],
    ['uint64', new Uint64(), 8, BigUint64Array],
  ];
  const out: NamedColumn[] = ints.map(([name, type, w, A]) => ({ name, data: fixed(type, w, rand, n, nullRate, A) }));
  out.push({ name: 'int64_no_nulls', data: fixed(new Int64(), 8, rand, n, 0, BigInt64Array) });
  out.push({ name: 'float16', data: float16(rand, n, nullRate) });
  out.push({ name: 'float32', data: float32(rand, n, nullRate) });
  out.push({ name: 'float64', data: float64(rand, n, nullRate) });
  out.push({ name: 'utf8', data: variable(new Utf8(), rand, n, nullRate, false, true) });
  out.push({ name: 'utf8_no_nulls', data: variable(new Utf8(), rand, n, 0, false, true) });
  out.push({ name: 'binary', data: variable(new Binary(), rand, n, nullRate, false, false) });
  out.push({ name: 'large_utf8', data: variable(new LargeUtf8(), rand, n, nullRate, true, true) });
  out.push({ name: 'large_binary', data: variable(new LargeBinary(), rand, n, nullRate, true, false) });
  out.push({ name: 'bool', data: bools(rand, n, nullRate) });
  out.push({ name: 'date_day', data: fixed(new DateDay(), 4, rand, n, nullRate, Int32Array) });
  out.push({ name: 'date_ms', data: fixed(new DateMillisecond(), 8, rand, n, nullRate, BigInt64Array) });
  out.push({ name: 'timestamp_s', data: fixed(new TimestampSecond(), 8, rand, n, nullRate, BigInt64Array) });
  out.push({ name: 'timestamp_ns', data: fixed(new TimestampNanosecond(), 8, rand, n, nullRate, BigInt64Array) });
  out.push({ name: 'time32', data: fixed(new TimeSecond(), 4, rand, n, nullRate, Int32Array) });
  out.push({ name: 'time64', data: fixed(new TimeMicrosecond(), 8, rand, n, nullRate, BigInt64Array) });
  out.push({ name: 'duration', data: fixed(new Duration(TimeUnit.MILLISECOND), 8, rand, n, nullRate, BigInt64Array) });
  out.push({ name: 'decimal128', data: fixed(new Decimal(2, 20, 128), 16, rand, n, nullRate, Uint32Array) });
  out.push({ name: 'fixed_binary5', data: fixed(new FixedSizeBinary(5), 5, rand, n, nullRate, Uint8Array) });
  out.push({ name: 'interval_day_time', data: fixed(new IntervalDayTime(), 8, rand, n, nullRate, Int32Array) });
  out.push({ name: 'null', data: makeData({ type: new Null(), length: n }) });
  // Dictionaries: several index types; null indices and null dictionary values.
  const dictValues = variable(new Utf8(), rand, 40, 0.1, false, true);
  out.push({ name: 'dict_int8_utf8', data: dictionary(new Int8(), dictValues, rand, n, nullRate) });
  out.push({ name: 'dict_uint16_utf8', data: dictionary(new Uint16(), dictValues, rand, n, nullRate) });
  out.push({ name: 'dict_int32_utf8', data: dictionary(new Int32(), dictValues, rand, n, 0) });
  out.push({ name: 'dict_int64_int64', data: dictionary(new Int64(), fixed(new Int64(), 8, rand, 17, 0.1, BigInt64Array), rand, n, nullRate) });
  out.push({ name: 'dict_uint32_float64', data: dictionary(new Uint32(), float64(rand, 23, 0), rand, n, nullRate) });
  // A dictionary in two chunks, as a stream with a delta dictionary batch gives it.
  const deltaValues = new Vector([variable(new Utf8(), rand, 10, 0.1, false, true), variable(new Utf8(), rand, 15, 0.1, false, true)]);
  const deltaCodes = Int16Array.from({ length: n }, () => Math.floor(rand() * 25));
  out.push({ name: 'dict_delta_utf8', data: makeData({ type: new Dictionary(new Utf8(), new Int16()), length: n, data: deltaCodes, dictionary: deltaValues, ...validity(rand, n, nullRate) } as any) });
  // Lists.
  out.push({ name: 'list_int32', data: list('list', fixed(new Int32(), 4, rand, 3 * n, nullRate, Int32Array), rand, n, nullRate) });
  out.push({ name: 'list_utf8', data: list('list', variable(new Utf8(), rand, 3 * n, nullRate, false, true), rand, n, nullRate) });
  out.push({ name: 'large_list_int16', data: list('large', fixed(new Int16(), 2, rand, 3 * n, nullRate, Int16Array), rand, n, nullRate) });
  out.push({ name: 'fixed_list_float64', data: list('fixed', float64(rand, 3 * n, nullRate), rand, n, nullRate) });
  const inner = list('list', variable(new Utf8(), rand, 6 * n, nullRate, false, true), rand, 3 * n, nullRate);
  out.push({ name: 'list_list_utf8', data: list('list', inner, rand, n, nullRate) });
  out.push({ name: 'list_dict', data: list('list', dictionary(new Int16(), dictValues, rand, 3 * n, nullRate), rand, n, nullRate) });
  // Sliced columns (offset > 0): bit offsets, subarrayed values and offsets.
  const sliceFrom = Math.min(13, Math.floor(n / 4));
  const sliceTo = Math.max(sliceFrom, n - 9);
  for (const name of ['int64', 'bool', 'utf8', 'float64', 'dict_int8_utf8', 'list_utf8', 'fixed_list_float64']) {
    const c = out.find((x) => x.name === name)!;
    out.push({ name: `${name}_sliced`, data: c.data.slice(sliceFrom, sliceTo - sliceFrom) });
  }
  return out;
}

/** The leaf (non-list) columns of columnsOfEveryType, for crosses. */
export function crossableColumns(cols: NamedColumn[]): NamedColumn[] {
  return cols.filter((c) => !['List', 'LargeList', 'FixedSizeList'].some((t) => String(c.data.type).startsWith(t)) && !c.name.endsWith('_sliced'));
}

/** The IPC bytes of a one-column table: two columns compare equal exactly when these are equal. */
export function ipcBytes(data: Data, name = 'x'): Uint8Array {
  const schema = new Schema([new Field(name, data.type, true)]);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: data.length, children: [data], nullCount: 0 }));
  return tableToIPC(new Table([batch]), 'stream');
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The canonical XXH sanity buffer: byteGen starts at 2654435761, multiplied by 11400714785074694797 mod 2^64, top byte each step. */
export function sanityBuffer(size = 4096 + 64 + 1): Uint8Array {
  const PRIME32 = 2654435761n;
  const PRIME64 = 11400714785074694797n;
  const b = new Uint8Array(size);
  let gen = PRIME32;
  for (let i = 0; i < size; i++) {
    b[i] = Number(gen >> 56n);
    gen = BigInt.asUintN(64, gen * PRIME64);
  }
  return b;
}

/** A binary column whose rows are the given byte strings. */
export function binaryColumn(rows: Uint8Array[]): Data {
  const total = rows.reduce((a, r) => a + r.length, 0);
  const data = new Uint8Array(total);
  const offsets = new Int32Array(rows.length + 1);
  let at = 0;
  rows.forEach((r, i) => {
    data.set(r, at);
    at += r.length;
    offsets[i + 1] = at;
  });
  return makeData({ type: new Binary(), length: rows.length, valueOffsets: offsets, data });
}

// Random behaviour logs as Arrow batches, for the stream tests: every column type
// that gen and import produce (and a few more), nulls, extremes, empty strings,
// ties, unsorted rows, dictionaries that change between batches.
import { Binary, Bool, Data, DataType, DateDay, Dictionary, Field, Float32, Float64, Int16, Int32, Int64, Int8, makeData, RecordBatch, Schema, TimeUnit, Timestamp, Type, Uint16, Uint32, Uint64, Uint8, Utf8, Vector } from 'apache-arrow';
import fc from 'fast-check';
import { makeBatch } from '@recdata/core';

export interface ColumnKind {
  name: string;
  type: () => DataType;
}

const KINDS: ColumnKind[] = [
  { name: 'int8', type: () => new Int8() },
  { name: 'int16', type: () => new Int16() },
  { name: 'int32', type: () => new Int32() },
  { name: 'int64', type: () => new Int64() },
  { name: 'uint8', type: () => new Uint8() },
  { name: 'uint16', type: () => new Uint16() },
  { name: 'uint32', type: () => new Uint32() },
  { name: 'uint64', type: () => new Uint64() },
  { name: 'float32', type: () => new Float32() },
  { name: 'float64', type: () => new Float64() },
  { name: 'bool', type: () => new Bool() },
  { name: 'utf8', type: () => new Utf8() },
  { name: 'binary', type: () => new Binary() },
  { name: 'date32', type: () => new DateDay() },
  { name: 'timestamp_us_tz', type: () => new Timestamp(TimeUnit.MICROSECOND, 'Europe/Paris') },
  { name: 'dict', type: () => new Dictionary(new Utf8(), new Int32()) },
  { name: 'dict8', type: () => new Dictionary(new Utf8(), new Int8()) },
];

const USER_TYPES = [() => new Uint64(), () => new Int64(), () => new Int32(), () => new Utf8()];
const TS_TYPES = [() => new Timestamp(TimeUnit.MILLISECOND), () => new Timestamp(TimeUnit.NANOSECOND), () => new Timestamp(TimeUnit.SECOND, 'UTC'), () => new Int64()];

export interface Log {
  schema: Schema;
  batches: RecordBatch[];
  rows: number;
}

const EXTREMES = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n];

function bitsOfWidth(v: bigint, bits: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

/** A column of `n` rows of `type` from a PRNG stream of raw 64-bit draws. */
function makeColumn(type: DataType, n: number, draw: () => bigint, nullable: boolean, nullRate: number, rand: () => number, dictWords: string[]): Data {
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (nullable && rand() < nullRate) nulls++;
    else valid[i >> 3] |= 1 << (i & 7);
  }
  const v = nulls > 0 ? { nullBitmap: valid, nullCount: nulls } : { nullCount: 0 };
  const t = type as DataType & { bitWidth?: number; isSigned?: boolean; precision?: number };
  switch (type.typeId) {
    case Type.Int: {
      const T = (type as DataType & { ArrayType: new (n: number) => ArrayLike<unknown> & { [i: number]: unknown } }).ArrayType;
      const a = new T(n);
      for (let i = 0; i < n; i++) {
        const x = bitsOfWidth(draw(), t.bitWidth!, t.isSigned!);
        a[i] = t.bitWidth === 64 ? x : Number(x);
      }
      return makeData({ type, length: n, data: a, ...v } as never);
    }
    case Type.Float: {
      if (t.precision === 1) {
        const a = new Float32Array(n);
        const bits = new Uint32Array(a.buffer);
        for (let i = 0; i < n; i++) {
          const r = rand();
          if (r < 0.6) a[i] = Math.round(rand() * 100) / 2;
          else bits[i] = Number(BigInt.asUintN(32, draw()));
        }
        return makeData({ type, length: n, data: a, ...v } as never);
      }
      const a = new Float64Array(n);
      const bits = new BigInt64Array(a.buffer);
      for (let i = 0; i < n; i++) {
        const r = rand();
        if (r < 0.5) a[i] = Math.round(rand() * 1000) / 100;
        else if (r < 0.6) a[i] = [0, -0, NaN, Infinity, -Infinity, 5e-324][Math.floor(rand() * 6)];
        else bits[i] = draw();
      }
      return makeData({ type, length: n, data: a, ...v } as never);
    }
    case Type.Bool: {
      const a = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (rand() < 0.5) a[i >> 3] |= 1 << (i & 7);
      return makeData({ type, length: n, data: a, ...v } as never);
    }
    case Type.Utf8:
    case Type.Binary: {
      const parts = Array.from({ length: n }, () => {
        const r = rand();
        if (r < 0.2) return Buffer.alloc(0);
        if (r < 0.6) return Buffer.from(dictWords[Math.floor(rand() * dictWords.length)]);
        return type.typeId === Type.Utf8 ? Buffer.from(`x${Math.floor(rand() * 1e6)}é`) : Buffer.from([Math.floor(rand() * 256), 0, 255]);
      });
      const offsets = new Int32Array(n + 1);
      parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
      return makeData({ type, length: n, valueOffsets: offsets, data: new Uint8Array(Buffer.concat(parts)), ...v } as never);
    }
    case Type.Date: {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = Number(BigInt.asIntN(32, draw()));
      return makeData({ type, length: n, data: a, ...v } as never);
    }
    case Type.Timestamp: {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) a[i] = draw();
      return makeData({ type, length: n, data: a, ...v } as never);
    }
    case Type.Dictionary: {
      const d = type as Dictionary;
      // Each batch gets its own dictionary: a shuffled subset of the words.
      const words = dictWords.filter(() => rand() < 0.8);
      if (words.length === 0) words.push(dictWords[0]);
      const dict = new Vector([utf8(words)]);
      const T = (d.indices as DataType & { ArrayType: new (n: number) => Int32Array }).ArrayType;
      const codes = new T(n);
      for (let i = 0; i < n; i++) codes[i] = Math.floor(rand() * words.length);
      return makeData({ type: d, length: n, data: codes, dictionary: dict, ...v } as never);
    }
    default:
      throw new Error(`no generator for ${type}`);
  }
}

export function utf8(values: string[]): Data<Utf8> {
  const parts = values.map((s) => Buffer.from(s));
  const offsets = new Int32Array(values.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
  return makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data: new Uint8Array(Buffer.concat(parts)), nullCount: 0 });
}

function mulberry(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LogSpec {
  seed: number;
  rows: number;
  users: number;
  kinds: number[];
  userType: number;
  tsType: number;
  batchRows: number;
  sorted: boolean;
}

export const logSpec = fc.record({
  seed: fc.integer(),
  rows: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 40, max: 1500 })),
  users: fc.integer({ min: 1, max: 40 }),
  kinds: fc.subarray(KINDS.map((_, i) => i), { minLength: 1 }),
  userType: fc.integer({ min: 0, max: USER_TYPES.length - 1 }),
  tsType: fc.integer({ min: 0, max: TS_TYPES.length - 1 }),
  batchRows: fc.integer({ min: 1, max: 1000 }),
  sorted: fc.boolean(),
});

/** A log from a spec: user and ts never null; ts from a narrow range (ties) or extremes. */
export function makeLog(spec: LogSpec): Log {
  const rand = mulberry(spec.seed);
  const draw = (): bigint => {
    const r = rand();
    if (r < 0.15) return EXTREMES[Math.floor(rand() * EXTREMES.length)];
    if (r < 0.6) return BigInt(Math.floor(rand() * 20) - 5);
    return (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
  };
  const words = ['', 'play', 'impression', 'like', 'héllo', '日本', 'finish'];
  const userType = USER_TYPES[spec.userType]();
  const tsType = TS_TYPES[spec.tsType]();
  const fields = [new Field('user_id', userType, spec.userType !== 0), new Field('ts', tsType, true)];
  spec.kinds.forEach((k, i) => fields.push(new Field(`c${i}_${KINDS[k].name}`, KINDS[k].type(), rand() < 0.7)));
  const schema = new Schema(fields, new Map([['upstream.key', 'kept']]));
  // Keys first: users and timestamps for all rows, sorted when asked.
  const wide = userType.typeId === Type.Int && (userType as Int64).bitWidth === 64;
  const keys = Array.from({ length: spec.rows }, () => {
    const u = BigInt(Math.floor(rand() * spec.users)) * (wide && rand() < 0.1 ? 1n << 40n : 1n) * (userType.typeId === Type.Int && (userType as Int64).isSigned && rand() < 0.2 ? -1n : 1n);
    const t = rand() < 0.05 ? EXTREMES[Math.floor(rand() * EXTREMES.length)] : BigInt(Math.floor(rand() * 50)) * 1000n - 20000n;
    return { u, t };
  });
  if (spec.sorted) keys.sort((a, b) => (a.u < b.u ? -1 : a.u > b.u ? 1 : a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  const batches: RecordBatch[] = [];
  for (let from = 0; from < spec.rows; from += spec.batchRows) {
    const n = Math.min(spec.batchRows, spec.rows - from);
    const ks = keys.slice(from, from + n);
    const cols: Data[] = [];
    if (userType.typeId === Type.Utf8) cols.push(utf8(ks.map((k) => `user-${String(k.u).padStart(3, '0')}`)));
    else if ((userType as Int32).bitWidth === 32) cols.push(makeData({ type: userType, length: n, data: Int32Array.from(ks, (k) => Number(BigInt.asIntN(32, k.u))), nullCount: 0 } as never));
    else cols.push(makeData({ type: userType, length: n, data: (userType.typeId === Type.Int && !(userType as Int64).isSigned ? BigUint64Array : BigInt64Array).from(ks, (k) => k.u) as never, nullCount: 0 } as never));
    cols.push(makeData({ type: tsType, length: n, data: BigInt64Array.from(ks, (k) => k.t), nullCount: 0 } as never));
    for (let c = 2; c < fields.length; c++) cols.push(makeColumn(fields[c].type, n, draw, fields[c].nullable, [0, 0.1, 0.5, 1][Math.floor(rand() * 4)], rand, words));
    batches.push(makeBatch(schema, cols, n));
  }
  return { schema, batches, rows: spec.rows };
}

/** An exact text key of one cell (float bits, bytes in hex, dictionary values). */
export function cell(data: Data, i: number): string {
  if (data.nullCount > 0 && data.nullBitmap && !(data.nullBitmap[(data.offset + i) >> 3] & (1 << ((data.offset + i) & 7)))) return 'null';
  const type = data.type;
  if (type.typeId === Type.Dictionary) {
    const code = Number((data.values as ArrayLike<number>)[i]);
    return `d:${data.dictionary!.get(code)}`;
  }
  if (type.typeId === Type.Utf8 || type.typeId === Type.Binary) {
    const o = data.valueOffsets as Int32Array;
    return Buffer.from((data.values as Uint8Array).subarray(o[i], o[i + 1])).toString('hex');
  }
  if (type.typeId === Type.Bool) return String(((data.values as Uint8Array)[(data.offset + i) >> 3] >> ((data.offset + i) & 7)) & 1);
  const values = data.values as ArrayLike<number | bigint> & ArrayBufferView;
  if (values instanceof Float64Array) return new BigInt64Array(values.buffer, values.byteOffset, values.length)[i].toString();
  if (values instanceof Float32Array) return String(new Uint32Array(values.buffer, values.byteOffset, values.length)[i]);
  return String(values[i]);
}

/** Rows as text keys, stably ordered by (user, ts), the way seq-decode gives them back. */
export function expectedRows(log: Log, userUnsigned: boolean): string[][] {
  const rows: { u: bigint | string; t: bigint; cells: string[] }[] = [];
  for (const b of log.batches) {
    for (let i = 0; i < b.numRows; i++) {
      const cells = b.data.children.map((d) => cell(d, i));
      const ud = b.data.children[0];
      let u: bigint | string;
      if (ud.type.typeId === Type.Utf8) u = Buffer.from(cell(ud, i), 'hex').toString('latin1');
      else u = BigInt((ud.values as ArrayLike<number | bigint>)[i]);
      if (userUnsigned && typeof u === 'bigint') u = BigInt.asUintN(64, u);
      rows.push({ u, t: BigInt((b.data.children[1].values as BigInt64Array)[i]), cells });
    }
  }
  const idx = rows.map((_, i) => i);
  idx.sort((a, b) => {
    const x = rows[a];
    const y = rows[b];
    if (x.u !== y.u) return x.u < y.u ? -1 : 1;
    if (x.t !== y.t) return x.t < y.t ? -1 : 1;
    return a - b;
  });
  return idx.map((i) => rows[i].cells);
}

export function rowsOf(batches: RecordBatch[]): string[][] {
  const out: string[][] = [];
  for (const b of batches) for (let i = 0; i < b.numRows; i++) out.push(b.data.children.map((d) => cell(d, i)));
  return out;
}

// fast-check arbitraries for lanes and chunks shared by the codec tests.
import fc from 'fast-check';
import { buildModel, buildStringTable, columnStats } from '../src/tables/models.ts';
import { LANE_DICT, LANE_FLOAT32, LANE_FLOAT64, LANE_INT, LANE_STRING, type ColumnSpec, type LaneKind, type StreamHeader } from '../src/format/header.ts';
import type { Lane } from '../src/lanes/lane.ts';

const EDGES = [0n, 1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 31n, 2n ** 32n - 1n, 2n ** 63n - 1n, -(2n ** 63n), 1234567890123n];

/** int64 values that mix small ranges, runs, extremes and random bits. */
export const int64 = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -50, max: 50 }).map(BigInt) },
  { weight: 2, arbitrary: fc.constantFrom(...EDGES) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 100000 }).map((v) => BigInt(v) * 1000n + 1700000000000n) },
);

const f64 = new Float64Array(1);
const f64bits = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const f32bits = new Uint32Array(f32.buffer);

export function float64Lane(x: number): bigint {
  f64[0] = x;
  return f64bits[0];
}
export function float32Lane(x: number): bigint {
  f32[0] = x;
  return BigInt(f32bits[0]);
}

const decimals = fc.integer({ min: -100000, max: 100000 }).chain((n) => fc.integer({ min: 0, max: 4 }).map((e) => n / 10 ** e));
export const doubles = fc.oneof(
  { weight: 3, arbitrary: decimals },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.1, 4.5, 3.5, 1e300, 5e-324) },
  { weight: 2, arbitrary: fc.double() },
);

export const strings = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('', 'a', 'play', 'impression', 'héllo', '日本') },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('latin1')) },
);

export interface ColumnCase {
  lane: LaneKind;
  /** Logical values (null = null): bigint for int/dict lanes, lane bits for floats, strings as latin1 byte strings. */
  values: (bigint | string | null)[];
  dictSize: number;
}

function column(kind: LaneKind, n: number): fc.Arbitrary<ColumnCase> {
  const nullRate = fc.constantFrom(0, 0, 0.1, 0.5, 1);
  const withNulls = <T,>(a: fc.Arbitrary<T>) => nullRate.chain((r) => fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), a), { minLength: n, maxLength: n }).map((xs) => xs.map(([p, v]) => (p < r ? null : v))));
  switch (kind) {
    case LANE_INT:
      return fc.oneof(withNulls(int64), withNulls(fc.integer({ min: 0, max: 3 }).map(BigInt))).map((values) => ({ lane: kind, values, dictSize: 0 }));
    case LANE_FLOAT64:
      return withNulls(doubles.map(float64Lane)).map((values) => ({ lane: kind, values, dictSize: 0 }));
    case LANE_FLOAT32:
      return withNulls(doubles.map(float32Lane)).map((values) => ({ lane: kind, values, dictSize: 0 }));
    case LANE_STRING:
      return withNulls(strings.map((s) => Buffer.from(s, 'utf8').toString('latin1'))).map((values) => ({ lane: kind, values, dictSize: 0 }));
    default:
      return fc.integer({ min: 1, max: 6 }).chain((k) => withNulls(fc.integer({ min: 0, max: k - 1 }).map(BigInt)).map((values) => ({ lane: kind, values, dictSize: k })));
  }
}

/** A chunk: sequence lengths and columns of every lane kind. */
export const chunkCase = fc
  .array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 })
  .chain((lengths) => {
    const n = lengths.reduce((a, b) => a + b, 0);
    const kinds = fc.array(fc.constantFrom<LaneKind>(LANE_INT, LANE_FLOAT64, LANE_FLOAT32, LANE_STRING, LANE_DICT), { minLength: 1, maxLength: 4 });
    return kinds.chain((ks) => fc.tuple(...ks.map((k) => column(k, n))).map((columns) => ({ lengths, columns })));
  });

export function toLane(c: ColumnCase): Lane {
  const n = c.values.length;
  const hasNull = c.values.some((v) => v === null);
  const valid = hasNull ? Uint8Array.from(c.values, (v) => (v === null ? 0 : 1)) : null;
  if (c.lane === LANE_STRING) {
    const parts = c.values.map((v) => Buffer.from((v as string | null) ?? '', 'latin1'));
    const offsets = new Int32Array(n + 1);
    parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
    const bytes = new Uint8Array(offsets[n]);
    parts.forEach((p, i) => bytes.set(p, offsets[i]));
    return { kind: 'string', offsets, bytes, valid };
  }
  return { kind: 'int', values: BigInt64Array.from(c.values, (v) => (v as bigint | null) ?? 0n), valid };
}

export function startsOf(lengths: number[]): Int32Array {
  const s = new Int32Array(lengths.length + 1);
  lengths.forEach((l, i) => (s[i + 1] = s[i] + l));
  return s;
}

/** A header whose models are measured on the same data (or none, when `models` is false). */
export function headerFor(columns: ColumnCase[], lanes: Lane[], starts: Int32Array, models: boolean): StreamHeader {
  const specs: ColumnSpec[] = columns.map((c, i) => {
    const lane = lanes[i];
    let table = null;
    let model = null;
    if (c.lane === LANE_DICT) {
      const names = Array.from({ length: c.dictSize }, (_, k) => `v${k}`);
      const offsets = new Int32Array(names.length + 1);
      names.forEach((s, k) => (offsets[k + 1] = offsets[k] + s.length));
      table = { offsets, bytes: Uint8Array.from(Buffer.from(names.join(''), 'latin1')) };
    }
    if (c.lane === LANE_STRING && lane.kind === 'string') table = models ? buildStringTable(lane) : { offsets: new Int32Array(1), bytes: new Uint8Array(0) };
    if (models && lane.kind === 'int') {
      const identity = Int32Array.from({ length: lane.values.length }, (_, r) => r);
      model = buildModel(columnStats(lane.values, lane.valid, identity, starts));
    }
    return { field: i + 1, lane: c.lane, table, model };
  });
  return { fieldCount: columns.length + 1, userField: 0, tsField: 1, partition: 'none', columns: specs };
}

// A generated stream with a column of every type the ops take, nulls, NaN, infinities,
// -0, repeated and unseen values: the data the backend and property tests share.
import { Dictionary, Field, FixedSizeList, Float16, Float32, Float64, Int16, Int32, Int64, Int8, LargeUtf8, List, TimestampMillisecond, Uint16, Uint32, Uint64, Utf8, Bool, type RecordBatch } from 'apache-arrow';
import { batchOf, prng } from './helpers.ts';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'a-much-longer-word-than-eight', 'é', '', 'z'];

export function generated(rows: number, seed = 1): RecordBatch {
  const r = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const maybe = <T>(v: T, p = 0.1): T | null => (r() < p ? null : v);
  const special = () => pick([NaN, Infinity, -Infinity, -0, 0, 1e-300, -1, 1e30]);
  const float = () => (r() < 0.1 ? special() : (r() - 0.3) * 1000);
  const n = rows;
  const col = <T>(fn: (i: number) => T) => Array.from({ length: n }, (_, i) => fn(i));
  return batchOf({
    i8: { type: new Int8(), values: col(() => maybe(Math.floor(r() * 256) - 128)) },
    u16: { type: new Uint16(), values: col(() => maybe(Math.floor(r() * 65536))) },
    i32: { type: new Int32(), values: col(() => maybe(Math.floor(r() * 200) - 100)) },
    u32: { type: new Uint32(), values: col(() => maybe(Math.floor(r() * 4294967296))) },
    i64: { type: new Int64(), values: col(() => maybe(BigInt(Math.floor(r() * 50)) * (r() < 0.05 ? 1n << 60n : 1n) - 25n)) },
    u64: { type: new Uint64(), values: col(() => maybe(BigInt(Math.floor(r() * 300)) + (r() < 0.05 ? 1n << 63n : 0n))) },
    f16: { type: new Float16(), values: col(() => maybe(r() < 0.1 ? special() : Math.round((r() - 0.5) * 2000) / 8)) },
    f32: { type: new Float32(), values: col(() => maybe(Math.fround(float()))) },
    f64: { type: new Float64(), values: col(() => maybe(float())) },
    y: { type: new Float64(), values: col(() => maybe(Math.floor(r() * 10), 0.05)) },
    flag: { type: new Bool(), values: col(() => maybe(r() < 0.3)) },
    s: { type: new Utf8(), values: col(() => maybe(pick(WORDS) + (r() < 0.3 ? String(Math.floor(r() * 20)) : ''))) },
    ls: { type: new LargeUtf8(), values: col(() => maybe(pick(WORDS))) },
    d: { type: new Dictionary(new Utf8(), new Int32()), values: col(() => maybe(pick(WORDS))) },
    user_id: { type: new Uint64(), values: col(() => maybe(BigInt(Math.floor(r() * 30)), 0.02)) },
    ts: { type: new TimestampMillisecond(), values: col((i) => maybe(1_700_000_000_000 + i * 1000 + Math.floor(r() * 5000), 0.02)) },
    li: { type: new List(new Field('item', new Int64(), true)), values: col(() => maybe(Array.from({ length: Math.floor(r() * 7) }, () => maybe(BigInt(Math.floor(r() * 40)), 0.1)))) },
    lf: { type: new List(new Field('item', new Float32(), true)), values: col(() => maybe(Array.from({ length: Math.floor(r() * 5) }, () => maybe(Math.fround(float()), 0.1)))) },
    ls32: { type: new List(new Field('item', new Utf8(), true)), values: col(() => maybe(Array.from({ length: Math.floor(r() * 4) }, () => maybe(pick(WORDS), 0.1)))) },
    emb: { type: new FixedSizeList(6, new Field('item', new Float32(), true)), values: col(() => maybe(Array.from({ length: 6 }, () => (r() < 0.03 ? pick([NaN, Infinity, -Infinity]) : Math.fround((r() - 0.5) * 4))))) },
  });
}

/** Every op on every column type it takes (a feature per pair). */
export const EVERY_OP = `features:
  - { name: z_i8, op: normalize, input: i8 }
  - { name: z_f16, op: normalize, input: f16 }
  - { name: z_f64, op: normalize, input: f64 }
  - { name: mm_u32, op: minmax, input: u32 }
  - { name: mm_f32, op: minmax, input: f32 }
  - { name: l_u16, op: log1p, input: u16 }
  - { name: l_f64, op: log1p, input: f64 }
  - { name: l_i64, op: log1p, input: i64 }
  - { name: c_f32, op: clip, input: f32, min: -10.5, max: 400 }
  - { name: c_u64, op: clip, input: u64, max: 100 }
  - { name: b_f64, op: bucketize, input: f64, boundaries: [-100, -1, 0, 0.5, 10, 1e20] }
  - { name: b_i32, op: bucketize, input: i32, boundaries: [-50, 0, 50] }
  - { name: q_f32, op: quantile_bucketize, input: f32, boundaries: 7, sketch_k: 16 }
  - { name: cat_s, op: categorify, input: s, min_freq: 2, oov_buckets: 3 }
  - { name: cat_ls, op: categorify, input: ls, max_size: 3, algorithm: xxh3 }
  - { name: cat_d, op: categorify, input: d, oov_buckets: 2, algorithm: murmur3, seed: 9 }
  - { name: cat_i64, op: categorify, input: i64, min_freq: 3 }
  - { name: cat_u64, op: categorify, input: u64, max_size: 100, oov_buckets: 5 }
  - { name: cat_f64, op: categorify, input: f64, min_freq: 2 }
  - { name: cat_flag, op: categorify, input: flag }
  - { name: cat_ts, op: categorify, input: ts, min_freq: 2 }
  - { name: cat_li, op: categorify, input: li, min_freq: 2 }
  - { name: cat_lstr, op: categorify, input: ls32 }
  - { name: h_s, op: hash_bucket, input: s, buckets: 1000 }
  - { name: h_d, op: hash_bucket, input: d, buckets: 7, algorithm: murmur3, null_hash: 3 }
  - { name: h_f16, op: hash_bucket, input: f16, buckets: 1024, algorithm: xxh3, seed: 11 }
  - { name: x_us, op: hashed_cross, input: [user_id, s, f64], buckets: 100003 }
  - { name: x_dl, op: hashed_cross, input: [d, flag], buckets: 64, null_hash: 1 }
  - { name: fill_c, op: fill_missing, input: f32, value: -7.25 }
  - { name: fill_m, op: fill_missing, input: i32, strategy: mean }
  - { name: fill_md, op: fill_missing, input: f64, strategy: median, sketch_k: 16 }
  - { name: pad_i, op: seq_pad, input: li, length: 4 }
  - { name: pad_f, op: seq_pad, input: lf, length: 3, keep: first, pad_side: start, pad: -0.5 }
  - { name: emb16, op: quantize, input: emb, to: float16 }
  - { name: emb8, op: quantize, input: emb, to: int8 }
  - { name: te_s, op: target_encode, input: s, target: y, smoothing: 3 }
  - { name: te_d, op: target_encode, input: d, target: flag, folds: 5, seed: 7 }
  - { name: lag, op: difference_lag, input: ts }
  - { name: lag_f, op: difference_lag, input: f64, by: s }
`;

/** EVERY_OP without the features a tensor cannot hold (categorify of lists). */
export const EVERY_OP_TENSOR = EVERY_OP.split('\n')
  .filter((l) => !l.includes('cat_li') && !l.includes('cat_lstr'))
  .join('\n');

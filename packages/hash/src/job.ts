/**
 * A hash job: the unit of work every backend runs (the TypeScript twin in
 * kernel-js.ts, the native kernels, the offload queue, CUDA), with the same
 * fields as native/src/hash-job.h. A job hashes `rows` rows through one step per
 * column (k steps for a cross of k columns): step 0 is seeded with `seed`, step k
 * with the hash step k-1 gave the same row. docs/hash-spec.md is the specification;
 * docs/offload.md says what an implementation must guarantee.
 */

export const ALGORITHMS = ['xxh64', 'xxh3', 'murmur3', 'siphash'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** How the bytes of a value are found (hash-job.h, enum recdata_value_kind). */
export const ValueKind = {
  /** `width` bytes at data + j * width: integers, dates, times, timestamps, durations, decimals, fixed-size binary. */
  fixed: 0,
  /** Float16 bits, canonical (-0.0 as +0.0, every NaN as 0x7E00). */
  float16: 1,
  /** Float32 bits, canonical (NaN as 0x7FC00000). */
  float32: 2,
  /** Float64 bits, canonical (NaN as 0x7FF8000000000000). */
  float64: 3,
  /** Bit (bitOffset + j) of data, hashed as one byte 0 or 1. */
  bool: 4,
  /** data[offsets[j], offsets[j + 1]) with Int32Array offsets: utf8, binary. */
  var32: 5,
  /** The same with BigInt64Array offsets: large_utf8, large_binary. */
  var64: 6,
  /** The null type: every value is null. */
  null: 7,
} as const;

export const OutputKind = {
  /** BigUint64Array of hashes (xxh64, xxh3, siphash). */
  u64: 0,
  /** Uint32Array of hashes (murmur3). */
  u32: 1,
  /** BigInt64Array of buckets: the hash as unsigned 64-bit, mod `buckets`. */
  bucket: 2,
} as const;

export type IndexArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface ValueSource {
  kind: number;
  /** Bytes per value (fixed and float kinds). */
  width: number;
  /** Number of values. */
  length: number;
  /** Value bytes from value 0 (bool: the bitmap); an empty array for the null kind. */
  data: Uint8Array;
  /** bool: the bit index of value 0 in data. */
  bitOffset: number;
  /** var32/var64: length + 1 offsets into data. */
  offsets: Int32Array | BigInt64Array | null;
  /** One bit per value, LSB first, 1 = valid; null when every value is valid. */
  validity: Uint8Array | null;
  validityOffset: number;
}

export interface HashStep {
  values: ValueSource;
  /** One dictionary index per row, into values; null when row i is value i. */
  indices: IndexArray | null;
  /** One bit per row (the dictionary column's own validity); null when all are valid. */
  indexValidity: Uint8Array | null;
  indexValidityOffset: number;
}

export interface HashJob {
  /** Index into ALGORITHMS. */
  algorithm: number;
  /** uint64; murmur3 takes a uint32. */
  seed: bigint;
  /** SipHash's 16-byte key; null for the other algorithms. */
  key: Uint8Array | null;
  rows: number;
  steps: HashStep[];
  outputKind: number;
  /** `rows` values: BigUint64Array (u64), Uint32Array (u32) or BigInt64Array (bucket). */
  output: BigUint64Array | Uint32Array | BigInt64Array;
  /** The modulus for bucket output (> 0), else 0n. */
  buckets: bigint;
  /** ceil(rows / 8) bytes, written by the job: 1 = valid; bits past `rows` are 0. */
  validity: Uint8Array;
  /** The hash given to null rows; null keeps them null. */
  nullHash: bigint | null;
}

/** A kernel ran into bytes that cannot be a valid column (offsets or dictionary indices out of range). */
export class CorruptColumnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptColumnError';
  }
}

// What to compute: the algorithm, its seed or key, buckets and the null hash,
// checked once (the same checks for the library and the CLI's flags).
import { DataType, Int64, Uint32, Uint64 } from 'apache-arrow';
import { errors } from '@recdata/core';
import { ALGORITHMS, OutputKind, type Algorithm } from './job.js';

export interface HashSpec {
  /** xxh64 (default), xxh3, murmur3, or siphash (keyed). */
  algorithm: Algorithm;
  /** uint64 (uint32 for murmur3); for SipHash it is XORed into k0. Default 0. */
  seed?: bigint;
  /** SipHash-2-4's 16-byte key (required for siphash, refused otherwise). */
  key?: Uint8Array | null;
  /** Output buckets in [0, M) instead of hashes, 0 < M <= 2^63. */
  buckets?: bigint | null;
  /** The hash that null values get (the output then has no nulls); null keeps them null. */
  nullHash?: bigint | null;
}

export const UINT64_MAX = (1n << 64n) - 1n;
export const UINT32_MAX = (1n << 32n) - 1n;
export const MAX_BUCKETS = 1n << 63n;

/** A spec with every field filled and checked (throws usage errors, exit 2). */
export interface ResolvedSpec {
  algorithm: Algorithm;
  algorithmIndex: number;
  seed: bigint;
  key: Uint8Array | null;
  buckets: bigint | null;
  nullHash: bigint | null;
  outputKind: number;
}

export function resolveSpec(spec: HashSpec): ResolvedSpec {
  const algorithmIndex = ALGORITHMS.indexOf(spec.algorithm);
  if (algorithmIndex < 0) throw errors.badFlagValue('algo', ALGORITHMS.filter((a) => a !== 'siphash').join('|'), spec.algorithm);
  const wide = spec.algorithm !== 'murmur3';
  const max = wide ? UINT64_MAX : UINT32_MAX;
  const range = wide ? 'an integer from 0 to 2^64-1' : 'an integer from 0 to 2^32-1 (murmur3 seeds are 32-bit)';
  const seed = spec.seed ?? 0n;
  if (typeof seed !== 'bigint' || seed < 0n || seed > max) throw errors.badFlagValue('seed', range, String(seed));
  const key = spec.key ?? null;
  if (spec.algorithm === 'siphash') {
    if (!key || key.length !== 16) throw errors.usage(`siphash needs a 16-byte key, got ${key ? `${key.length} bytes` : 'none'}`);
  } else if (key) throw errors.usage(`a key is used only by the keyed hash (siphash), not ${spec.algorithm}`);
  const buckets = spec.buckets ?? null;
  if (buckets !== null && (typeof buckets !== 'bigint' || buckets < 1n || buckets > MAX_BUCKETS)) {
    throw errors.badFlagValue('buckets', 'an integer from 1 to 2^63', String(buckets));
  }
  const nullHash = spec.nullHash ?? null;
  if (nullHash !== null && (typeof nullHash !== 'bigint' || nullHash < 0n || nullHash > max)) {
    throw errors.badFlagValue('null-hash', wide ? 'an integer from 0 to 2^64-1' : 'an integer from 0 to 2^32-1 (murmur3 hashes are 32-bit)', String(nullHash));
  }
  const outputKind = buckets !== null ? OutputKind.bucket : wide ? OutputKind.u64 : OutputKind.u32;
  return { algorithm: spec.algorithm, algorithmIndex, seed, key, buckets, nullHash, outputKind };
}

/** The Arrow type of a hashed column: uint64, uint32 (murmur3) or int64 buckets. */
export function outputTypeOf(spec: ResolvedSpec): DataType {
  return spec.outputKind === OutputKind.bucket ? new Int64() : spec.outputKind === OutputKind.u32 ? new Uint32() : new Uint64();
}

/** Parses an unsigned integer flag value: decimal, or hex with 0x. */
export function parseUnsigned(flag: string, text: string, expected: string, max: bigint): bigint {
  const t = text.trim();
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(t)) throw errors.badFlagValue(flag, expected, text);
  const v = BigInt(t);
  if (v > max) throw errors.badFlagValue(flag, expected, text);
  return v;
}

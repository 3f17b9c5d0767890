/**
 * User keys of a seq-store: how users order, compare, hash and travel.
 *
 * A store's user column is an integer (any width; uint64 orders unsigned) or
 * utf8/binary (orders by bytes). Integers travel as their 64-bit lane value; the
 * "order key" is that value as an unsigned 64-bit number whose unsigned order is
 * the user order (signed lanes with the sign bit flipped). Strings are their bytes.
 * The manifest keeps key ranges as order-preserving bytes (8-byte big-endian order
 * keys, or the string bytes), so SQLite's memcmp order is the user order.
 */
import { DataType, Type } from 'apache-arrow';
import { errors, typeName } from '@recdata/core';
import { fmix32, murmur3_32 } from '@recdata/hash';

export type UserKind = 'int' | 'uint64' | 'bytes';

/** A user as the store sees it: an int lane value or bytes. */
export type UserKey = bigint | Uint8Array;

export function userKindOf(type: DataType): UserKind {
  if (type.typeId === Type.Int) {
    const t = type as DataType & { isSigned: boolean; bitWidth: number };
    return !t.isSigned && t.bitWidth === 64 ? 'uint64' : 'int';
  }
  return 'bytes';
}

const SIGN = 1n << 63n;
const U64 = (1n << 64n) - 1n;

/** The unsigned order key of an int lane value (as a signed bigint lane value). */
export function orderKey(kind: UserKind, laneValue: bigint): bigint {
  const u = laneValue & U64;
  return kind === 'uint64' ? u : u ^ SIGN;
}

/** The lane value (signed 64-bit bigint) of an order key. */
export function laneValueOf(kind: UserKind, key: bigint): bigint {
  const u = kind === 'uint64' ? key : key ^ SIGN;
  return BigInt.asIntN(64, u);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Compares two users of one store (int users by lane value under the kind's order). */
export function compareUsers(kind: UserKind, a: UserKey, b: UserKey): number {
  if (kind === 'bytes') return compareBytes(a as Uint8Array, b as Uint8Array);
  const x = orderKey(kind, a as bigint);
  const y = orderKey(kind, b as bigint);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Order-preserving bytes of a user (for the manifest's key ranges). */
export function userKeyBytes(kind: UserKind, user: UserKey): Uint8Array {
  if (kind === 'bytes') return user as Uint8Array;
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, orderKey(kind, user as bigint), false);
  return out;
}

export function userFromKeyBytes(kind: UserKind, bytes: Uint8Array): UserKey {
  if (kind === 'bytes') return bytes;
  return laneValueOf(kind, new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false));
}

/** A user for messages. */
export function userText(user: UserKey): string {
  return typeof user === 'bigint' ? user.toString() : Buffer.from(user).toString('utf8');
}

/**
 * --user text as a user of a store whose user column has `type`: integers are
 * range-checked against the type (exit 2 otherwise), strings are their UTF-8 bytes.
 */
export function parseUser(text: string, type: DataType, column: string): UserKey {
  if (type.typeId !== Type.Int) return new Uint8Array(Buffer.from(text, 'utf8'));
  const t = type as DataType & { isSigned: boolean; bitWidth: number };
  const bits = BigInt(t.bitWidth);
  const min = t.isSigned ? -(1n << (bits - 1n)) : 0n;
  const max = t.isSigned ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const v = /^-?\d{1,20}$/.test(text.trim()) ? BigInt(text.trim()) : null;
  if (v === null || v < min || v > max) throw errors.badFlagValue('user', `an integer from ${min} to ${max} (the store's ${column} is ${typeName(type)})`, text);
  // The lane holds signed 64-bit values: uint64 users above 2^63 wrap.
  return BigInt.asIntN(64, v);
}

// ---- hashing (Bloom filters) ------------------------------------------------

/** The two hashes the Bloom filter uses for an int user (lane value words). */
export function hashIntWords(hi: number, lo: number, out: Uint32Array): void {
  const a = fmix32((lo ^ fmix32(hi ^ 0x9e3779b9)) >>> 0);
  const b = fmix32((hi ^ fmix32(lo ^ 0x7f4a7c15)) >>> 0) | 1;
  out[0] = a;
  out[1] = b;
}

/** The two hashes for a bytes user. */
export function hashBytes(bytes: Uint8Array, from: number, to: number, out: Uint32Array): void {
  const key = bytes.subarray(from, to);
  out[0] = murmur3_32(key, 0x9e3779b9);
  out[1] = murmur3_32(key, 0x7f4a7c15) | 1;
}

const scratch = new BigInt64Array(1);
const scratchWords = new Int32Array(scratch.buffer);

export function hashUser(user: UserKey, out: Uint32Array): void {
  if (typeof user === 'bigint') {
    scratch[0] = user;
    hashIntWords(scratchWords[1], scratchWords[0], out);
  } else hashBytes(user, 0, user.length, out);
}

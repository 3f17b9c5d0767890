/**
 * The seq kernels behind one interface, in TypeScript (the reference) or native
 * (native/src/seq.cc and the codec files it uses): grouping rows into sequences,
 * encoding chunks of sequences into payloads, decoding payloads into lanes. Both
 * give the same bytes; the tests hold them to it.
 */
import { chooseBackend, errors, loadNative, requestedBackend, type BackendChoice } from '@recdata/core';
import { createHash } from 'node:crypto';
import { decodeHeader, type StreamHeader } from './format/header.js';
import { CorruptSequence, decodeChunk, encodeChunk, type DecodedChunk, type EncodedChunk } from './format/payload.js';
import { groupKeys, groupRows, type Grouping, type PartitionSpec } from './group/sort.js';
import type { Lane } from './lanes/lane.js';
import { columnStats, type ColumnStats } from './tables/models.js';

export type SeqBackend = 'js' | 'native';

/** The functions the native addon's "seq" family exports. */
export interface NativeSeq {
  seqModel(header: Uint8Array): unknown;
  seqEncodeChunk(model: unknown, starts: Int32Array, lanes: Lane[]): EncodedChunk;
  /** Throws an Error with `sequence` and `offset` for a corrupt payload. */
  seqDecodeChunk(model: unknown, bytes: Uint8Array, offsets: Int32Array, expected: Uint32Array | null, verifyChecksum: boolean): DecodedChunk;
  seqGroup(userKeys: BigInt64Array, ts: BigInt64Array, unitsPerSecond: number, seconds: number, unsigned: boolean): Grouping;
  seqColumnStats(values: BigInt64Array, valid: Uint8Array | null, perm: Int32Array, starts: Int32Array): ColumnStats;
  deltaBinaryPackedEncode(values: Int32Array | BigInt64Array): Uint8Array;
  deltaBinaryPackedDecode(bytes: Uint8Array, offset: number, type: 'int32' | 'int64'): { values: Int32Array | BigInt64Array; end: number };
  crc32c(bytes: Uint8Array): number;
  seqWiden(src: ArrayBufferView, dst: BigInt64Array, at: number, mapping?: Int32Array, validity?: Uint8Array | null, validityOffset?: number): number;
}

export const SEQ_FAMILY = 'seq';

export function nativeSeq(): NativeSeq | null {
  const { addon } = loadNative();
  if (!addon || !addon.families().includes(SEQ_FAMILY)) return null;
  return addon as unknown as NativeSeq;
}

/** --backend for seq: cuda and offload have no seq kernels (exit 69 when asked for). */
export function chooseSeqBackend(flag: string | undefined): BackendChoice {
  const request = requestedBackend(flag);
  const choice = chooseBackend(request, { family: SEQ_FAMILY, cuda: false, offload: false });
  if (choice.backend !== 'js' && choice.backend !== 'native') throw errors.backendUnavailable(choice.backend, 'the seq kernels run on the CPU only');
  return choice;
}

/** A header parsed once per thread and backend, keyed by its bytes. */
interface Prepared {
  header: StreamHeader;
  model: unknown;
}

const prepared = new Map<string, Prepared>();

/**
 * A header ends in its own CRC-32C, so a CRC over all of it is the same constant
 * for every intact header of one length (the CRC residue): the key hashes the
 * whole header instead. (Regression: two seq-store flushes in one process whose
 * headers differed in one model byte shared one cached model.)
 */
function headerKey(bytes: Uint8Array): string {
  return `${bytes.length}:${createHash('sha256').update(bytes).digest('base64')}`;
}

export function prepare(headerBytes: Uint8Array, backend: SeqBackend): Prepared {
  const key = `${backend}:${headerKey(headerBytes)}`;
  let p = prepared.get(key);
  if (!p) {
    const header = decodeHeader(headerBytes);
    const model = backend === 'native' ? requireNative().seqModel(headerBytes) : null;
    p = { header, model };
    if (prepared.size > 16) prepared.clear();
    prepared.set(key, p);
  }
  return p;
}

function requireNative(): NativeSeq {
  const n = nativeSeq();
  if (!n) throw errors.backendUnavailable('native', 'the native addon has no seq kernels');
  return n;
}

export function runEncode(headerBytes: Uint8Array, backend: SeqBackend, starts: Int32Array, lanes: Lane[]): EncodedChunk {
  const p = prepare(headerBytes, backend);
  if (backend === 'native') return requireNative().seqEncodeChunk(p.model, starts, lanes);
  return encodeChunk(p.header, starts, lanes);
}

export function runDecode(headerBytes: Uint8Array, backend: SeqBackend, bytes: Uint8Array, offsets: Int32Array, expected: Uint32Array | null): DecodedChunk {
  const p = prepare(headerBytes, backend);
  if (backend === 'js') return decodeChunk(p.header, bytes, offsets, expected);
  try {
    return requireNative().seqDecodeChunk(p.model, bytes, offsets, expected, true);
  } catch (e) {
    // The native kernel reports a corrupt payload as an Error with these fields.
    const c = e as Error & { sequence?: unknown; offset?: unknown; column?: unknown };
    if (typeof c.sequence === 'number' && typeof c.offset === 'number') throw new CorruptSequence(c.sequence, c.offset, c.message, typeof c.column === 'number' ? c.column : -1);
    throw e;
  }
}

/** Groups rows by user (a lane) and ts; uint64 users order as unsigned. */
export function runGroup(backend: SeqBackend, user: Lane, unsigned64: boolean, ts: BigInt64Array, partition: PartitionSpec | null): Grouping {
  const { keys, unsigned } = groupKeys(user, unsigned64);
  if (backend === 'native') return requireNative().seqGroup(keys, ts, partition?.unitsPerSecond ?? 0, partition?.seconds ?? 0, unsigned);
  return groupRows(keys, ts, partition, unsigned);
}

export function runStats(backend: SeqBackend, values: BigInt64Array, valid: Uint8Array | null, perm: Int32Array, starts: Int32Array): ColumnStats {
  if (backend === 'native') return requireNative().seqColumnStats(values, valid, perm, starts);
  return columnStats(values, valid, perm, starts);
}

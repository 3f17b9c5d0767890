/**
 * The byte layout of a run file (docs/store.md, "Run files"): seq payloads in
 * user order, then four checksummed sections (meta, sequence table, sparse index,
 * Bloom filter) and a fixed 64-byte footer that locates them and carries the
 * CRC-32C of every byte before it.
 *
 *   "RSQRUN" 0x00 0x01          magic
 *   payloads                    one seq payload per sequence (each ends with its CRC-32C)
 *   meta, table, index, bloom   each: body, u32 CRC-32C of the body (the table: per block)
 *   footer                      u64 offset + u32 length of each section (4 x 12 bytes),
 *                               u32 CRC-32C of the file before the footer,
 *                               u32 CRC-32C of the footer's first 52 bytes, magic
 */
import { ByteReader, ByteWriter, CorruptPayload } from '../codec/bytes.js';
import { crc32c } from '../codec/crc32c.js';
import { W } from '../codec/w64.js';
import type { UserKind } from './user-key.js';

export const RUN_MAGIC = new Uint8Array([0x52, 0x53, 0x51, 0x52, 0x55, 0x4e, 0x00, 0x01]);
export const FOOTER_BYTES = 64;
export const RUN_VERSION = 1;
/** Sequences per table block (what a lookup decodes). */
export const BLOCK_SEQUENCES = 64;

export const USER_KINDS: UserKind[] = ['int', 'uint64', 'bytes'];

export interface Section {
  offset: number;
  length: number;
}

export interface Footer {
  meta: Section;
  table: Section;
  index: Section;
  bloom: Section;
  /** CRC-32C of every byte before the footer. */
  fileCrc: number;
}

export interface RunMeta {
  userKind: UserKind;
  partition: number;
  sequences: number;
  events: number;
  lsnMin: number;
  lsnMax: number;
  tsMin: bigint;
  tsMax: bigint;
  /** End of the payload region (payloads are [8, payloadEnd)). */
  payloadEnd: number;
  blocks: number;
  /** Order-preserving bytes of the first and last user. */
  userMin: Uint8Array;
  userMax: Uint8Array;
  /** The events' Arrow schema as an IPC Schema message. */
  schemaBytes: Uint8Array;
  /** The seq stream header the payloads are encoded with. */
  headerBytes: Uint8Array;
}

/** Writes u64 little-endian (below 2^53). */
function u64(out: Uint8Array, at: number, v: number): void {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setUint32(at, v >>> 0, true);
  dv.setUint32(at + 4, Math.floor(v / 4294967296), true);
}

function readU64(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 4294967296;
}

export function encodeFooter(f: Footer): Uint8Array {
  const out = new Uint8Array(FOOTER_BYTES);
  const dv = new DataView(out.buffer);
  [f.meta, f.table, f.index, f.bloom].forEach((s, i) => {
    u64(out, i * 12, s.offset);
    dv.setUint32(i * 12 + 8, s.length, true);
  });
  dv.setUint32(48, f.fileCrc, true);
  dv.setUint32(52, crc32c(out, 0, 52), true);
  out.set(RUN_MAGIC, 56);
  return out;
}

/** The footer of a file of `size` bytes; throws CorruptPayload (offsets absolute in the file). */
export function decodeFooter(bytes: Uint8Array, size: number): Footer {
  const base = size - FOOTER_BYTES;
  if (bytes.length !== FOOTER_BYTES) throw new CorruptPayload(`the file is ${size} bytes, shorter than a run file's footer`, 0);
  for (let i = 0; i < 8; i++) if (bytes[56 + i] !== RUN_MAGIC[i]) throw new CorruptPayload('the footer does not end with the run file magic', base + 56);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (crc32c(bytes, 0, 52) !== dv.getUint32(52, true)) throw new CorruptPayload('footer checksum mismatch', base + 52);
  const s = (i: number): Section => ({ offset: readU64(dv, i * 12), length: dv.getUint32(i * 12 + 8, true) });
  const f: Footer = { meta: s(0), table: s(1), index: s(2), bloom: s(3), fileCrc: dv.getUint32(48, true) };
  let expect = -1;
  for (const [name, sec] of [
    ['meta', f.meta],
    ['table', f.table],
    ['index', f.index],
    ['bloom', f.bloom],
  ] as const) {
    if (sec.length < 4 || sec.offset < RUN_MAGIC.length || sec.offset + sec.length > base || (expect >= 0 && sec.offset !== expect)) {
      throw new CorruptPayload(`the footer places the ${name} section outside the file`, base);
    }
    expect = sec.offset + sec.length;
  }
  if (expect !== base) throw new CorruptPayload('the sections do not end at the footer', base);
  return f;
}

/** Appends a section's CRC-32C to its body. */
export function sealSection(body: ByteWriter): Uint8Array {
  body.u32le(crc32c(body.buf, 0, body.pos));
  return body.finish();
}

/** The body of a section read whole, after checking its CRC (`at`: its file offset, for messages). */
export function openSection(bytes: Uint8Array, at: number, what: string): ByteReader {
  if (bytes.length < 4) throw new CorruptPayload(`the ${what} is ${bytes.length} bytes`, at);
  const end = bytes.length - 4;
  const stored = (bytes[end] | (bytes[end + 1] << 8) | (bytes[end + 2] << 16) | (bytes[end + 3] << 24)) >>> 0;
  if (crc32c(bytes, 0, end) !== stored) throw new CorruptPayload(`${what} checksum mismatch`, at + end);
  return new ByteReader(bytes, 0, end);
}

function writeBytes(out: ByteWriter, b: Uint8Array): void {
  out.uleb(b.length);
  out.bytes(b);
}

export function encodeMeta(m: RunMeta): Uint8Array {
  const out = new ByteWriter(1024 + m.schemaBytes.length + m.headerBytes.length);
  out.uleb(RUN_VERSION);
  out.u8(USER_KINDS.indexOf(m.userKind));
  out.slebW(m.partition < 0 ? -1 : 0, m.partition >>> 0);
  out.uleb(m.sequences);
  out.uleb(m.events);
  out.uleb(m.lsnMin);
  out.uleb(m.lsnMax);
  writeBig(out, m.tsMin);
  writeBig(out, m.tsMax);
  out.uleb(m.payloadEnd);
  out.uleb(m.blocks);
  writeBytes(out, m.userMin);
  writeBytes(out, m.userMax);
  writeBytes(out, m.schemaBytes);
  writeBytes(out, m.headerBytes);
  return sealSection(out);
}

function writeBig(out: ByteWriter, v: bigint): void {
  out.slebW(Number(BigInt.asIntN(32, v >> 32n)), Number(BigInt.asUintN(32, v)));
}

function readBig(r: ByteReader, what: string): bigint {
  r.slebW(what);
  return (BigInt(W.hi) << 32n) | BigInt(W.lo >>> 0);
}

export function decodeMeta(r: ByteReader): RunMeta {
  const version = r.uleb('the run format version', 255);
  if (version !== RUN_VERSION) r.fail(`run format version ${version} is not supported (this recdata reads version ${RUN_VERSION})`, 0);
  const kindAt = r.pos;
  const kind = r.u8('the user kind');
  if (kind >= USER_KINDS.length) r.fail(`unknown user kind ${kind}`, kindAt);
  r.slebW('the partition');
  const partition = W.hi * 4294967296 + (W.lo >>> 0);
  const sequences = r.uleb('the sequence count', 2 ** 40);
  const events = r.uleb('the event count', 2 ** 50);
  const lsnMin = r.uleb('the first LSN', 2 ** 52);
  const lsnMax = r.uleb('the last LSN', 2 ** 52);
  const tsMin = readBig(r, 'the first ts');
  const tsMax = readBig(r, 'the last ts');
  const payloadEnd = r.uleb('the payload end', 2 ** 52);
  const blocks = r.uleb('the block count', 2 ** 40);
  const bytes = (what: string) => r.take(r.uleb(`the length of ${what}`, r.remaining), what).slice();
  const userMin = bytes('the first user');
  const userMax = bytes('the last user');
  const schemaBytes = bytes('the schema');
  const headerBytes = bytes('the seq header');
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes left over in the meta section`);
  return { userKind: USER_KINDS[kind], partition, sequences, events, lsnMin, lsnMax, tsMin, tsMax, payloadEnd, blocks, userMin, userMax, schemaBytes, headerBytes };
}

/**
 * The payload of one sequence, and the TypeScript twin of the native payload
 * kernels (native/src/seq.cc): both turn a chunk of sequences into the same bytes.
 *
 *   ULEB n                         events in the sequence (>= 1)
 *   per encoded column, in header order:
 *     u8 (presence << 6) | tag     presence 0 all valid, 1 all null (tag 0),
 *                                  2 mixed; tag: the codec of the valid values
 *     [mixed] ULEB runs, then the run lengths (ULEB each), alternating valid and
 *             null, starting with a valid run (only the first may be empty)
 *     [k > 0 valid values] ULEB byte length and body of the values block
 *   u32 CRC-32C (little endian) of every byte before it
 */
import { ByteReader, ByteWriter, CorruptPayload, ulebSize } from '../codec/bytes.js';
import { crc32c } from '../codec/crc32c.js';
import { decodeStrings, decodeValues, encodeStrings, encodeValues, type FloatWidth } from '../codec/values.js';
import { wordsOf } from '../codec/w64.js';
import { LANE_FLOAT32, LANE_FLOAT64, LANE_STRING, type ColumnSpec, type StreamHeader } from './header.js';
import type { Lane, StringLane } from '../lanes/lane.js';

export const PRESENCE_ALL = 0;
export const PRESENCE_NONE = 1;
export const PRESENCE_MIXED = 2;

/** The largest sequence a payload may hold (list offsets are 32-bit). */
export const MAX_SEQUENCE_EVENTS = 0x7fffffff;

export interface EncodedChunk {
  /** Payloads one after another; payload i is bytes[offsets[i], offsets[i + 1]). */
  bytes: Uint8Array;
  offsets: Int32Array;
}

function floatWidth(spec: ColumnSpec): FloatWidth {
  return spec.lane === LANE_FLOAT32 ? 32 : spec.lane === LANE_FLOAT64 ? 64 : 0;
}

/** Encodes every sequence of a chunk: sequence s is rows [starts[s], starts[s + 1]) of the lanes. */
export function encodeChunk(header: StreamHeader, starts: Int32Array, lanes: Lane[]): EncodedChunk {
  const nSeq = starts.length - 1;
  const out = new ByteWriter(1 << 16);
  const offsets = new Int32Array(nSeq + 1);
  const scratch = new ByteWriter(1 << 12);
  for (let s = 0; s < nSeq; s++) {
    const begin = out.pos;
    const from = starts[s];
    const n = starts[s + 1] - from;
    out.uleb(n);
    for (let c = 0; c < header.columns.length; c++) encodeColumn(out, header.columns[c], lanes[c], from, n, scratch);
    out.u32le(crc32c(out.buf, begin, out.pos));
    offsets[s + 1] = out.pos;
  }
  return { bytes: out.finish(), offsets };
}

function encodeColumn(out: ByteWriter, spec: ColumnSpec, lane: Lane, from: number, n: number, scratch: ByteWriter): void {
  const valid = lane.valid;
  let k = n;
  if (valid) {
    k = 0;
    for (let i = from; i < from + n; i++) k += valid[i];
  }
  if (k === 0) {
    out.u8(PRESENCE_NONE << 6);
    return;
  }
  // The values block goes to scratch first: its tag shares the presence byte.
  scratch.pos = 0;
  writeValues(scratch, spec, lane, from, n, k === n ? null : valid);
  const tag = scratch.buf[0];
  if (k === n) out.u8((PRESENCE_ALL << 6) | tag);
  else {
    out.u8((PRESENCE_MIXED << 6) | tag);
    const runs: number[] = [];
    let expect = 1;
    let length = 0;
    for (let i = from; i < from + n; i++) {
      if (valid![i] === expect) length++;
      else {
        runs.push(length);
        expect ^= 1;
        length = 1;
      }
    }
    runs.push(length);
    out.uleb(runs.length);
    for (const r of runs) out.uleb(r);
  }
  out.bytes(scratch.buf.subarray(1, scratch.pos));
}

/** The values block of the valid rows among [from, from + n). */
function writeValues(out: ByteWriter, spec: ColumnSpec, lane: Lane, from: number, n: number, valid: Uint8Array | null): void {
  if (lane.kind === 'string') {
    const s = valid ? compactStrings(lane, from, n, valid) : { offsets: lane.offsets, bytes: lane.bytes, start: from, count: n };
    encodeStrings(out, s, spec.table, spec.model);
    return;
  }
  const w = wordsOf(lane.values);
  if (!valid) {
    encodeValues(out, w, from, n, spec.model, floatWidth(spec));
    return;
  }
  const compact = new Int32Array(2 * n);
  let k = 0;
  for (let i = from; i < from + n; i++) {
    if (!valid[i]) continue;
    compact[2 * k] = w[2 * i];
    compact[2 * k + 1] = w[2 * i + 1];
    k++;
  }
  encodeValues(out, compact, 0, k, spec.model, floatWidth(spec));
}

function compactStrings(lane: StringLane, from: number, n: number, valid: Uint8Array) {
  const offsets: number[] = [0];
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = from; i < from + n; i++) {
    if (!valid[i]) continue;
    const part = lane.bytes.subarray(lane.offsets[i], lane.offsets[i + 1]);
    parts.push(part);
    total += part.length;
    offsets.push(total);
  }
  const bytes = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    bytes.set(part, p);
    p += part.length;
  }
  return { offsets: Int32Array.from(offsets), bytes, start: 0, count: offsets.length - 1 };
}

// ---- decoding --------------------------------------------------------------

/** A payload that cannot be decoded: which one (index in the chunk) and where. */
export class CorruptSequence extends Error {
  readonly sequence: number;
  readonly offset: number;
  /** The payload column being decoded, or -1 outside the columns. */
  column: number;
  constructor(sequence: number, offset: number, message: string, column = -1) {
    super(message);
    this.name = 'CorruptSequence';
    this.sequence = sequence;
    this.offset = offset;
    this.column = column;
  }
}

/** Growable lane builders for decoding. */
class IntBuilder {
  values: BigInt64Array;
  words: Int32Array;
  valid: Uint8Array | null = null;
  length = 0;
  constructor(capacity: number) {
    this.values = new BigInt64Array(capacity);
    this.words = wordsOf(this.values);
  }
  reserve(n: number): void {
    if (this.length + n <= this.values.length) return;
    const next = new BigInt64Array(Math.max(this.length + n, this.values.length * 2));
    next.set(this.values.subarray(0, this.length));
    this.values = next;
    this.words = wordsOf(next);
    if (this.valid) {
      const v = new Uint8Array(next.length);
      v.set(this.valid.subarray(0, this.length));
      this.valid = v;
    }
  }
  markValidity(): Uint8Array {
    if (!this.valid) {
      this.valid = new Uint8Array(this.values.length);
      this.valid.fill(1, 0, this.length);
    }
    return this.valid;
  }
}

class StringBuilder {
  offsets: Int32Array;
  bytes: Uint8Array;
  valid: Uint8Array | null = null;
  length = 0;
  constructor(capacity: number) {
    this.offsets = new Int32Array(capacity + 1);
    this.bytes = new Uint8Array(Math.max(64, capacity * 8));
  }
  reserve(n: number): void {
    if (this.length + n + 1 <= this.offsets.length) return;
    const next = new Int32Array(Math.max(this.length + n + 1, this.offsets.length * 2));
    next.set(this.offsets.subarray(0, this.length + 1));
    this.offsets = next;
    if (this.valid) {
      const v = new Uint8Array(next.length);
      v.set(this.valid.subarray(0, this.length));
      this.valid = v;
    }
  }
  push(src: Uint8Array, from: number, to: number): void {
    const end = this.offsets[this.length];
    const len = to - from;
    if (end + len > this.bytes.length) {
      const next = new Uint8Array(Math.max(end + len, this.bytes.length * 2));
      next.set(this.bytes.subarray(0, end));
      this.bytes = next;
    }
    this.bytes.set(src.subarray(from, to), end);
    this.offsets[++this.length] = end + len;
  }
  pushEmpty(): void {
    this.offsets[this.length + 1] = this.offsets[this.length];
    this.length++;
  }
  markValidity(): Uint8Array {
    if (!this.valid) {
      this.valid = new Uint8Array(this.offsets.length);
      this.valid.fill(1, 0, this.length);
    }
    return this.valid;
  }
}

export interface DecodedChunk {
  starts: Int32Array;
  lanes: Lane[];
}

/**
 * Decodes payloads [offsets[i], offsets[i + 1]) of `bytes`. `expected` holds each
 * sequence's event count from the stream (checked before anything is allocated).
 */
export function decodeChunk(header: StreamHeader, bytes: Uint8Array, offsets: Int32Array, expected: Uint32Array | null, verifyChecksum = true): DecodedChunk {
  const nSeq = offsets.length - 1;
  let total = 0;
  if (expected) for (let s = 0; s < nSeq; s++) total += expected[s];
  const builders = header.columns.map((c) => (c.lane === LANE_STRING ? new StringBuilder(Math.min(total, 1 << 20)) : new IntBuilder(Math.min(total, 1 << 20))));
  const starts = new Int32Array(nSeq + 1);
  for (let s = 0; s < nSeq; s++) {
    const from = offsets[s];
    const to = offsets[s + 1];
    try {
      const n = decodeOne(header, bytes, from, to, expected ? expected[s] : -1, builders, verifyChecksum);
      starts[s + 1] = starts[s] + n;
    } catch (e) {
      if (e instanceof CorruptPayload) throw new CorruptSequence(s, e.offset - from, e.message, (e as CorruptPayload & { column?: number }).column ?? -1);
      if (e instanceof RangeError) throw new CorruptSequence(s, 0, `cannot allocate the decoded sequence (${e.message})`);
      throw e;
    }
  }
  const lanes: Lane[] = builders.map((b) =>
    b instanceof StringBuilder
      ? { kind: 'string', offsets: b.offsets.subarray(0, b.length + 1), bytes: b.bytes.subarray(0, b.offsets[b.length]), valid: b.valid ? b.valid.subarray(0, b.length) : null }
      : { kind: 'int', values: b.values.subarray(0, b.length), valid: b.valid ? b.valid.subarray(0, b.length) : null },
  );
  return { starts, lanes };
}

function decodeOne(header: StreamHeader, bytes: Uint8Array, from: number, to: number, expected: number, builders: (IntBuilder | StringBuilder)[], verify: boolean): number {
  if (to - from < 5) throw new CorruptPayload(`a payload of ${to - from} bytes is shorter than its event count and checksum`, from);
  const crcAt = to - 4;
  if (verify && crc32c(bytes, from, crcAt) !== new ByteReader(bytes, crcAt, to).u32le()) throw new CorruptPayload('payload checksum mismatch', crcAt);
  return decodeBody(header, bytes, from, crcAt, expected, builders);
}

/** Decodes a payload body (checksum already checked or not wanted: the fuzz tests use both). */
export function decodeBody(header: StreamHeader, bytes: Uint8Array, from: number, end: number, expected: number, builders: (IntBuilder | StringBuilder)[]): number {
  const r = new ByteReader(bytes, from, end);
  const n = r.uleb('the event count', MAX_SEQUENCE_EVENTS);
  if (n === 0) r.fail('a sequence of 0 events', from);
  if (expected >= 0 && n !== expected) r.fail(`the payload holds ${n} events, its row says ${expected}`, from);
  for (let c = 0; c < header.columns.length; c++) {
    try {
      decodeColumn(header.columns[c], builders[c], r, n);
    } catch (e) {
      if (e instanceof CorruptPayload) (e as CorruptPayload & { column?: number }).column = c;
      throw e;
    }
  }
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes left over after the last column`);
  return n;
}

function decodeColumn(spec: ColumnSpec, b: IntBuilder | StringBuilder, r: ByteReader, n: number): void {
  {
    const base = b.length;
    b.reserve(n);
    const at = r.pos;
    const first = r.u8('a presence and codec byte');
    const presence = first >> 6;
    const tag = first & 63;
    if (presence === PRESENCE_NONE && tag !== 0) r.fail('an all-null column with a codec tag', at);
    let valid: Uint8Array | null = null;
    let k = n;
    if (presence === PRESENCE_NONE) k = 0;
    else if (presence === PRESENCE_MIXED) {
      const runs = r.uleb('the validity run count', n + 1);
      valid = new Uint8Array(n);
      let filled = 0;
      let flag = 1;
      k = 0;
      for (let i = 0; i < runs; i++) {
        const lenAt = r.pos;
        const len = r.uleb('a validity run', n);
        if (len === 0 && i > 0) r.fail('an empty validity run after the first', lenAt);
        if (len > n - filled) r.fail('validity runs cover more than the sequence', lenAt);
        if (flag) {
          valid.fill(1, filled, filled + len);
          k += len;
        }
        filled += len;
        flag ^= 1;
      }
      if (filled !== n) r.fail(`validity runs cover ${filled} of ${n} events`, at);
      if (k === 0 || k === n) r.fail('a mixed validity map that is all valid or all null', at);
    } else if (presence !== PRESENCE_ALL) r.fail(`unknown presence byte ${presence}`, at);
    if (presence !== PRESENCE_ALL) {
      const v = b.markValidity();
      if (valid) v.set(valid, base);
      else v.fill(0, base, base + n);
    } else if (b.valid) b.valid.fill(1, base, base + n);
    if (b instanceof StringBuilder) {
      if (k === n) decodeStrings(r, k, spec.table, spec.model, b, tag);
      else {
        const tmp = new StringBuilder(k);
        if (k > 0) decodeStrings(r, k, spec.table, spec.model, tmp, tag);
        let j = 0;
        for (let i = 0; i < n; i++) {
          if (valid && valid[i]) {
            b.push(tmp.bytes, tmp.offsets[j], tmp.offsets[j + 1]);
            j++;
          } else b.pushEmpty();
        }
      }
    } else {
      const fw = floatWidth(spec);
      const w = b.words;
      if (k === n) decodeValues(r, n, spec.model, fw, w, base, tag);
      else {
        w.fill(0, 2 * base, 2 * (base + n));
        if (k > 0) {
          const tmp = new Int32Array(2 * k);
          decodeValues(r, k, spec.model, fw, tmp, 0, tag);
          let j = 0;
          for (let i = 0; i < n; i++) {
            if (!valid![i]) continue;
            w[2 * (base + i)] = tmp[2 * j];
            w[2 * (base + i) + 1] = tmp[2 * j + 1];
            j++;
          }
        }
      }
      b.length = base + n;
    }
  }
}

/** Size of the payload's fixed parts, for estimates. */
export function payloadOverhead(n: number, columns: number): number {
  return ulebSize(n) + columns * 3 + 4;
}

export { IntBuilder, StringBuilder };

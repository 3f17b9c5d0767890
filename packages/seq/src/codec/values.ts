/**
 * A values block: one codec tag byte, the ULEB128 byte length of the body, the
 * body. The encoder sizes every codec that applies, exactly, and writes the
 * smallest (ties go to the lower tag), so the choice is recorded and the decoder
 * never guesses. See docs/seq-format.md for each body's layout.
 */
import { ByteReader, ByteWriter, CorruptPayload, ulebSize } from './bytes.js';
import { encodeInt64 as encodeDelta, decodeWide as decodeDelta, sizeInt64 as sizeDelta } from './delta.js';
import { decodeFor, encodeFor, sizeFor } from './for.js';
import { decodeRle, encodeRle, sizeRle } from './rle.js';
import { decodeEntropy, encodeEntropy, sizeEntropy, type EntropyModel } from './entropy.js';
import { ALP_MAX_EXPONENT, alpDecodeInto, alpEncode } from './alp.js';
import { wordsOf } from './w64.js';

export const TAG_DELTA = 1;
export const TAG_FOR = 2;
export const TAG_RLE = 3;
export const TAG_HUFFMAN = 4;
export const TAG_RAW = 5;
export const TAG_ALP = 6;
export const TAG_STRINGS = 7;
export const TAG_STRING_CODES = 8;

export const TAG_NAMES: Record<number, string> = {
  [TAG_DELTA]: 'delta',
  [TAG_FOR]: 'for',
  [TAG_RLE]: 'rle',
  [TAG_HUFFMAN]: 'huffman',
  [TAG_RAW]: 'raw',
  [TAG_ALP]: 'alp',
  [TAG_STRINGS]: 'strings',
  [TAG_STRING_CODES]: 'string-codes',
};

/** How a lane's 64-bit values are to be read: integers, or float bit patterns. */
export type FloatWidth = 0 | 32 | 64;

function blockSize(body: number): number {
  return 1 + ulebSize(body) + body;
}

/** The best plain integer codec (DELTA, FOR, RLE): for nested blocks. */
function bestPlain(values: Int32Array, start: number, count: number): { tag: number; size: number } {
  let tag = TAG_DELTA;
  let size = sizeDelta(values, start, count);
  const f = sizeFor(values, start, count);
  if (f < size) (tag = TAG_FOR), (size = f);
  const r = sizeRle(values, start, count);
  if (r < size) (tag = TAG_RLE), (size = r);
  return { tag, size };
}

function writePlain(out: ByteWriter, tag: number, values: Int32Array, start: number, count: number): void {
  if (tag === TAG_DELTA) encodeDelta(out, values, start, count);
  else if (tag === TAG_FOR) encodeFor(out, values, start, count);
  else encodeRle(out, values, start, count);
}

function checkSize(out: ByteWriter, from: number, size: number, tag: number): void {
  if (out.pos - from !== size) throw new Error(`internal: codec ${TAG_NAMES[tag]} wrote ${out.pos - from} bytes, sized ${size}`);
}

/** Writes the values block for `count` (>= 1) lane values (word pairs); returns the tag chosen. */
export function encodeValues(out: ByteWriter, values: Int32Array, start: number, count: number, model: EntropyModel | null, float: FloatWidth): number {
  let { tag, size } = bestPlain(values, start, count);
  if (model) {
    const h = sizeEntropy(model, values, start, count);
    if (h < size) (tag = TAG_HUFFMAN), (size = h);
  }
  let alp: { exponent: number; ints: BigInt64Array; inner: { tag: number; size: number } } | null = null;
  if (float) {
    const raw = count * (float / 8);
    if (raw < size) (tag = TAG_RAW), (size = raw);
    const a = alpEncode(values, start, count, float === 32);
    if (a) {
      const inner = bestPlain(wordsOf(a.ints), 0, count);
      const s = 1 + blockSize(inner.size);
      if (s < size) {
        tag = TAG_ALP;
        size = s;
        alp = { ...a, inner };
      }
    }
  }
  out.u8(tag);
  out.uleb(size);
  const from = out.pos;
  switch (tag) {
    case TAG_HUFFMAN:
      encodeEntropy(out, model!, values, start, count);
      break;
    case TAG_RAW:
      for (let i = start; i < start + count; i++) {
        out.u32le(values[2 * i] >>> 0);
        if (float === 64) out.u32le(values[2 * i + 1] >>> 0);
      }
      break;
    case TAG_ALP:
      out.u8(alp!.exponent);
      out.u8(alp!.inner.tag);
      out.uleb(alp!.inner.size);
      writePlain(out, alp!.inner.tag, wordsOf(alp!.ints), 0, count);
      break;
    default:
      writePlain(out, tag, values, start, count);
  }
  checkSize(out, from, size, tag);
  return tag;
}

/**
 * Reads a block's tag (unless the caller read it: `knownTag` >= 0) and body
 * bounds; the body reader cannot run past the block.
 */
export function openBlock(r: ByteReader, knownTag = -1): { tag: number; body: ByteReader; at: number } {
  const at = r.pos;
  const tag = knownTag >= 0 ? knownTag : r.u8('a codec tag');
  const length = r.uleb('a block length');
  r.need(length, `a ${TAG_NAMES[tag] ?? `tag-${tag}`} block of ${length} bytes`);
  const body = new ByteReader(r.bytes, r.pos, r.pos + length);
  r.pos += length;
  return { tag, body, at };
}

function closeBlock(body: ByteReader, tag: number): void {
  if (body.pos !== body.end) body.fail(`${body.end - body.pos} bytes left over in a ${TAG_NAMES[tag]} block`);
}

function decodePlain(tag: number, body: ByteReader, count: number, out: Int32Array, outStart: number, at: number): void {
  if (tag === TAG_DELTA) {
    const v = decodeDelta(body, 64, count);
    out.set(wordsOf(v), 2 * outStart);
  } else if (tag === TAG_FOR) decodeFor(body, count, out, outStart);
  else if (tag === TAG_RLE) decodeRle(body, count, out, outStart);
  else throw new CorruptPayload(`codec tag ${tag} is not an integer codec`, at);
  closeBlock(body, tag);
}

/** Reads a values block of `count` lane values into word pairs out[2 * outStart...]. */
export function decodeValues(r: ByteReader, count: number, model: EntropyModel | null, float: FloatWidth, out: Int32Array, outStart: number, knownTag = -1): void {
  const { tag, body, at } = openBlock(r, knownTag);
  switch (tag) {
    case TAG_DELTA:
    case TAG_FOR:
    case TAG_RLE:
      decodePlain(tag, body, count, out, outStart, at);
      return;
    case TAG_HUFFMAN:
      if (!model) throw new CorruptPayload('a huffman block in a column without a model', at);
      decodeEntropy(body, model, count, out, outStart);
      return;
    case TAG_RAW: {
      if (!float) throw new CorruptPayload('a raw float block in an integer column', at);
      for (let i = outStart; i < outStart + count; i++) {
        out[2 * i] = body.u32le('a float');
        out[2 * i + 1] = float === 64 ? body.u32le('a float64') : 0;
      }
      closeBlock(body, tag);
      return;
    }
    case TAG_ALP: {
      if (!float) throw new CorruptPayload('an alp block in an integer column', at);
      const eAt = body.pos;
      const e = body.u8('the alp exponent');
      if (e > ALP_MAX_EXPONENT) body.fail(`alp exponent ${e} exceeds ${ALP_MAX_EXPONENT}`, eAt);
      const inner = openBlock(body);
      const ints = new Int32Array(2 * count);
      decodePlain(inner.tag, inner.body, count, ints, 0, inner.at);
      closeBlock(body, tag);
      for (let i = 0; i < count; i++) {
        if (!alpDecodeInto(ints[2 * i + 1], ints[2 * i], e, float === 32, out, outStart + i)) throw new CorruptPayload('an alp integer beyond 2^53', inner.at);
      }
      return;
    }
    default:
      throw new CorruptPayload(`unknown codec tag ${tag}`, at);
  }
}

// ---- strings ---------------------------------------------------------------

/** Strings as offsets into bytes: string i is bytes[offsets[i], offsets[i + 1]). */
export interface StringSlice {
  offsets: Int32Array;
  bytes: Uint8Array;
  /** First string index and count. */
  start: number;
  count: number;
}

/** A key for a byte string that is exact for any bytes (Node's latin1 maps each byte to one char). */
export function bytesKey(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', from, to);
}

export interface StringTable {
  /** The strings, as one slice of offsets and bytes. */
  offsets: Int32Array;
  bytes: Uint8Array;
  index?: Map<string, number>;
}

export function tableIndex(table: StringTable): Map<string, number> {
  if (!table.index) {
    const m = new Map<string, number>();
    const n = table.offsets.length - 1;
    for (let i = 0; i < n; i++) {
      const k = bytesKey(table.bytes, table.offsets[i], table.offsets[i + 1]);
      if (!m.has(k)) m.set(k, i);
    }
    table.index = m;
  }
  return table.index;
}

/**
 * A string column's values block: raw strings (ULEB128 length, bytes, each), or
 * codes into the column's stream table (codes >= table size point into the
 * sequence's own list of strings, written first) coded as an integer lane.
 */
/**
 * Codes of a sequence's strings: the table index when the table has the string,
 * else the table size plus its index among the sequence's own strings (numbered
 * in order of first appearance). Codes are word pairs, as lanes are.
 */
export function stringCodes(s: StringSlice, table: StringTable | null): { codes: Int32Array; localList: number[]; localBytes: number } {
  const k = table ? table.offsets.length - 1 : 0;
  const index = table ? tableIndex(table) : null;
  const local = new Map<string, number>();
  const localList: number[] = [];
  const codes = new Int32Array(2 * s.count);
  let localBytes = 0;
  for (let i = 0; i < s.count; i++) {
    const from = s.offsets[s.start + i];
    const to = s.offsets[s.start + i + 1];
    const key = bytesKey(s.bytes, from, to);
    let code = index ? index.get(key) : undefined;
    if (code === undefined) {
      code = local.get(key);
      if (code === undefined) {
        code = k + localList.length;
        local.set(key, code);
        localList.push(s.start + i);
        localBytes += ulebSize(to - from) + (to - from);
      }
    }
    codes[2 * i] = code;
  }
  return { codes, localList, localBytes };
}

export function encodeStrings(out: ByteWriter, s: StringSlice, table: StringTable | null, model: EntropyModel | null): number {
  let raw = 0;
  for (let i = s.start; i < s.start + s.count; i++) {
    const len = s.offsets[i + 1] - s.offsets[i];
    raw += ulebSize(len) + len;
  }
  const { codes, localList, localBytes } = stringCodes(s, table);
  // Size of the codes form: the local list, then a nested values block.
  const inner = new ByteWriter(64);
  encodeValues(inner, codes, 0, s.count, model, 0);
  const codesSize = ulebSize(localList.length) + localBytes + inner.pos;
  if (raw <= codesSize) {
    out.u8(TAG_STRINGS);
    out.uleb(raw);
    for (let i = s.start; i < s.start + s.count; i++) {
      const from = s.offsets[i];
      const to = s.offsets[i + 1];
      out.uleb(to - from);
      out.bytes(s.bytes.subarray(from, to));
    }
    return TAG_STRINGS;
  }
  out.u8(TAG_STRING_CODES);
  out.uleb(codesSize);
  const start = out.pos;
  out.uleb(localList.length);
  for (const i of localList) {
    const from = s.offsets[i];
    const to = s.offsets[i + 1];
    out.uleb(to - from);
    out.bytes(s.bytes.subarray(from, to));
  }
  out.bytes(inner.buf.subarray(0, inner.pos));
  checkSize(out, start, codesSize, TAG_STRING_CODES);
  return TAG_STRING_CODES;
}

/** Appends decoded strings to a growing list of byte ranges. */
export interface StringSink {
  push(bytes: Uint8Array, from: number, to: number): void;
}

export function decodeStrings(r: ByteReader, count: number, table: StringTable | null, model: EntropyModel | null, sink: StringSink, knownTag = -1): void {
  const { tag, body, at } = openBlock(r, knownTag);
  if (tag === TAG_STRINGS) {
    for (let i = 0; i < count; i++) {
      const len = body.uleb('a string length', body.remaining);
      body.need(len, 'a string');
      sink.push(body.bytes, body.pos, body.pos + len);
      body.pos += len;
    }
    closeBlock(body, tag);
    return;
  }
  if (tag !== TAG_STRING_CODES) throw new CorruptPayload(`codec tag ${tag} is not a string codec`, at);
  const k = table ? table.offsets.length - 1 : 0;
  const nLocal = body.uleb('the local string count', count);
  const localFrom = new Int32Array(nLocal);
  const localTo = new Int32Array(nLocal);
  for (let i = 0; i < nLocal; i++) {
    const len = body.uleb('a string length', body.remaining);
    body.need(len, 'a string');
    localFrom[i] = body.pos;
    localTo[i] = body.pos + len;
    body.pos += len;
  }
  const codesAt = body.pos;
  const codes = new Int32Array(2 * count);
  decodeValues(body, count, model, 0, codes, 0);
  closeBlock(body, tag);
  for (let i = 0; i < count; i++) {
    const c = codes[2 * i];
    if (codes[2 * i + 1] !== 0 || c < 0 || c >= k + nLocal) {
      throw new CorruptPayload(`a string code is outside the ${k} table and ${nLocal} local strings`, codesAt);
    }
    if (c < k) sink.push(table!.bytes, table!.offsets[c], table!.offsets[c + 1]);
    else sink.push(body.bytes, localFrom[c - k], localTo[c - k]);
  }
}

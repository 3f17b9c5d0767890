/**
 * Frame-of-reference bit packing: the smallest value as zigzag ULEB128, one byte
 * of width w (0..64), then every (value - smallest) packed LSB first in w bits
 * (ceil(n * w / 8) bytes). For small-range values that are not monotone
 * (ratings, actions, durations), where deltas would double the range.
 */
import { ByteReader, ByteWriter, packBits, unpackBits } from './bytes.js';
import { add, bitLength, cmp, sub, ulebSizeW, W, zigzag } from './w64.js';

const R = { minHi: 0, minLo: 0, width: 0 };

function range(w: Int32Array, start: number, count: number): void {
  let minHi = w[2 * start + 1];
  let minLo = w[2 * start] >>> 0;
  let maxHi = minHi;
  let maxLo = minLo;
  for (let i = start + 1; i < start + count; i++) {
    const hi = w[2 * i + 1];
    const lo = w[2 * i] >>> 0;
    if (cmp(hi, lo, minHi, minLo) < 0) {
      minHi = hi;
      minLo = lo;
    } else if (cmp(hi, lo, maxHi, maxLo) > 0) {
      maxHi = hi;
      maxLo = lo;
    }
  }
  sub(maxHi, maxLo, minHi, minLo);
  R.width = bitLength(W.hi, W.lo);
  R.minHi = minHi;
  R.minLo = minLo;
}

export function sizeFor(w: Int32Array, start: number, count: number): number {
  range(w, start, count);
  zigzag(R.minHi, R.minLo);
  return ulebSizeW(W.hi, W.lo) + 1 + Math.ceil((count * R.width) / 8);
}

export function encodeFor(out: ByteWriter, w: Int32Array, start: number, count: number): void {
  range(w, start, count);
  const { minHi, minLo, width } = R;
  out.slebW(minHi, minLo);
  out.u8(width);
  const offsets = new Int32Array(2 * count);
  for (let i = 0; i < count; i++) {
    sub(w[2 * (start + i) + 1], w[2 * (start + i)], minHi, minLo);
    offsets[2 * i] = W.lo;
    offsets[2 * i + 1] = W.hi;
  }
  packBits(out, offsets, 0, count, width);
}

export function decodeFor(r: ByteReader, count: number, out: Int32Array, outStart: number): void {
  r.slebW('the frame-of-reference base');
  const minHi = W.hi;
  const minLo = W.lo;
  const widthAt = r.pos;
  const width = r.u8('the bit width');
  if (width > 64) r.fail(`bit width ${width} exceeds 64`, widthAt);
  const bytes = Math.ceil((count * width) / 8);
  r.need(bytes, `${count} values of ${width} bits`);
  unpackBits(r.bytes, r.pos, count, width, out, outStart);
  r.pos += bytes;
  for (let i = outStart; i < outStart + count; i++) {
    add(out[2 * i + 1], out[2 * i], minHi, minLo);
    out[2 * i] = W.lo;
    out[2 * i + 1] = W.hi;
  }
}

/**
 * Run-length coding: ULEB128 run count, then per run the zigzag ULEB128 of its
 * value minus the previous run's value (wrapping; the first against 0) and the
 * ULEB128 of its length minus one. Run lengths must add up to the value count.
 */
import { ByteReader, ByteWriter, ulebSize } from './bytes.js';
import { add, sub, ulebSizeW, W, zigzag } from './w64.js';

/** End of the run that starts at i (exclusive). */
function runEnd(w: Int32Array, i: number, end: number): number {
  const hi = w[2 * i + 1];
  const lo = w[2 * i];
  let j = i + 1;
  while (j < end && w[2 * j] === lo && w[2 * j + 1] === hi) j++;
  return j;
}

export function sizeRle(w: Int32Array, start: number, count: number): number {
  let runs = 0;
  let size = 0;
  let prevHi = 0;
  let prevLo = 0;
  for (let i = start; i < start + count; ) {
    const j = runEnd(w, i, start + count);
    const hi = w[2 * i + 1];
    const lo = w[2 * i];
    sub(hi, lo, prevHi, prevLo);
    zigzag(W.hi, W.lo);
    size += ulebSizeW(W.hi, W.lo) + ulebSize(j - i - 1);
    prevHi = hi;
    prevLo = lo;
    runs++;
    i = j;
  }
  return ulebSize(runs) + size;
}

export function encodeRle(out: ByteWriter, w: Int32Array, start: number, count: number): void {
  let runs = 0;
  for (let i = start; i < start + count; i = runEnd(w, i, start + count)) runs++;
  out.uleb(runs);
  let prevHi = 0;
  let prevLo = 0;
  for (let i = start; i < start + count; ) {
    const j = runEnd(w, i, start + count);
    const hi = w[2 * i + 1];
    const lo = w[2 * i];
    sub(hi, lo, prevHi, prevLo);
    out.slebW(W.hi, W.lo);
    out.uleb(j - i - 1);
    prevHi = hi;
    prevLo = lo;
    i = j;
  }
}

export function decodeRle(r: ByteReader, count: number, out: Int32Array, outStart: number): void {
  const runsAt = r.pos;
  const runs = r.uleb('the run count', count);
  if (runs === 0 && count > 0) r.fail('no runs for a non-empty column', runsAt);
  let prevHi = 0;
  let prevLo = 0;
  let filled = 0;
  for (let k = 0; k < runs; k++) {
    r.slebW('a run value');
    add(prevHi, prevLo, W.hi, W.lo);
    prevHi = W.hi;
    prevLo = W.lo;
    const lengthAt = r.pos;
    const length = r.uleb('a run length', count) + 1;
    if (length > count - filled) r.fail(`runs cover more than the ${count} values`, lengthAt);
    for (let i = outStart + filled; i < outStart + filled + length; i++) {
      out[2 * i] = prevLo;
      out[2 * i + 1] = prevHi;
    }
    filled += length;
  }
  if (filled !== count) r.fail(`runs cover ${filled} of ${count} values`, runsAt);
}

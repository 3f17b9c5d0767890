// The TypeScript twin of the native hash kernels: the reference every backend is
// held to, bit for bit. It runs a HashJob exactly as native/src/hash-kernel.cc
// does, step by step, keeping each row's running hash in the output's own memory
// as two 32-bit limbs (so no BigInt is made per value).
import { murmur3 } from './algorithms/murmur3.js';
import { siphash24Limbs } from './algorithms/siphash.js';
import { hiOf, loOf, r, readLE32 } from './algorithms/u64.js';
import { xxh3Limbs } from './algorithms/xxh3.js';
import { xxh64Limbs } from './algorithms/xxh64.js';
import { CorruptColumnError, OutputKind, ValueKind, type HashJob, type HashStep, type IndexArray, type ValueSource } from './job.js';

function bit(bits: Uint8Array, i: number): boolean {
  return ((bits[i >>> 3] >>> (i & 7)) & 1) === 1;
}

// The bytes of the value being hashed: a view (buf, off, len) set by locate().
let buf: Uint8Array = new Uint8Array(0);
let off = 0;
let len = 0;
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

function indexAt(indices: IndexArray, i: number): number {
  const v = indices[i];
  return typeof v === 'bigint' ? (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v)) : v;
}

function offsetAt(offsets: Int32Array | BigInt64Array, j: number): number {
  const v = offsets[j];
  return typeof v === 'bigint' ? (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v)) : v;
}

/** Points (buf, off, len) at value j's canonical bytes; false for corrupt offsets. */
function locate(v: ValueSource, j: number): boolean {
  const d = v.data;
  switch (v.kind) {
    case ValueKind.fixed:
      buf = d;
      off = j * v.width;
      len = v.width;
      return true;
    case ValueKind.float16: {
      let b = d[2 * j] | (d[2 * j + 1] << 8);
      if ((b & 0x7c00) === 0x7c00 && (b & 0x03ff) !== 0) b = 0x7e00;
      else if (b === 0x8000) b = 0;
      scratch[0] = b & 0xff;
      scratch[1] = b >>> 8;
      buf = scratch;
      off = 0;
      len = 2;
      return true;
    }
    case ValueKind.float32: {
      let b = readLE32(d, 4 * j);
      if ((b & 0x7f800000) >>> 0 === 0x7f800000 && (b & 0x007fffff) !== 0) b = 0x7fc00000;
      else if (b === 0x80000000) b = 0;
      scratchView.setUint32(0, b, true);
      buf = scratch;
      off = 0;
      len = 4;
      return true;
    }
    case ValueKind.float64: {
      let lo = readLE32(d, 8 * j);
      let hi = readLE32(d, 8 * j + 4);
      if ((hi & 0x7ff00000) >>> 0 === 0x7ff00000 && ((hi & 0x000fffff) !== 0 || lo !== 0)) {
        hi = 0x7ff80000;
        lo = 0;
      } else if (hi === 0x80000000 && lo === 0) hi = 0;
      scratchView.setUint32(0, lo, true);
      scratchView.setUint32(4, hi, true);
      buf = scratch;
      off = 0;
      len = 8;
      return true;
    }
    case ValueKind.bool:
      scratch[0] = bit(d, v.bitOffset + j) ? 1 : 0;
      buf = scratch;
      off = 0;
      len = 1;
      return true;
    default: {
      const offsets = v.offsets!;
      const start = offsetAt(offsets, j);
      const end = offsetAt(offsets, j + 1);
      if (start < 0 || end < start || end > d.length) return false;
      buf = d;
      off = start;
      len = end - start;
      return true;
    }
  }
}

/** Value index of row i, -1 for a null row, -2 for an index out of range. */
function valueIndex(step: HashStep, i: number): number {
  let j = i;
  if (step.indices) {
    if (step.indexValidity && !bit(step.indexValidity, step.indexValidityOffset + i)) return -1;
    j = indexAt(step.indices, i);
    if (j < 0 || j >= step.values.length) return -2;
  }
  const v = step.values;
  if (v.kind === ValueKind.null) return -1;
  if (v.validity && !bit(v.validity, v.validityOffset + j)) return -1;
  return j;
}

function corrupt(job: HashJob, s: number, row: number): CorruptColumnError {
  const where = job.steps.length > 1 ? `column ${s + 1} of the cross, ` : '';
  return new CorruptColumnError(`${where}row ${row}: value offsets or dictionary index out of range`);
}

/** Runs a job; returns the output's null count. Throws CorruptColumnError for corrupt input. */
export function runHashJobJs(job: HashJob): number {
  const rows = job.rows;
  const is32 = job.outputKind === OutputKind.u32;
  // The running hash of row i: out[i] (u32), or lo = out[2i], hi = out[2i+1] (little-endian).
  const out = new Uint32Array(job.output.buffer, job.output.byteOffset, is32 ? rows : 2 * rows);
  const alive = job.validity;
  const bytes = (rows + 7) >>> 3;
  alive.fill(0xff, 0, bytes);
  const key = job.key;
  const k0H = key ? readLE32(key, 4) : 0;
  const k0L = key ? readLE32(key, 0) : 0;
  const k1H = key ? readLE32(key, 12) : 0;
  const k1L = key ? readLE32(key, 8) : 0;
  const seedH = hiOf(job.seed);
  const seedL = loOf(job.seed);
  const algorithm = job.algorithm;

  for (let s = 0; s < job.steps.length; s++) {
    const step = job.steps[s];
    for (let i = 0; i < rows; i++) {
      if (s > 0 && !bit(alive, i)) continue;
      const j = valueIndex(step, i);
      if (j === -2) throw corrupt(job, s, i);
      if (j < 0) {
        alive[i >>> 3] &= ~(1 << (i & 7));
        if (is32) out[i] = 0;
        else out[2 * i] = out[2 * i + 1] = 0;
        continue;
      }
      if (!locate(step.values, j)) throw corrupt(job, s, i);
      const sH = s === 0 ? seedH : is32 ? 0 : out[2 * i + 1];
      const sL = s === 0 ? seedL : is32 ? out[i] : out[2 * i];
      let lo: number;
      let hi = 0;
      switch (algorithm) {
        case 0:
          lo = xxh64Limbs(buf, off, len, sH, sL);
          hi = r.hi;
          break;
        case 1:
          lo = xxh3Limbs(buf, off, len, sH, sL);
          hi = r.hi;
          break;
        case 2:
          lo = murmur3(buf, off, len, sL);
          break;
        default:
          lo = siphash24Limbs(buf, off, len, (k0H ^ sH) >>> 0, (k0L ^ sL) >>> 0, k1H, k1L);
          hi = r.hi;
      }
      if (is32) out[i] = lo;
      else {
        out[2 * i] = lo;
        out[2 * i + 1] = hi;
      }
    }
  }
  return finish(job, out, is32, alive);
}

function finish(job: HashJob, out: Uint32Array, is32: boolean, alive: Uint8Array): number {
  const rows = job.rows;
  const bytes = (rows + 7) >>> 3;
  if (rows % 8 !== 0) alive[bytes - 1] &= (1 << (rows % 8)) - 1;
  let nulls = 0;
  for (let i = 0; i < rows; i++) if (!bit(alive, i)) nulls++;
  if (nulls > 0 && job.nullHash !== null) {
    const vH = hiOf(job.nullHash);
    const vL = loOf(job.nullHash);
    for (let i = 0; i < rows; i++) {
      if (bit(alive, i)) continue;
      if (is32) out[i] = vL;
      else {
        out[2 * i] = vL;
        out[2 * i + 1] = vH;
      }
    }
    alive.fill(0xff, 0, bytes);
    if (rows % 8 !== 0) alive[bytes - 1] = (1 << (rows % 8)) - 1;
    nulls = 0;
  }
  if (job.outputKind === OutputKind.bucket) bucketize(out, rows, job.buckets);
  return nulls;
}

/** out[i] = out[i] mod m, unsigned 64-bit, in place (limb pairs). */
function bucketize(out: Uint32Array, rows: number, m: bigint): void {
  if (m <= 1n << 21n) {
    // (hi * 2^32 + lo) mod m = ((hi mod m) * 2^32 + lo) mod m, exact in a double below 2^53.
    const mm = Number(m);
    for (let i = 0; i < rows; i++) {
      const v = ((out[2 * i + 1] % mm) * 4294967296 + out[2 * i]) % mm;
      out[2 * i] = v;
      out[2 * i + 1] = 0;
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    const v = ((BigInt(out[2 * i + 1]) << 32n) | BigInt(out[2 * i])) % m;
    out[2 * i] = Number(v & 0xffffffffn);
    out[2 * i + 1] = Number(v >> 32n);
  }
}

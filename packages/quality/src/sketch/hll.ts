/**
 * HyperLogLog++ distinct counts (Heule, Nunkesser and Hall, "HyperLogLog in
 * Practice", EDBT 2013), dense registers: a 64-bit hash per value (hash64.ts), its
 * top p bits choose one of m = 2^p registers, which keeps the largest rank (one
 * plus the leading zeros of the remaining 64 - p bits) seen. The 64-bit hash is the
 * paper's first change to HyperLogLog (no large-range correction is needed below
 * 2^64 / 30 or so); its empirical bias tables for small cardinalities are replaced
 * by Ertl's improved raw estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017), which needs no tables and is unbiased from 0 to
 * far beyond the distinct counts seen here, including the small range where the
 * paper switches to linear counting.
 *
 * Error: relative standard error 1.04 / sqrt(m): 0.81% at the default p = 14
 * (16 KiB of registers), so about 2.4% at three standard errors. Merging takes
 * the register-wise maximum: the merged sketch equals the sketch of the union,
 * exactly.
 */

export const HLL_DEFAULT_P = 14;

export class HyperLogLog {
  readonly p: number;
  readonly m: number;
  readonly registers: Uint8Array;

  constructor(p = HLL_DEFAULT_P, registers?: Uint8Array) {
    if (!(Number.isInteger(p) && p >= 4 && p <= 18)) throw new RangeError(`HyperLogLog precision must be an integer from 4 to 18, got ${p}`);
    this.p = p;
    this.m = 1 << p;
    this.registers = registers ?? new Uint8Array(this.m);
    if (this.registers.length !== this.m) throw new Error(`HyperLogLog with p = ${p} needs ${this.m} registers, got ${this.registers.length}`);
  }

  /** Adds a value by its 64-bit hash (hash64.ts): high word, low word. */
  addHash(hi: number, lo: number): void {
    const p = this.p;
    const index = hi >>> (32 - p);
    const rest = (hi << p) >>> 0;
    let rank: number;
    if (rest !== 0) rank = Math.clz32(rest) + 1;
    else if (lo !== 0) rank = 32 - p + Math.clz32(lo) + 1;
    else rank = 64 - p + 1;
    if (rank > this.registers[index]) this.registers[index] = rank;
  }

  merge(other: HyperLogLog): void {
    if (other.p !== this.p) throw new Error(`cannot merge HyperLogLog sketches of precision ${this.p} and ${other.p}`);
    const a = this.registers;
    const b = other.registers;
    for (let i = 0; i < a.length; i++) if (b[i] > a[i]) a[i] = b[i];
  }

  /** Ertl's improved raw estimate of the number of distinct values added. */
  estimate(): number {
    const q = 64 - this.p;
    const m = this.m;
    const counts = new Float64Array(q + 2);
    for (let i = 0; i < m; i++) counts[this.registers[i]]++;
    if (counts[0] === m) return 0;
    let z = m * tau(1 - counts[q + 1] / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + counts[k]);
    z += m * sigma(counts[0] / m);
    return (m * m) / (2 * Math.LN2 * z);
  }

  /** Relative standard error of estimate(): 1.04 / sqrt(m). */
  get standardError(): number {
    return 1.04 / Math.sqrt(this.m);
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(1 + this.m);
    out[0] = this.p;
    out.set(this.registers, 1);
    return out;
  }

  static fromBytes(bytes: Uint8Array): HyperLogLog {
    const p = bytes[0];
    if (!(p >= 4 && p <= 18) || bytes.length !== 1 + (1 << p)) throw new Error('corrupt HyperLogLog sketch');
    return new HyperLogLog(p, bytes.slice(1));
  }
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === previous) return z / 3;
  }
}

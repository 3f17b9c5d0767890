// Where a kernel writes one feature of one batch: row r's item j goes to
// values[offset + r * stride + j], so the same kernels fill a column of their own
// (stride = width) or their slice of the tensor layout's shared buffer.

export type OutputValues = Float32Array | BigInt64Array | Uint16Array | Int8Array;

export interface FeatureOutput {
  values: OutputValues;
  offset: number;
  stride: number;
  /** One bit per row, 1 = valid, set beforehand; kernels clear the bits of null rows. Null when the output has no nulls. */
  validity: Uint8Array | null;
  /** quantize to int8: the per-row scale. */
  scale: Float32Array | null;
  /** quantize: per row, the sum and the maximum of the reconstruction error over its finite elements, and their count. */
  errors: Float64Array | null;
}

/** A null dense value is NaN; a null code is -1 (also what the tensor layout holds for them). */
export const NULL_DENSE = NaN;
export const NULL_CODE = -1;

export function clearBit(bits: Uint8Array | null, i: number): void {
  if (bits) bits[i >> 3] &= ~(1 << (i & 7));
}

/** An int32 view of an int64 output, to write small codes without making BigInts. */
export function int32View(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Writes a code (|v| < 2^31) into slot `at` of an int64 output through its int32 view. */
export function setCode(view: Int32Array, at: number, v: number): void {
  view[2 * at] = v;
  view[2 * at + 1] = v < 0 ? -1 : 0;
}

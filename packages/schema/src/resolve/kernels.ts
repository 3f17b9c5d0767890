import { Data, DataType, Float64, Int64, makeData, Type, Uint64 } from 'apache-arrow';

/**
 * The safe promotions on Arrow columns, over typed arrays. Conventions of
 * apache-arrow's Data: fixed-width `values` are already sliced to the data's rows;
 * the validity bitmap is not, and is read at bit `offset + i`.
 */

export type Promotion = 'int32->int64' | 'int32->float64' | 'uint32->uint64' | 'uint32->int64' | 'float32->float64';

/** The promotion from one Arrow type to another, or null when there is none. */
export function promotionBetween(from: DataType, to: DataType): Promotion | null {
  const f = arrowScalar(from);
  const t = arrowScalar(to);
  if (!f || !t) return null;
  const key = `${f}->${t}`;
  return (['int32->int64', 'int32->float64', 'uint32->uint64', 'uint32->int64', 'float32->float64'] as const).find((p) => p === key) ?? null;
}

function arrowScalar(type: DataType): string | null {
  const t = type as DataType & { isSigned?: boolean; bitWidth?: number; precision?: number };
  if (type.typeId === Type.Int) return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`;
  if (type.typeId === Type.Float) return ['float16', 'float32', 'float64'][t.precision!];
  return null;
}

/** The validity bitmap of `data` re-based to offset 0 (a view when the offset is byte-aligned), or null when nothing is null. */
export function validityFromOffset(data: Data): Uint8Array | null {
  if (data.nullCount === 0 || !data.nullBitmap) return null;
  const { offset, length } = data;
  const bytes = (length + 7) >> 3;
  if ((offset & 7) === 0) return data.nullBitmap.subarray(offset >> 3, (offset >> 3) + bytes);
  const out = new Uint8Array(bytes);
  const src = data.nullBitmap;
  for (let i = 0; i < length; i++) {
    const j = offset + i;
    if (src[j >> 3] & (1 << (j & 7))) out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

/**
 * The promoted column. `into`, when given, receives the values (it must hold 8
 * bytes a row); the relay passes a buffer it reuses, since it writes each column
 * out before converting the next batch. The batch operator gets fresh memory.
 */
export function promote(data: Data, promotion: Promotion, into?: ArrayBuffer): Data {
  const n = data.length;
  const buffer = into ?? new ArrayBuffer(n * 8);
  const validity = validityFromOffset(data);
  const nulls = validity ? { nullBitmap: validity, nullCount: data.nullCount } : { nullCount: 0 };
  switch (promotion) {
    case 'int32->int64':
      signExtend(data.values as Int32Array, new Int32Array(buffer, 0, 2 * n), n);
      return makeData({ type: new Int64(), length: n, data: new BigInt64Array(buffer, 0, n), ...nulls });
    case 'uint32->uint64':
      zeroExtend(data.values as Uint32Array, new Uint32Array(buffer, 0, 2 * n), n);
      return makeData({ type: new Uint64(), length: n, data: new BigUint64Array(buffer, 0, n), ...nulls });
    case 'uint32->int64':
      zeroExtend(data.values as Uint32Array, new Uint32Array(buffer, 0, 2 * n), n);
      return makeData({ type: new Int64(), length: n, data: new BigInt64Array(buffer, 0, n), ...nulls });
    case 'int32->float64':
      intToDouble(data.values as Int32Array, new Float64Array(buffer, 0, n), n);
      return makeData({ type: new Float64(), length: n, data: new Float64Array(buffer, 0, n), ...nulls });
    case 'float32->float64':
      floatToDouble(data.values as Float32Array, new Float64Array(buffer, 0, n), n);
      return makeData({ type: new Float64(), length: n, data: new Float64Array(buffer, 0, n), ...nulls });
  }
}

// One loop per element type, so that each stays monomorphic (little-endian words).
function signExtend(src: Int32Array, words: Int32Array, n: number): void {
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    const v = src[i];
    words[j] = v;
    words[j + 1] = v >> 31;
  }
}

function zeroExtend(src: Uint32Array, words: Uint32Array, n: number): void {
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    words[j] = src[i];
    words[j + 1] = 0;
  }
}

function intToDouble(src: Int32Array, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = src[i];
}

function floatToDouble(src: Float32Array, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = src[i];
}

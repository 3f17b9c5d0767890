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

export function promote(data: Data, promotion: Promotion): Data {
  const n = data.length;
  const src = data.values as Int32Array | Uint32Array | Float32Array;
  const validity = validityFromOffset(data);
  const nulls = validity ? { nullBitmap: validity, nullCount: data.nullCount } : { nullCount: 0 };
  switch (promotion) {
    case 'int32->int64': {
      const out = new BigInt64Array(n);
      const words = new Int32Array(out.buffer);
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        const v = src[i];
        words[j] = v;
        words[j + 1] = v >> 31;
      }
      return makeData({ type: new Int64(), length: n, data: out, ...nulls });
    }
    case 'uint32->uint64':
    case 'uint32->int64': {
      const out = promotion === 'uint32->uint64' ? new BigUint64Array(n) : new BigInt64Array(n);
      const words = new Uint32Array(out.buffer);
      for (let i = 0, j = 0; i < n; i++, j += 2) words[j] = src[i];
      return promotion === 'uint32->uint64'
        ? makeData({ type: new Uint64(), length: n, data: out as BigUint64Array, ...nulls })
        : makeData({ type: new Int64(), length: n, data: out as BigInt64Array, ...nulls });
    }
    case 'int32->float64':
    case 'float32->float64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = src[i];
      return makeData({ type: new Float64(), length: n, data: out, ...nulls });
    }
  }
}

import { Data, DataType, Type } from 'apache-arrow';

/**
 * Structural checks on data loaded from untrusted bytes. apache-arrow builds typed
 * array views without checking them against the declared lengths, so a corrupt
 * stream would otherwise read as silently wrong values. Returns a description of
 * the first problem, or null.
 */
export function checkData(data: Data, path: string): string | null {
  const { length, offset, type } = data;
  if (length < 0 || offset < 0) return `${path}: negative length`;
  const end = offset + length;
  if (data.nullCount > 0) {
    const bitmap = data.nullBitmap;
    if (!bitmap || bitmap.length * 8 < end) return `${path}: validity bitmap shorter than ${end} rows`;
  }
  switch (type.typeId) {
    case Type.Null:
      return null;
    case Type.Bool:
      return (data.values?.length ?? 0) * 8 < end ? `${path}: boolean buffer shorter than ${end} rows` : null;
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
    case Type.Time:
    case Type.Duration:
    case Type.Decimal:
    case Type.Interval:
    case Type.FixedSizeBinary: {
      const stride = (data as Data).stride;
      return (data.values?.length ?? 0) < end * stride ? `${path}: value buffer shorter than ${end} rows` : null;
    }
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return checkOffsets(data, path, data.values?.length ?? 0);
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      const child = data.children[0];
      if (!child) return `${path}: list without child data`;
      const err = checkOffsets(data, path, child.length);
      return err ?? checkData(child, `${path}.item`);
    }
    case Type.FixedSizeList: {
      const child = data.children[0];
      const size = (type as DataType & { listSize: number }).listSize;
      if (!child || child.length < end * size) return `${path}: fixed-size list child shorter than ${end} x ${size}`;
      return checkData(child, `${path}.item`);
    }
    case Type.Struct: {
      for (let i = 0; i < data.children.length; i++) {
        const child = data.children[i];
        if (child.length < end) return `${path}.${type.children[i]?.name ?? i}: shorter than its struct`;
        const err = checkData(child, `${path}.${type.children[i]?.name ?? i}`);
        if (err) return err;
      }
      return null;
    }
    case Type.Dictionary: {
      const values = data.values as ArrayLike<number | bigint> | undefined;
      if (!values || values.length < end) return `${path}: dictionary index buffer shorter than ${end} rows`;
      const dictLength = data.dictionary?.length ?? 0;
      const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
      for (let i = offset; i < end; i++) {
        if (bitmap && (bitmap[i >> 3] & (1 << (i & 7))) === 0) continue;
        const k = Number(values[i]);
        if (k < 0 || k >= dictLength) return `${path}: dictionary index ${k} out of range (dictionary has ${dictLength} values) at row ${i - offset}`;
      }
      return null;
    }
    default:
      return null;
  }
}

function checkOffsets(data: Data, path: string, valueLength: number): string | null {
  const offsets = data.valueOffsets as ArrayLike<number | bigint> | undefined;
  const { offset, length } = data;
  if (!offsets || offsets.length < offset + length + 1) return `${path}: offsets buffer shorter than ${length + 1} entries`;
  let prev = Number(offsets[offset]);
  if (prev < 0) return `${path}: negative offset`;
  for (let i = offset + 1; i <= offset + length; i++) {
    const next = Number(offsets[i]);
    if (next < prev) return `${path}: offsets decrease at row ${i - offset - 1}`;
    prev = next;
  }
  return prev > valueLength ? `${path}: offsets point past the end of the values (${prev} > ${valueLength})` : null;
}

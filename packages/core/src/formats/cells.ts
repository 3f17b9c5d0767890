import { Data, DataType, Type, Vector } from 'apache-arrow';
import { typeName } from '../schema-text.js';
import type { TextSink } from './text-sink.js';
import { UNITS_PER_SECOND } from './type-spec.js';
import { formatDate32, formatFloat32, formatFloat64, formatInt64, formatTimestamp, formatTimestampBig, safeInt64, toBase64 } from './value-format.js';

/**
 * How a cell's text is written:
 * - STRING: any text (CSV quotes it when needed; JSON writes a string);
 * - TOKEN: text that never needs CSV quoting but is a JSON string (dates, timestamps, base64);
 * - NUMBER: a number (JSON writes NaN and ±Infinity, which it has no literal for, as strings);
 * - LITERAL: true/false, as is everywhere;
 * - JSON: nested values, as JSON text (quoted in CSV, raw in JSON).
 */
export const CellStyle = { STRING: 0, TOKEN: 1, NUMBER: 2, LITERAL: 3, JSON: 4 } as const;
export type CellStyle = (typeof CellStyle)[keyof typeof CellStyle];

/** Where a UTF-8 value's bytes are: set by Cells.span. */
export interface Span {
  buf: Uint8Array;
  start: number;
  end: number;
}

/** One column of one batch, read cell by cell for a text writer. */
export interface Cells {
  readonly style: CellStyle;
  readonly numeric: boolean;
  isNull(i: number): boolean;
  text(i: number): string;
  /** For values stored as UTF-8 (utf8, dictionaries of utf8): points `out` at the bytes, no decoding. */
  span?(i: number, out: Span): void;
  /** For integers: writes the digits straight into the output (the same text as `text`). */
  write?(out: TextSink, i: number): void;
}

const decoder = new TextDecoder();

function nullTest(data: Data): (i: number) => boolean {
  if (data.nullCount <= 0 || !data.nullBitmap) return () => false;
  const bits = data.nullBitmap;
  const offset = data.offset;
  return (i) => {
    const p = offset + i;
    return (bits[p >> 3] & (1 << (p & 7))) === 0;
  };
}

/** Text for any value through apache-arrow's getter (types without a fast path). */
function genericCells(data: Data): Cells {
  const vector = new Vector([data]);
  const nested = DataType.isList(data.type) || DataType.isStruct(data.type) || DataType.isMap(data.type) || DataType.isFixedSizeList(data.type);
  return {
    style: nested ? CellStyle.JSON : CellStyle.STRING,
    numeric: DataType.isDecimal(data.type),
    isNull: nullTest(data),
    text: (i) => {
      const v = vector.get(i);
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return toBase64(v);
      if (v !== null && typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
      return String(v);
    },
  };
}

function utf8Cells(data: Data): Cells {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  return {
    style: CellStyle.STRING,
    numeric: false,
    isNull: nullTest(data),
    text: (i) => decoder.decode(bytes.subarray(offsets[i], offsets[i + 1])),
    span: (i, out) => {
      out.buf = bytes;
      out.start = offsets[i];
      out.end = offsets[i + 1];
    },
  };
}

/** Dictionary values: each chunk of the dictionary read as utf8 (or generically), found by code. */
function dictionaryCells(data: Data): Cells {
  const codes = data.values as ArrayLike<number | bigint>;
  const chunks = (data.dictionary?.data ?? []).map((d) => cellsOf(d));
  const starts: number[] = [];
  let at = 0;
  for (const d of data.dictionary?.data ?? []) {
    starts.push(at);
    at += d.length;
  }
  const locate = (i: number): [Cells, number] => {
    const code = Number(codes[i]);
    let k = chunks.length - 1;
    while (k > 0 && starts[k] > code) k--;
    return [chunks[k], code - starts[k]];
  };
  const valueStyle: CellStyle = chunks[0]?.style ?? CellStyle.STRING;
  const nulls = nullTest(data);
  return {
    style: valueStyle,
    numeric: chunks[0]?.numeric ?? false,
    isNull: (i) => {
      if (nulls(i)) return true;
      const [c, j] = locate(i);
      return c.isNull(j);
    },
    text: (i) => {
      const [c, j] = locate(i);
      return c.text(j);
    },
    span: chunks.every((c) => c.span)
      ? (i, out) => {
          const [c, j] = locate(i);
          c.span!(j, out);
        }
      : undefined,
  };
}

function binaryCells(data: Data): Cells {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  return { style: CellStyle.TOKEN, numeric: false, isNull: nullTest(data), text: (i) => toBase64(bytes.subarray(offsets[i], offsets[i + 1])) };
}

function int64Cells(data: Data, signed: boolean): Cells {
  const v = data.values as BigInt64Array;
  const halves = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  return {
    style: CellStyle.NUMBER,
    numeric: true,
    isNull: nullTest(data),
    text: (i) => formatInt64(halves, i, signed),
    write: (out, i) => {
      const n = signed ? safeInt64(halves, i) : halves[2 * i + 1] >= 0 ? safeInt64(halves, i) : null;
      if (n !== null) out.integer(n);
      else out.ascii(formatInt64(halves, i, signed));
    },
  };
}

function timestampCells(data: Data): Cells {
  const v = data.values as BigInt64Array;
  const halves = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  const type = data.type as DataType & { unit: number; timezone?: string | null };
  const perSecond = UNITS_PER_SECOND[type.unit];
  const zulu = !!type.timezone;
  return {
    style: CellStyle.TOKEN,
    numeric: false,
    isNull: nullTest(data),
    text: (i) => {
      const n = safeInt64(halves, i);
      return n !== null ? formatTimestamp(n, perSecond, zulu) : formatTimestampBig(v[i], perSecond, zulu);
    },
  };
}

/** Cells for one column of one batch, with a fast path for each type import reads. */
export function cellsOf(data: Data): Cells {
  const name = typeName(data.type);
  const values = data.values as ArrayLike<number>;
  switch (data.typeId) {
    case Type.Utf8:
      return utf8Cells(data);
    case Type.Binary:
      return binaryCells(data);
    case Type.Dictionary:
      return dictionaryCells(data);
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      const offset = data.offset;
      return {
        style: CellStyle.LITERAL,
        numeric: false,
        isNull: nullTest(data),
        text: (i) => ((bits[(offset + i) >> 3] >> ((offset + i) & 7)) & 1 ? 'true' : 'false'),
      };
    }
    case Type.Int:
      if (name === 'int64' || name === 'uint64') return int64Cells(data, name === 'int64');
      return { style: CellStyle.NUMBER, numeric: true, isNull: nullTest(data), text: (i) => String(values[i]), write: (out, i) => out.integer(values[i]) };
    case Type.Float:
      if (name === 'float64') return { style: CellStyle.NUMBER, numeric: true, isNull: nullTest(data), text: (i) => formatFloat64(values[i]) };
      if (name === 'float32') return { style: CellStyle.NUMBER, numeric: true, isNull: nullTest(data), text: (i) => formatFloat32(values[i]) };
      break;
    case Type.Date:
      if (name === 'date32') return { style: CellStyle.TOKEN, numeric: false, isNull: nullTest(data), text: (i) => formatDate32(values[i]) };
      break;
    case Type.Timestamp:
      return timestampCells(data);
  }
  return genericCells(data);
}

import {
  Binary,
  Bool,
  DataType,
  DateDay,
  Dictionary,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  TimeUnit,
  Timestamp,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from 'apache-arrow';
import { errors } from '../errors.js';

/**
 * The type names `--types` takes (the same names `typeName` prints, so a schema
 * shown by `cat --schema` can be pasted back). A timestamp may carry a time zone:
 * `timestamp[ms, UTC]`.
 */
export const TYPE_NAMES = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float32',
  'float64',
  'utf8',
  'binary',
  'date32',
  'timestamp[s]',
  'timestamp[ms]',
  'timestamp[us]',
  'timestamp[ns]',
  'dict',
] as const;

export const UNIT_BY_NAME: Record<string, TimeUnit> = { s: TimeUnit.SECOND, ms: TimeUnit.MILLISECOND, us: TimeUnit.MICROSECOND, ns: TimeUnit.NANOSECOND };

/** Units per second of each time unit. */
export const UNITS_PER_SECOND: Record<number, number> = {
  [TimeUnit.SECOND]: 1,
  [TimeUnit.MILLISECOND]: 1e3,
  [TimeUnit.MICROSECOND]: 1e6,
  [TimeUnit.NANOSECOND]: 1e9,
};

const FIXED: Record<string, () => DataType> = {
  bool: () => new Bool(),
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  utf8: () => new Utf8(),
  binary: () => new Binary(),
  date32: () => new DateDay(),
  // Each call makes a fresh dictionary id, so two dict columns never share one.
  dict: () => new Dictionary(new Utf8(), new Int32()),
};

/** The DataType for a type name, or null when the name is not in the vocabulary. */
export function parseTypeName(text: string): DataType | null {
  const name = text.trim();
  const make = FIXED[name];
  if (make) return make();
  const m = /^timestamp\[\s*(s|ms|us|ns)\s*(?:,\s*([^\]]+?)\s*)?\]$/.exec(name);
  if (m) return new Timestamp(UNIT_BY_NAME[m[1]], m[2] ?? null);
  return null;
}

/** Splits on commas that are not inside brackets (`ts:timestamp[ms, UTC]` stays whole). */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * Parses `--types user_id:uint64,ts:timestamp[s]` into column name → type.
 * Exit 2 for a malformed entry or an unknown type name, listing the valid names.
 */
export function parseTypeList(text: string | undefined): Map<string, DataType> {
  const out = new Map<string, DataType>();
  if (!text) return out;
  for (const entry of splitTopLevel(text)) {
    const colon = entry.lastIndexOf(':', entry.indexOf('[') >= 0 ? entry.indexOf('[') : entry.length);
    if (colon <= 0) throw errors.badFlagValue('types', 'NAME:TYPE entries separated by commas', entry);
    const column = entry.slice(0, colon).trim();
    const typeText = entry.slice(colon + 1).trim();
    const type = parseTypeName(typeText);
    if (!type) throw errors.badFlagValue('types', `a type name (${TYPE_NAMES.join(', ')}; timestamp[UNIT, ZONE] for a time zone)`, typeText);
    if (out.has(column)) throw errors.badFlagValue('types', 'each column once', entry);
    out.set(column, type);
  }
  return out;
}

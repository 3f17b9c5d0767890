import { tokenize, unquote } from './tokenize.js';
import type { FieldType } from '../model.js';

/**
 * A default in canonical form: integers as exact decimal (from the token as
 * written, so 64-bit values keep every digit), floats as JS numbers or inf/-inf/nan,
 * strings and bytes as JSON strings, enums and bools as their names. null when the
 * value does not fit the type.
 */
export function canonicalDefault(type: FieldType, raw: unknown, located?: { defaultText?: string; defaultKind?: string }): string | null {
  if (type.kind === 'enum') return typeof raw === 'string' || located?.defaultKind === 'ident' ? String(located?.defaultText ?? raw) : null;
  if (type.kind !== 'scalar') return null;
  const text = located?.defaultText;
  switch (type.name) {
    case 'string':
    case 'bytes': {
      if (located?.defaultKind === 'string' && text !== undefined) return JSON.stringify(joinStrings(text));
      return typeof raw === 'string' ? JSON.stringify(raw) : null;
    }
    case 'bool':
      return raw === true || raw === 'true' ? 'true' : raw === false || raw === 'false' ? 'false' : null;
    case 'float':
    case 'double': {
      const v = text !== undefined ? floatValue(text) : typeof raw === 'number' ? raw : NaN;
      if (Number.isNaN(v)) return text !== undefined && /^-?nan$/i.test(text) ? 'nan' : typeof raw === 'number' && Number.isNaN(raw) ? 'nan' : null;
      return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
    }
    default: {
      let v: bigint;
      try {
        v = text !== undefined && located?.defaultKind === 'number' ? integerValue(text) : BigInt(raw as number);
      } catch {
        return null;
      }
      const [lo, hi] = INTEGER_RANGE[type.name];
      return v >= lo && v <= hi ? v.toString() : null;
    }
  }
}

const INTEGER_RANGE: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

function integerValue(text: string): bigint {
  const neg = text.startsWith('-');
  const t = neg ? text.slice(1) : text;
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) v = BigInt(t);
  else if (/^0[0-7]+$/.test(t)) v = BigInt('0o' + t.slice(1));
  else if (/^[0-9]+$/.test(t)) v = BigInt(t);
  else throw new Error('not an integer');
  return neg ? -v : v;
}

function floatValue(text: string): number {
  const neg = text.startsWith('-');
  const t = neg ? text.slice(1) : text;
  const v = /^inf(inity)?$/i.test(t) ? Infinity : /^nan$/i.test(t) ? NaN : /^0[xX]/.test(t) ? parseInt(t, 16) : Number(t);
  return neg ? -v : v;
}

/** Adjacent string literals as one value ("a" "b" is "ab"). */
function joinStrings(text: string): string {
  return tokenize(text)
    .filter((t) => t.kind === 'string')
    .map((t) => unquote(t.text))
    .join('');
}

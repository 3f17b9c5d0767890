import { daysFromCivil, daysInMonth } from './calendar.js';

/**
 * Values read straight from bytes: the common shapes take a fast path with no
 * string made; anything unusual falls back to a string and the exact (slower)
 * rule. Parsers return NaN for "not this type" where every real result is a
 * finite number.
 */

const ZERO = 0x30;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;

const latin1 = new TextDecoder('latin1');

/** The bytes as a string; only used where they are checked to be ASCII first or on slow paths. */
export function asciiText(buf: Uint8Array, s: number, e: number): string {
  let text = '';
  if (e - s < 24) {
    for (let i = s; i < e; i++) text += String.fromCharCode(buf[i]);
    return text;
  }
  return latin1.decode(buf.subarray(s, e));
}

/**
 * An integer of at most 15 digits (with an optional sign): exact in a double.
 * NaN for anything else, including longer integers (see parseBigInteger).
 */
export function parseSmallInt(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let negative = false;
  if (i < e) {
    const c = buf[i];
    if (c === MINUS || c === PLUS) {
      negative = c === MINUS;
      i++;
    }
  }
  if (i === e || e - i > 15) return NaN;
  let v = 0;
  for (; i < e; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

const INTEGER = /^[+-]?[0-9]+$/;

/** Any integer as a BigInt (the slow path for more than 15 digits); null when not an integer. */
export function parseBigInteger(text: string): bigint | null {
  if (!INTEGER.test(text)) return null;
  return BigInt(text);
}

/** True when the bytes are an integer (any number of digits, optional sign). */
export function isIntegerText(buf: Uint8Array, s: number, e: number): boolean {
  let i = s;
  if (i < e && (buf[i] === MINUS || buf[i] === PLUS)) i++;
  if (i === e) return false;
  for (; i < e; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** Set by parseFloat64: false when the text is not a number. */
export let floatOk = true;

/**
 * A decimal number, NaN or ±Infinity (any case; `inf` too). Up to 15 significant
 * digits and a power of ten within ±22 is one exactly rounded multiply or divide
 * (Clinger's fast path); the rest goes through Number(), which rounds exactly.
 */
export function parseFloat64(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let negative = false;
  if (i < e && (buf[i] === MINUS || buf[i] === PLUS)) {
    negative = buf[i] === MINUS;
    i++;
  }
  let m = 0;
  let digits = 0;
  let exponent = 0;
  let sawDigit = false;
  for (; i < e; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) break;
    sawDigit = true;
    if (m === 0 && d === 0) continue;
    m = m * 10 + d;
    digits++;
  }
  if (i < e && buf[i] === DOT) {
    for (i++; i < e; i++) {
      const d = buf[i] - ZERO;
      if (d < 0 || d > 9) break;
      sawDigit = true;
      exponent--;
      if (m === 0 && d === 0) continue;
      m = m * 10 + d;
      digits++;
    }
  }
  if (i < e && (buf[i] | 0x20) === 0x65 && sawDigit) {
    // An exponent: rare in data files; the exact slow path handles it.
    return parseFloatSlow(buf, s, e);
  }
  if (i !== e || !sawDigit || digits > 15) return parseFloatSlow(buf, s, e);
  floatOk = true;
  let v: number;
  if (exponent === 0) v = m;
  else if (exponent >= -22) v = m / POW10[-exponent];
  else return parseFloatSlow(buf, s, e);
  return negative ? -v : v;
}

function parseFloatSlow(buf: Uint8Array, s: number, e: number): number {
  const text = asciiText(buf, s, e);
  if (DECIMAL.test(text)) {
    floatOk = true;
    return Number(text);
  }
  const special = SPECIAL.exec(text);
  if (special) {
    floatOk = true;
    if (special[2].toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  floatOk = false;
  return NaN;
}

/** True for `nan`, `inf`, `infinity` with an optional sign, any case. */
export function isSpecialFloatText(buf: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  if (n < 3 || n > 9) return false;
  return SPECIAL.test(asciiText(buf, s, e));
}

/** 1 for true, 0 for false (any case), -1 otherwise. */
export function parseBool(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n === 4 && (buf[s] | 0x20) === 0x74 && (buf[s + 1] | 0x20) === 0x72 && (buf[s + 2] | 0x20) === 0x75 && (buf[s + 3] | 0x20) === 0x65) return 1;
  if (
    n === 5 &&
    (buf[s] | 0x20) === 0x66 &&
    (buf[s + 1] | 0x20) === 0x61 &&
    (buf[s + 2] | 0x20) === 0x6c &&
    (buf[s + 3] | 0x20) === 0x73 &&
    (buf[s + 4] | 0x20) === 0x65
  )
    return 0;
  return -1;
}

/**
 * An ISO 8601 date or date-time, filled by parseDateTime:
 * `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|±HH[:MM]]`. Years outside 0000-9999
 * are written with a sign and more digits (`+275760-09-13`), as JavaScript does.
 */
export const dateTime = {
  /** Days since 1970-01-01 of the date part. */
  days: 0,
  /** Seconds since midnight minus the offset (may be negative or past a day). */
  seconds: 0,
  /** The fraction of a second in nanoseconds. */
  nanos: 0,
  /** Digits written after the decimal point (0 when none). */
  fractionDigits: 0,
  /** A time part was present. */
  hasTime: false,
  /** An offset (Z or ±HH:MM) was present. */
  hasOffset: false,
};

function twoDigits(buf: Uint8Array, i: number): number {
  const a = buf[i] - ZERO;
  const b = buf[i + 1] - ZERO;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Parses a date or date-time into `dateTime`; false when the text is neither. */
export function parseDateTime(buf: Uint8Array, s: number, e: number): boolean {
  let i = s;
  let sign = 1;
  let signed = false;
  if (i < e && (buf[i] === MINUS || buf[i] === PLUS)) {
    sign = buf[i] === MINUS ? -1 : 1;
    signed = true;
    i++;
  }
  let year = 0;
  const yearStart = i;
  while (i < e && buf[i] >= ZERO && buf[i] <= ZERO + 9) year = year * 10 + (buf[i++] - ZERO);
  const yearDigits = i - yearStart;
  if (signed ? yearDigits < 4 || yearDigits > 12 : yearDigits !== 4) return false;
  year *= sign;
  if (i + 6 > e || buf[i] !== MINUS || buf[i + 3] !== MINUS) return false;
  const month = twoDigits(buf, i + 1);
  const day = twoDigits(buf, i + 4);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  i += 6;
  dateTime.days = daysFromCivil(year, month, day);
  dateTime.seconds = 0;
  dateTime.nanos = 0;
  dateTime.fractionDigits = 0;
  dateTime.hasTime = false;
  dateTime.hasOffset = false;
  if (i === e) return true;
  const sep = buf[i];
  if (sep !== 0x54 && sep !== 0x74 && sep !== 0x20) return false; // T, t or a space
  if (i + 6 > e || buf[i + 3] !== 0x3a) return false;
  const hour = twoDigits(buf, i + 1);
  const minute = twoDigits(buf, i + 4);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return false;
  i += 6;
  let second = 0;
  if (i < e && buf[i] === 0x3a) {
    if (i + 3 > e) return false;
    second = twoDigits(buf, i + 1);
    if (second < 0 || second > 59) return false;
    i += 3;
    if (i < e && (buf[i] === DOT || buf[i] === 0x2c)) {
      i++;
      let nanos = 0;
      let digits = 0;
      while (i < e && buf[i] >= ZERO && buf[i] <= ZERO + 9) {
        if (++digits > 9) return false;
        nanos = nanos * 10 + (buf[i++] - ZERO);
      }
      if (digits === 0) return false;
      dateTime.nanos = nanos * POW10[9 - digits];
      dateTime.fractionDigits = digits;
    }
  }
  let offset = 0;
  if (i < e) {
    const c = buf[i];
    if (c === 0x5a || c === 0x7a) {
      i++; // Z
    } else if (c === PLUS || c === MINUS) {
      const oh = i + 3 <= e ? twoDigits(buf, i + 1) : -1;
      if (oh < 0 || oh > 23) return false;
      let om = 0;
      let j = i + 3;
      if (j < e) {
        if (buf[j] === 0x3a) j++;
        om = j + 2 <= e ? twoDigits(buf, j) : -1;
        if (om < 0 || om > 59) return false;
        j += 2;
      }
      offset = (c === MINUS ? -1 : 1) * (oh * 3600 + om * 60);
      i = j;
    } else return false;
    if (i !== e) return false;
    dateTime.hasOffset = true;
  }
  dateTime.hasTime = true;
  dateTime.seconds = hour * 3600 + minute * 60 + second - offset;
  return true;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (no time part); NaN otherwise. */
export function parseDate(buf: Uint8Array, s: number, e: number): number {
  if (!parseDateTime(buf, s, e) || dateTime.hasTime) return NaN;
  return dateTime.days;
}

/** Digits of a fraction → the time unit that keeps them all: 0 → s, 1-3 → ms, 4-6 → us, 7-9 → ns. */
export function unitIndexForDigits(digits: number): number {
  return digits === 0 ? 0 : digits <= 3 ? 1 : digits <= 6 ? 2 : 3;
}

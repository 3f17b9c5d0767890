import { civilFromDays } from './calendar.js';

/**
 * Values as text, the forms `export` writes and `import` reads back exactly:
 * - floats: the shortest text that reads back to the same value (float32: the
 *   same after Math.fround); -0 as "-0"; NaN, Infinity, -Infinity as those words;
 * - dates: YYYY-MM-DD; timestamps: ISO 8601 with exactly the unit's fraction
 *   digits (s: none, ms: 3, us: 6, ns: 9) and a Z when the type has a time zone
 *   (the value is an instant: it is printed in UTC whatever the zone's name);
 *   years outside 0000-9999 as a sign and six or more digits (+275760-09-13);
 * - binary: base64.
 */

export function formatFloat64(v: number): string {
  if (v === 0 && 1 / v < 0) return '-0';
  return String(v); // shortest round-trip digits (ECMAScript Number::toString); NaN, Infinity, -Infinity
}

export function formatFloat32(v: number): string {
  if (v !== v || v === Infinity || v === -Infinity || v === 0) return formatFloat64(v);
  for (let p = 1; p < 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return String(candidate);
  }
  return String(Number(v.toPrecision(9))); // nine digits always round-trip a float32
}

const civil = [0, 0, 0];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function formatYear(y: number): string {
  if (y >= 0 && y <= 9999) return y < 1000 ? String(y).padStart(4, '0') : String(y);
  return (y < 0 ? '-' : '+') + String(Math.abs(y)).padStart(6, '0');
}

export function formatDate32(days: number): string {
  civilFromDays(days, civil);
  return `${formatYear(civil[0])}-${pad2(civil[1])}-${pad2(civil[2])}`;
}

const FRACTION_DIGITS: Record<number, number> = { 1: 0, 1000: 3, 1000000: 6, 1000000000: 9 };

/** A timestamp from whole days, the seconds into that day and the sub-second count in the unit. */
function formatDayTime(days: number, secondOfDay: number, fraction: number, perSecond: number, zulu: boolean): string {
  civilFromDays(days, civil);
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  const s = secondOfDay % 60;
  let text = `${formatYear(civil[0])}-${pad2(civil[1])}-${pad2(civil[2])}T${pad2(h)}:${pad2(m)}:${pad2(s)}`;
  const digits = FRACTION_DIGITS[perSecond];
  if (digits > 0) text += '.' + String(fraction).padStart(digits, '0');
  return zulu ? text + 'Z' : text;
}

/** A timestamp whose count in its unit is a safe integer. */
export function formatTimestamp(value: number, perSecond: number, zulu: boolean): string {
  const seconds = Math.floor(value / perSecond);
  const fraction = value - seconds * perSecond;
  const days = Math.floor(seconds / 86400);
  return formatDayTime(days, seconds - days * 86400, fraction, perSecond, zulu);
}

/** Any int64 timestamp (past 2^53 the split into days is done in BigInt, then back to exact numbers). */
export function formatTimestampBig(value: bigint, perSecond: number, zulu: boolean): string {
  const unit = BigInt(perSecond);
  let seconds = value / unit;
  let fraction = value - seconds * unit;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += unit;
  }
  let days = seconds / 86400n;
  let secondOfDay = seconds - days * 86400n;
  if (secondOfDay < 0n) {
    days -= 1n;
    secondOfDay += 86400n;
  }
  return formatDayTime(Number(days), Number(secondOfDay), Number(fraction), perSecond, zulu);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const TWO_32 = 4294967296;

/** An int64 or uint64 from its two 32-bit halves: exact digits, BigInt only past 2^53. */
export function formatInt64(halves: Int32Array, i: number, signed: boolean): string {
  const lo = halves[2 * i] >>> 0;
  const hi = halves[2 * i + 1];
  if (signed ? hi >= -2097152 && hi < 2097152 : hi >= 0 && hi < 2097152) return String(hi * TWO_32 + lo);
  const bits = (BigInt(hi >>> 0) << 32n) | BigInt(lo);
  return String(signed ? BigInt.asIntN(64, bits) : bits);
}

/** The same split for timestamps: the count as a number when safe, else null (use the BigInt path). */
export function safeInt64(halves: Int32Array, i: number): number | null {
  const hi = halves[2 * i + 1];
  if (hi >= -2097152 && hi < 2097152) return hi * TWO_32 + (halves[2 * i] >>> 0);
  return null;
}

import { Bool, DataType, DateDay, Float64, Int64, TimeUnit, Timestamp, Utf8 } from 'apache-arrow';
import { fieldCount, NULL, QUOTED, type FieldTable } from './field-table.js';
import { asciiText, dateTime, isIntegerText, isSpecialFloatText, parseBool, parseDateTime, parseFloat64, floatOk, unitIndexForDigits } from './text-values.js';

/** How many data rows type inference looks at (the rest must fit the types it chose). */
export const DEFAULT_INFER_ROWS = 1000;

const INT = 1;
const FLOAT = 2;
const BOOL = 4;
const DATE = 8;
const TIMESTAMP = 16;
const TEXT = 32;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UNITS = [TimeUnit.SECOND, TimeUnit.MILLISECOND, TimeUnit.MICROSECOND, TimeUnit.NANOSECOND];

/** What one column's sampled values allow, folded value by value. */
class ColumnEvidence {
  kinds = 0;
  finestUnit = 0;
  withOffset = 0;
  withoutOffset = 0;

  add(buf: Uint8Array, s: number, e: number, isJsonString: boolean): void {
    if (isJsonString) {
      // A JSON string is text by intent: only dates, times and NaN/Infinity read as more.
      if (this.addDateTime(buf, s, e)) return;
      this.kinds |= isSpecialFloatText(buf, s, e) ? FLOAT : TEXT;
      return;
    }
    if (isIntegerText(buf, s, e)) {
      // A leading zero ("0114709", "02134") marks a code, not a quantity: as an
      // integer it would lose its zeros, so it stays text.
      const digits = buf[s] === 0x2d || buf[s] === 0x2b ? s + 1 : s;
      if (buf[digits] === 0x30 && e - digits > 1) this.kinds |= TEXT;
      else this.kinds |= e - s <= 18 || fitsInt64(asciiText(buf, s, e)) ? INT : TEXT;
      return;
    }
    parseFloat64(buf, s, e);
    if (floatOk) {
      this.kinds |= FLOAT;
      return;
    }
    if (parseBool(buf, s, e) >= 0) {
      this.kinds |= BOOL;
      return;
    }
    if (this.addDateTime(buf, s, e)) return;
    this.kinds |= TEXT;
  }

  private addDateTime(buf: Uint8Array, s: number, e: number): boolean {
    if (e - s < 10 || !parseDateTime(buf, s, e)) return false;
    if (!dateTime.hasTime) {
      this.kinds |= DATE;
      this.withoutOffset++;
      return true;
    }
    this.kinds |= TIMESTAMP;
    this.finestUnit = Math.max(this.finestUnit, unitIndexForDigits(dateTime.fractionDigits));
    if (dateTime.hasOffset) this.withOffset++;
    else this.withoutOffset++;
    return true;
  }

  type(): DataType {
    const k = this.kinds;
    if (k === 0 || k & TEXT) return new Utf8();
    if (k === INT) return new Int64();
    if ((k & ~(INT | FLOAT)) === 0) return new Float64();
    if (k === BOOL) return new Bool();
    if (k === DATE) return new DateDay();
    if ((k & ~(DATE | TIMESTAMP)) === 0) {
      // Every value with an offset is an instant (UTC); none is wall-clock time; a mix is ambiguous.
      if (this.withOffset > 0 && this.withoutOffset > 0) return new Utf8();
      return new Timestamp(UNITS[this.finestUnit], this.withOffset > 0 ? 'UTC' : null);
    }
    return new Utf8();
  }
}

function fitsInt64(text: string): boolean {
  const v = BigInt(text);
  return v >= INT64_MIN && v <= INT64_MAX;
}

/**
 * Column types from the first `rows` records of a field table: integers →
 * int64 (but integers written with leading zeros are codes → utf8), decimals (and NaN/Infinity) → float64, true/false → bool, YYYY-MM-DD →
 * date32, ISO 8601 date-times → timestamp in the unit of the longest fraction
 * (UTC when the values carry offsets), anything else (or nothing) → utf8.
 * Empty fields and records with the wrong number of fields are not evidence.
 * `jsonStrings`: quoted fields are JSON strings, text by intent, never numbers.
 */
export function inferColumnTypes(t: FieldTable, columns: number, rows: number, jsonStrings: boolean): DataType[] {
  const evidence = Array.from({ length: columns }, () => new ColumnEvidence());
  const n = Math.min(rows, t.records);
  for (let r = 0; r < n; r++) {
    if (fieldCount(t, r) !== columns || t.problems?.has(r)) continue;
    const first = t.recordFirst[r];
    for (let c = 0; c < columns; c++) {
      const f = first + c;
      const s = t.start[f];
      const e = t.end[f];
      const flags = t.flags[f];
      if (s === e || flags & NULL) continue;
      evidence[c].add(t.buf, s, e, jsonStrings && (flags & QUOTED) !== 0);
    }
  }
  return evidence.map((ev) => ev.type());
}

import { DateDay, Timestamp } from 'apache-arrow';
import { typeName } from '../schema-text.js';
import { FixedWidthBuilder, isNullField, Wide64Builder } from './column-builder.js';
import { fieldText, type FieldTable } from './field-table.js';
import { dateTime, isIntegerText, parseBigInteger, parseDate, parseDateTime, parseSmallInt } from './text-values.js';
import { UNITS_PER_SECOND } from './type-spec.js';

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/** `YYYY-MM-DD` → days since the epoch (int32). */
export class Date32Builder extends FixedWidthBuilder<Int32Array> {
  constructor(maxRows: number) {
    super(new DateDay(), maxRows, (n) => new Int32Array(n));
  }

  appendColumn(t: FieldTable, rows: Int32Array, from: number, to: number, col: number): number {
    this.reserve(to - from);
    const { buf, start, end, recordFirst } = t;
    const values = this.values;
    let n = this.length;
    for (let i = from; i < to; i++) {
      const f = recordFirst[rows[i]] + col;
      if (isNullField(t, f)) {
        this.setNull(n);
        values[n++] = 0;
        continue;
      }
      const days = parseDate(buf, start[f], end[f]);
      if (!(days >= -2147483648 && days <= 2147483647)) {
        this.length = n;
        this.problem = days === days ? 'out of range for date32' : null;
        return i;
      }
      values[n] = days;
      this.setValid(n++);
    }
    this.length = n;
    return -1;
  }
}

/**
 * ISO 8601 date-times (offsets applied: the value is the UTC instant; text with
 * no offset is taken as UTC wall-clock time), plain dates (midnight), or integers
 * (the epoch count in the column's unit). A fraction finer than the unit does
 * not fit, unless its extra digits are zeros.
 */
export class TimestampBuilder extends Wide64Builder {
  private readonly perSecond: number;
  private readonly nanosPerUnit: number;

  constructor(type: Timestamp, maxRows: number) {
    super(type, maxRows, false);
    this.perSecond = UNITS_PER_SECOND[type.unit];
    this.nanosPerUnit = 1e9 / this.perSecond;
  }

  appendColumn(t: FieldTable, rows: Int32Array, from: number, to: number, col: number): number {
    this.reserve(to - from);
    const { buf, start, end, recordFirst } = t;
    const halves = this.halves;
    let n = this.length;
    for (let i = from; i < to; i++) {
      const f = recordFirst[rows[i]] + col;
      if (isNullField(t, f)) {
        this.setNull(n);
        halves[2 * n] = 0;
        halves[2 * n + 1] = 0;
        n++;
        continue;
      }
      const s = start[f];
      const e = end[f];
      let v = parseSmallInt(buf, s, e);
      if (v !== v) {
        if (isIntegerText(buf, s, e)) {
          if (!this.setBig(n, parseBigInteger(fieldText(t, f))!)) return this.fail(n, i);
          this.setValid(n++);
          continue;
        }
        if (!parseDateTime(buf, s, e)) return this.fail(n, i, null);
        const nanos = dateTime.nanos;
        if (nanos % this.nanosPerUnit !== 0) return this.fail(n, i, `a fraction of a second finer than ${typeName(this.type)}`);
        const fraction = nanos / this.nanosPerUnit;
        const seconds = dateTime.days * 86400 + dateTime.seconds;
        const scaled = seconds * this.perSecond;
        v = scaled + fraction;
        if (!(Math.abs(dateTime.days) < 1e10 && Math.abs(scaled) < TWO_53 && Math.abs(v) < TWO_53)) {
          const big = (BigInt(dateTime.days) * 86400n + BigInt(dateTime.seconds)) * BigInt(this.perSecond) + BigInt(fraction);
          if (!this.setBig(n, big)) return this.fail(n, i);
          this.setValid(n++);
          continue;
        }
      }
      const hi = Math.floor(v / TWO_32);
      halves[2 * n] = (v - hi * TWO_32) | 0;
      halves[2 * n + 1] = hi;
      this.setValid(n++);
    }
    this.length = n;
    return -1;
  }

  private fail(n: number, i: number, problem: string | null = this.problem): number {
    this.length = n;
    this.problem = problem;
    return i;
  }

  private setBig(n: number, v: bigint): boolean {
    if (BigInt.asIntN(64, v) !== v) {
      this.problem = `out of range for ${typeName(this.type)}`;
      return false;
    }
    this.setBits(n, v);
    return true;
  }
}

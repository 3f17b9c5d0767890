import { Bool, Data, Float32, Float64, Int16, Int32, Int8, Int64, Uint16, Uint32, Uint64, Uint8 } from 'apache-arrow';
import { column } from '../columns.js';
import { typeName } from '../schema-text.js';
import { ColumnBuilder, FixedWidthBuilder, isNullField, Wide64Builder } from './column-builder.js';
import { fieldText, NULL, type FieldTable } from './field-table.js';
import { floatOk, parseBigInteger, parseBool, parseFloat64, parseSmallInt } from './text-values.js';

const TWO_32 = 4294967296;

/**
 * 64-bit integers kept as two 32-bit halves in an Int32Array view: a value of up
 * to 15 digits is parsed and stored with no BigInt; longer ones take BigInt.
 */
export class Int64Builder extends Wide64Builder {
  private readonly signed: boolean;

  constructor(type: Int64 | Uint64, maxRows: number) {
    super(type, maxRows, !type.isSigned);
    this.signed = type.isSigned;
  }

  appendColumn(t: FieldTable, rows: Int32Array, from: number, to: number, col: number): number {
    this.reserve(to - from);
    // Locals, not properties, in the loop: this is the hottest loop of a CSV import.
    const { buf, start, end, flags, recordFirst } = t;
    const halves = this.halves;
    const validity = this.validity;
    const unsigned = !this.signed;
    let n = this.length;
    for (let i = from; i < to; i++) {
      const f = recordFirst[rows[i]] + col;
      const s = start[f];
      const e = end[f];
      if (s === e || flags[f] & NULL) {
        validity[n >> 3] &= ~(1 << (n & 7));
        halves[2 * n] = 0;
        halves[2 * n + 1] = 0;
        n++;
        continue;
      }
      // Up to nine digits, unsigned: small-integer arithmetic, no sign or double math.
      let k = s;
      let v = 0;
      if (e - s <= 9) {
        for (; k < e; k++) {
          const d = buf[k] - 0x30;
          if (d < 0 || d > 9) break;
          v = v * 10 + d;
        }
      }
      if (k === e && k > s) {
        halves[2 * n] = v;
        halves[2 * n + 1] = 0;
      } else {
        v = parseSmallInt(buf, s, e);
        if (v === v) {
          if (unsigned && v < 0) return this.fail(n, i, 'a negative value in an unsigned column');
          const hi = Math.floor(v / TWO_32);
          halves[2 * n] = (v - hi * TWO_32) | 0;
          halves[2 * n + 1] = hi;
        } else if (!this.setBig(n, fieldText(t, f))) return this.fail(n, i, this.problem);
      }
      validity[n >> 3] |= 1 << (n & 7);
      n++;
    }
    this.length = n;
    return -1;
  }

  private fail(n: number, i: number, problem: string | null): number {
    this.length = n;
    this.problem = problem;
    return i;
  }

  /** The slow path: more than 15 digits (or not an integer at all). */
  private setBig(n: number, text: string): boolean {
    const v = parseBigInteger(text);
    this.problem = null;
    if (v === null) return false;
    const lo = BigInt.asUintN(64, v);
    if (this.signed ? BigInt.asIntN(64, v) !== v : lo !== v) {
      this.problem = `out of range for ${this.signed ? 'int64' : 'uint64'}`;
      return false;
    }
    this.setBits(n, lo);
    return true;
  }
}

type SmallIntArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
type SmallIntArrayConstructor = new (n: number) => SmallIntArray;

const SMALL_INT: Record<string, [SmallIntArrayConstructor, number, number]> = {
  int8: [Int8Array, -128, 127],
  int16: [Int16Array, -32768, 32767],
  int32: [Int32Array, -2147483648, 2147483647],
  uint8: [Uint8Array, 0, 255],
  uint16: [Uint16Array, 0, 65535],
  uint32: [Uint32Array, 0, 4294967295],
};

/** Integers of 8 to 32 bits, range-checked. */
export class SmallIntBuilder extends FixedWidthBuilder<SmallIntArray> {
  private readonly min: number;
  private readonly max: number;

  constructor(type: Int8 | Int16 | Int32 | Uint8 | Uint16 | Uint32, name: string, maxRows: number) {
    const [make, min, max] = SMALL_INT[name];
    super(type, maxRows, (n) => new make(n));
    this.min = min;
    this.max = max;
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
      const v = parseSmallInt(buf, start[f], end[f]);
      if (!(v >= this.min && v <= this.max)) {
        this.length = n;
        this.problem = v === v || parseBigInteger(fieldText(t, f)) !== null ? `out of range for ${typeName(this.type)}` : null;
        return i;
      }
      values[n] = v;
      this.setValid(n++);
    }
    this.length = n;
    return -1;
  }
}

/** float64 and float32 (a float32 is the float64 rounded once, as Math.fround does). */
export class FloatBuilder extends FixedWidthBuilder<Float64Array | Float32Array> {
  constructor(type: Float64 | Float32, maxRows: number) {
    super(type, maxRows, type instanceof Float32 ? (n) => new Float32Array(n) : (n) => new Float64Array(n));
  }

  appendColumn(t: FieldTable, rows: Int32Array, from: number, to: number, col: number): number {
    this.reserve(to - from);
    const { buf, start, end, flags, recordFirst } = t;
    const values = this.values;
    const validity = this.validity;
    let n = this.length;
    for (let i = from; i < to; i++) {
      const f = recordFirst[rows[i]] + col;
      const s = start[f];
      const e = end[f];
      if (s === e || flags[f] & NULL) {
        validity[n >> 3] &= ~(1 << (n & 7));
        values[n++] = 0;
        continue;
      }
      const v = parseFloat64(buf, s, e);
      if (v !== v && !floatOk) {
        this.length = n;
        this.problem = null;
        return i;
      }
      values[n] = v;
      validity[n >> 3] |= 1 << (n & 7);
      n++;
    }
    this.length = n;
    return -1;
  }
}

/** true/false (any case), bit-packed. */
export class BoolBuilder extends ColumnBuilder {
  private bits: Uint8Array;

  constructor(maxRows: number) {
    super(new Bool(), maxRows);
    this.bits = new Uint8Array((this.capacity + 7) >> 3);
  }

  appendColumn(t: FieldTable, rows: Int32Array, from: number, to: number, col: number): number {
    this.reserve(to - from);
    const { buf, start, end, recordFirst } = t;
    const bits = this.bits;
    let n = this.length;
    for (let i = from; i < to; i++) {
      const f = recordFirst[rows[i]] + col;
      if (isNullField(t, f)) {
        this.setNull(n);
        bits[n >> 3] &= ~(1 << (n & 7));
        n++;
        continue;
      }
      const v = parseBool(buf, start[f], end[f]);
      if (v < 0) {
        this.length = n;
        this.problem = null;
        return i;
      }
      if (v) bits[n >> 3] |= 1 << (n & 7);
      else bits[n >> 3] &= ~(1 << (n & 7));
      this.setValid(n++);
    }
    this.length = n;
    return -1;
  }

  protected grow(capacity: number): void {
    const bits = new Uint8Array((capacity + 7) >> 3);
    bits.set(this.bits.subarray(0, (this.length + 7) >> 3));
    this.bits = bits;
  }

  finish(): Data {
    const data = column.bool(this.bits.subarray(0, (this.length + 7) >> 3), this.length, this.finishedValidity());
    this.restart();
    return data;
  }
}


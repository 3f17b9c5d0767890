import type { Data, DataType } from 'apache-arrow';
import { column } from '../columns.js';
import { NULL, type FieldTable } from './field-table.js';

/**
 * Builds one column of a batch from fields, straight into typed arrays. A builder
 * fills column `col` of many records in one call (one tight loop per type, no
 * call per value across types), grows by doubling up to the batch size, and
 * hands its arrays to the batch on `finish()`, starting fresh ones: the batch
 * may still be waiting to be written.
 */
export abstract class ColumnBuilder {
  length = 0;
  /** Why the last value that did not fit failed, when more can be said than "not a <type>". */
  problem: string | null = null;
  protected capacity: number;
  protected validity: Uint8Array;

  constructor(
    readonly type: DataType,
    protected readonly maxRows: number,
  ) {
    this.capacity = Math.min(maxRows, 1024);
    this.validity = new Uint8Array((this.capacity + 7) >> 3);
  }

  /**
   * Appends column `col` of records `rows[from..to)`. Stops at the first value that
   * does not fit the type, appending nothing for it, and returns its position in
   * `rows`; -1 when all fit.
   */
  abstract appendColumn(t: FieldTable, rows: Int32Array, from: number, to: number, col: number): number;

  /** Forgets values past `length` (a row found bad in a later column is taken back). */
  truncate(length: number): void {
    this.length = length;
  }

  /** The column so far as Arrow data; the builder starts over, empty. */
  abstract finish(): Data;

  /** Room for `n` more values: grows every array to a new capacity. */
  protected reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.capacity) return;
    let cap = this.capacity;
    while (cap < need) cap *= 2;
    this.grow(cap);
    const validity = new Uint8Array((cap + 7) >> 3);
    validity.set(this.validity);
    this.validity = validity;
    this.capacity = cap;
  }

  /** Replaces the value arrays with ones of `capacity` values, keeping the first `length`. */
  protected abstract grow(capacity: number): void;

  /** Fresh arrays for the next batch, as large as this one grew (batches tend to be alike). */
  protected restart(): void {
    this.validity = new Uint8Array((this.capacity + 7) >> 3);
    this.length = 0;
    this.grow(this.capacity);
  }

  protected setValid(i: number): void {
    this.validity[i >> 3] |= 1 << (i & 7);
  }

  protected setNull(i: number): void {
    this.validity[i >> 3] &= ~(1 << (i & 7));
  }

  /** The validity bitmap of the values so far. */
  protected finishedValidity(): Uint8Array {
    return this.validity.subarray(0, (this.length + 7) >> 3);
  }
}

/** The typed arrays that hold one fixed-width value per element. */
export type FixedWidthArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

/**
 * A builder whose values are one typed array, one element per value (integers up
 * to 32 bits, floats, date32): it owns growing that array and handing it over.
 */
export abstract class FixedWidthBuilder<A extends FixedWidthArray> extends ColumnBuilder {
  protected values: A;

  constructor(
    type: DataType,
    maxRows: number,
    private readonly makeArray: (n: number) => A,
  ) {
    super(type, maxRows);
    this.values = makeArray(this.capacity);
  }

  protected grow(capacity: number): void {
    const values = this.makeArray(capacity);
    values.set(this.values.subarray(0, this.length) as ArrayLike<number>);
    this.values = values;
  }

  finish(): Data {
    const data = column.fixed(this.type, this.values.subarray(0, this.length), this.length, this.finishedValidity());
    this.restart();
    return data;
  }
}

/**
 * A builder of 64-bit values (int64, uint64, timestamps) kept as two int32 halves
 * per value, lo first, in one Int32Array: the common path stores numbers without
 * BigInt; the array's buffer becomes the column's BigInt64Array (or
 * BigUint64Array) on `finish()`.
 */
export abstract class Wide64Builder extends ColumnBuilder {
  protected halves: Int32Array;

  constructor(
    type: DataType,
    maxRows: number,
    private readonly unsigned: boolean,
  ) {
    super(type, maxRows);
    this.halves = new Int32Array(this.capacity * 2);
  }

  /** Stores value `n` from a bigint's low 64 bits. */
  protected setBits(n: number, v: bigint): void {
    const bits = BigInt.asUintN(64, v);
    this.halves[2 * n] = Number(bits & 0xffffffffn) | 0;
    this.halves[2 * n + 1] = Number(bits >> 32n) | 0;
  }

  protected grow(capacity: number): void {
    const halves = new Int32Array(capacity * 2);
    halves.set(this.halves.subarray(0, this.length * 2));
    this.halves = halves;
  }

  finish(): Data {
    const n = this.length;
    const buffer = this.halves.buffer;
    const values = this.unsigned ? new BigUint64Array(buffer, 0, n) : new BigInt64Array(buffer, 0, n);
    const data = column.fixed(this.type, values, n, this.finishedValidity());
    this.restart();
    return data;
  }
}

/** True when a field is missing or empty and the type reads that as null. */
export function isNullField(t: FieldTable, f: number): boolean {
  return t.start[f] === t.end[f] || (t.flags[f] & NULL) !== 0;
}

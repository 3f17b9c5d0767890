import { DataType, Dictionary, Float32, Float64, Int64, Timestamp, Uint64, type Int8 } from 'apache-arrow';
import { errors } from '../errors.js';
import { typeName } from '../schema-text.js';
import type { ColumnBuilder } from './column-builder.js';
import { BoolBuilder, FloatBuilder, Int64Builder, SmallIntBuilder } from './number-builders.js';
import { BinaryBuilder, DictBuilder, Utf8Builder } from './string-builders.js';
import { Date32Builder, TimestampBuilder } from './time-builders.js';

export type { ColumnBuilder } from './column-builder.js';

export interface BuilderOptions {
  /** Rows per batch: builders never grow past it. */
  batchSize: number;
  /** An unquoted empty field in a utf8 column is null rather than "". */
  emptyAsNull: boolean;
}

/** A builder for one of the types `--types` names (exit 70 for any other: inference never makes one). */
export function makeBuilder(type: DataType, options: BuilderOptions): ColumnBuilder {
  const name = typeName(type);
  const rows = options.batchSize;
  switch (name) {
    case 'int64':
    case 'uint64':
      return new Int64Builder(type as Int64 | Uint64, rows);
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
      return new SmallIntBuilder(type as Int8, name, rows);
    case 'float32':
    case 'float64':
      return new FloatBuilder(type as Float32 | Float64, rows);
    case 'bool':
      return new BoolBuilder(rows);
    case 'utf8':
      return new Utf8Builder(rows, options.emptyAsNull);
    case 'binary':
      return new BinaryBuilder(rows);
    case 'dict':
      return new DictBuilder(type as Dictionary, rows);
    case 'date32':
      return new Date32Builder(rows);
    default:
      if (type instanceof Timestamp || name.startsWith('timestamp[')) return new TimestampBuilder(type as Timestamp, rows);
      throw errors.internal(`no text reader for type ${name}`);
  }
}

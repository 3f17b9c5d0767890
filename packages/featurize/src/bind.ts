// A spec against an input schema: every column a feature names must exist (else
// exit 2 with the spec's file:line and the op) and have a type the op can take
// (else exit 65 naming op, column and type). Binding also fixes each feature's
// output: its family in the tensor layout, its width and its Arrow type.
import { DataType, Field, FixedSizeList, Float16, Float32, Int8, Int64, List, Schema, Type, type Dictionary } from 'apache-arrow';
import { errors, typeName } from '@recdata/core';
import { isCrossableType } from '@recdata/hash';
import type { Feature, FeatureSpec } from './spec.js';

/** Where a feature's values go in the tensor layout. */
export type OutputFamily = 'dense' | 'categorical' | 'list' | 'embedding';

export interface BoundFeature {
  feature: Feature;
  /** Schema index of each input column. */
  inputs: number[];
  inputTypes: DataType[];
  /** difference_lag: the group column; target_encode (fit only): the target column; else -1. */
  extra: number;
  /** dense: float32 values; categorical: int64 codes; list: List<int64>; embedding: quantize's own columns. */
  family: OutputFamily;
  /** Values per row in the tensor (seq_pad: its length; quantize: the embedding's size). */
  width: number;
  /** The output column's type in the columns layout. */
  type: DataType;
  /** Whether the output can hold nulls in the columns layout. */
  nullable: boolean;
}

export interface BoundSpec {
  spec: FeatureSpec;
  schema: Schema;
  features: BoundFeature[];
}

const NUMERIC = 'an integer or float column';
const KEY = 'an integer, float, bool, utf8, date, time, timestamp or duration column, or a dictionary of one';

export const isNumeric = (t: DataType) => t.typeId === Type.Int || t.typeId === Type.Float;

/** Types whose values categorify, target_encode and difference_lag can key on. */
export function isKeyLeaf(t: DataType): boolean {
  switch (t.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Bool:
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Date:
    case Type.Timestamp:
    case Type.Time:
    case Type.Duration:
      return true;
    default:
      return false;
  }
}

export function isKeyType(t: DataType): boolean {
  return DataType.isDictionary(t) ? isKeyLeaf((t as Dictionary).dictionary) : isKeyLeaf(t);
}

const isTimeLike = (t: DataType) => t.typeId === Type.Timestamp || t.typeId === Type.Date || t.typeId === Type.Duration;

function columnIndex(schema: Schema, spec: FeatureSpec, f: Feature, column: string): number {
  const i = schema.fields.findIndex((x) => x.name === column);
  if (i < 0) {
    const present = schema.fields.map((x) => x.name).join(', ') || '(no columns)';
    throw errors.usage(`feature "${f.name}" (op ${f.op}): unknown column "${column}"; the input has: ${present}`, { file: spec.file, line: f.line });
  }
  return i;
}

function wrongType(spec: FeatureSpec, f: Feature, column: string, type: DataType, expected: string): never {
  throw errors.badInput(`feature "${f.name}" (op ${f.op}): column "${column}" has type ${typeName(type)}, expected ${expected}`, { file: spec.file, line: f.line, column });
}

/** Binds every feature (fit: with the target columns; transform: without). */
export function bindSpec(spec: FeatureSpec, schema: Schema, forFit: boolean): BoundSpec {
  return { spec, schema, features: spec.features.map((f) => bindFeature(spec, schema, f, forFit)) };
}

function bindFeature(spec: FeatureSpec, schema: Schema, f: Feature, forFit: boolean): BoundFeature {
  const inputs = f.input.map((c) => columnIndex(schema, spec, f, c));
  const inputTypes = inputs.map((i) => schema.fields[i].type);
  const t = inputTypes[0];
  const nullableIn = inputs.some((i) => schema.fields[i].nullable);
  const need = (ok: boolean, expected: string, k = 0) => {
    if (!ok) wrongType(spec, f, f.input[k], inputTypes[k], expected);
  };
  const base = { feature: f, inputs, inputTypes, extra: -1, width: 1 };
  const dense = (nullable: boolean): BoundFeature => ({ ...base, family: 'dense', type: new Float32(), nullable });
  const categorical = (nullable: boolean): BoundFeature => ({ ...base, family: 'categorical', type: new Int64(), nullable });
  switch (f.op) {
    case 'normalize':
    case 'minmax':
    case 'log1p':
    case 'clip':
      need(isNumeric(t), NUMERIC);
      return dense(nullableIn);
    case 'fill_missing':
      need(isNumeric(t), NUMERIC);
      return dense(false);
    case 'bucketize':
    case 'quantile_bucketize':
      need(isNumeric(t), NUMERIC);
      return categorical(nullableIn);
    case 'categorify': {
      if (t.typeId === Type.List) {
        need(isKeyType((t as List).valueType), `${KEY}, or a list of these`);
        return { ...base, family: 'list', type: new List(new Field('item', new Int64(), false)), nullable: nullableIn };
      }
      need(isKeyType(t), `${KEY}, or a list of these`);
      return categorical(false);
    }
    case 'hash_bucket':
    case 'hashed_cross':
      inputTypes.forEach((it, k) => need(isCrossableType(it), 'a hashable column that is not a list (see docs/hash-spec.md)', k));
      return categorical(nullableIn && f.params.null_hash === null);
    case 'seq_pad': {
      need(t.typeId === Type.List && isNumeric((t as List).valueType), 'a list of integers or floats');
      const value = (t as List).valueType;
      const integer = value.typeId === Type.Int;
      if (integer && !Number.isSafeInteger(f.params.pad)) {
        throw errors.usage(`feature "${f.name}" (op seq_pad): "pad" must be an integer for the integer list "${f.input[0]}", got ${f.params.pad}`, { file: spec.file, line: f.line });
      }
      const item = new Field('item', integer ? new Int64() : new Float32(), false);
      return { ...base, width: f.params.length, family: integer ? 'categorical' : 'dense', type: new FixedSizeList(f.params.length, item), nullable: false };
    }
    case 'quantize': {
      need(t.typeId === Type.FixedSizeList && (t as FixedSizeList).valueType.typeId === Type.Float && (t as FixedSizeList).valueType.precision === 1, 'a fixed_size_list<float32> (an embedding)');
      const size = (t as FixedSizeList).listSize;
      const item = new Field('item', f.params.to === 'float16' ? new Float16() : new Int8(), false);
      return { ...base, width: size, family: 'embedding', type: new FixedSizeList(size, item), nullable: nullableIn };
    }
    case 'target_encode': {
      need(isKeyType(t), KEY);
      let extra = -1;
      if (forFit) {
        extra = columnIndex(schema, spec, f, f.params.target);
        const tt = schema.fields[extra].type;
        if (!(isNumeric(tt) || tt.typeId === Type.Bool)) wrongType(spec, f, f.params.target, tt, 'a numeric or bool target column');
      }
      return { ...dense(false), extra };
    }
    case 'difference_lag': {
      need(isNumeric(t) || isTimeLike(t), 'an integer, float, timestamp, date or duration column');
      const extra = columnIndex(schema, spec, f, f.params.by);
      const bt = schema.fields[extra].type;
      if (!isKeyType(bt)) wrongType(spec, f, f.params.by, bt, KEY);
      return { ...dense(true), extra };
    }
  }
}

/** The output fields of a feature in the columns layout (quantize int8 adds its scale column). */
export function outputFields(b: BoundFeature): Field[] {
  const f = b.feature;
  const fields = [new Field(f.name, b.type, b.nullable)];
  if (f.op === 'quantize' && f.params.to === 'int8') fields.push(new Field(f.params.scale_name, new Float32(), b.nullable));
  return fields;
}

export { isTimeLike };

/** The value type of a feature's keys: a dictionary's values, a list's items (categorify, target_encode). */
export function keyTypeOf(b: BoundFeature): DataType {
  const t = b.inputTypes[0];
  const leaf = t.typeId === Type.List ? (t as List).valueType : t;
  return DataType.isDictionary(leaf) ? (leaf as Dictionary).dictionary : leaf;
}

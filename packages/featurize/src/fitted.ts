// The fitted file: the spec with what fit learned, versioned, with fingerprints of
// the spec and of the input columns it was fitted on. Large vocabularies (and
// target_encode tables) go to sidecar Arrow IPC files next to it, each checked by
// its XXH64 when read. transform refuses a stream whose columns differ from the
// fitted ones (exit 65, naming the difference): the training-serving check.
import fs from 'node:fs';
import path from 'node:path';
import { Data, DataType, Field, FixedSizeList, Float64, Int64, Schema, Type } from 'apache-arrow';
import { ArrowReader, batchStream, errors, makeBatch, RECDATA_VERSION, typeName, writeBatchStream } from '@recdata/core';
import { xxh64 } from '@recdata/hash';
import { bindSpec, keyTypeOf, type BoundSpec } from './bind.js';
import type { FitResult, FittedState } from './fit.js';
import { keyFromJson, keyReader, keysToData, keyToJson, type Key } from './keys.js';
import { readFloat64 } from './numbers.js';
import { parseSpecText, readText } from './spec-parse.js';
import { columnsRead, featureToJson, paramsToJson, type Feature, type FeatureSpec } from './spec.js';
import type { CategorifyState, TargetState } from './state.js';

export const FITTED_FORMAT = 'recdata-featurize-fitted';
export const FITTED_VERSION = 1;
/** Vocabularies (and target tables) longer than this go to a sidecar file. */
export const INLINE_LIMIT = 1000;

const TOP_KEYS = new Set(['format', 'version', 'created_by', 'spec_file', 'spec_fingerprint', 'schema_fingerprint', 'schema', 'rows', 'features']);
const FEATURE_EXTRAS = new Set(['spec_line', 'fitted']);

export interface ColumnType {
  name: string;
  type: string;
}

/** A fitted file as read: states are decoded once the stream's schema is known (their keys are typed by it). */
export interface FittedModel {
  file: string;
  spec: FeatureSpec;
  specFingerprint: string;
  schemaFingerprint: string;
  columns: ColumnType[];
  rows: number;
  /** Each feature's `fitted` entry as JSON, and the line of its feature. */
  rawStates: Record<string, unknown>[];
}

function fingerprint(value: unknown): string {
  return `xxh64:${xxh64(JSON.stringify(value)).toString(16).padStart(16, '0')}`;
}

export function specFingerprint(spec: FeatureSpec): string {
  return fingerprint(spec.features.map(featureToJson));
}

/** The columns transform reads (names and types), in the order the features first read them. */
export function readColumns(spec: FeatureSpec, schema: Schema): ColumnType[] {
  const out: ColumnType[] = [];
  const seen = new Set<string>();
  for (const f of spec.features) {
    for (const name of columnsRead(f)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const field = schema.fields.find((x) => x.name === name);
      if (field) out.push({ name, type: typeName(field.type) });
    }
  }
  return out;
}

export function schemaFingerprint(columns: ColumnType[]): string {
  return fingerprint(columns);
}

function sidecarName(fittedFile: string, index: number, feature: string): string {
  const base = path.basename(fittedFile).replace(/\.json$/i, '');
  return `${base}.f${index}.${feature.replace(/[^A-Za-z0-9_.-]+/g, '_')}.arrow`;
}

async function writeSidecar(file: string, fields: Field[], columns: Data[]): Promise<string> {
  const schema = new Schema(fields);
  await writeBatchStream(batchStream(schema, [makeBatch(schema, columns)]), { file });
  return fileDigest(file);
}

function fileDigest(file: string): string {
  return xxh64(fs.readFileSync(file)).toString(16).padStart(16, '0');
}

function fixedFloat64(values: Float64Array, width: number): Data {
  const type = new FixedSizeList(width, new Field('item', new Float64(), false));
  const child = new Data(new Float64(), 0, values.length, 0, [undefined, values, undefined, undefined] as never);
  return new Data(type, 0, values.length / width, 0, [undefined, undefined, undefined, undefined] as never, [child]);
}

function withNulls(data: Data, nulls: boolean[]): Data {
  if (!nulls.some((x) => x)) return data;
  const bitmap = new Uint8Array((nulls.length + 7) >> 3);
  let nullCount = 0;
  nulls.forEach((isNull, i) => {
    if (isNull) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  });
  return new Data(data.type, 0, data.length, nullCount, [data.valueOffsets, data.values, bitmap, undefined] as never, data.children);
}


async function stateToJson(result: FitResult, index: number, fittedFile: string, written: string[]): Promise<unknown> {
  const b = result.bound.features[index];
  const state = result.states[index];
  const f = b.feature;
  const keyType = keyTypeOf(b);
  if (f.op === 'categorify') {
    const s = state as CategorifyState;
    const head = { values: s.values, distinct: s.distinct, exact: s.exact, count_error: s.count_error, cardinality: s.cardinality, size: s.vocabulary.keys.length };
    if (s.vocabulary.keys.length <= INLINE_LIMIT) return { ...head, vocabulary: s.vocabulary.keys.map((k, r) => [keyToJson(k, keyType), s.vocabulary.counts[r]]) };
    const name = sidecarName(fittedFile, index, f.name);
    const file = path.join(path.dirname(fittedFile), name);
    written.push(file);
    const counts = BigInt64Array.from(s.vocabulary.counts, (c) => BigInt(c));
    const digest = await writeSidecar(file, [new Field('value', keyType, false), new Field('count', new Int64(), false)], [
      keysToData(s.vocabulary.keys, keyType),
      new Data(new Int64(), 0, counts.length, 0, [undefined, counts, undefined, undefined] as never),
    ]);
    return { ...head, sidecar: name, sidecar_xxh64: digest };
  }
  if (f.op === 'target_encode') {
    const s = state as TargetState;
    const head = { folds: s.folds, fold_counts: s.fold_counts, fold_sums: s.fold_sums, exact: s.exact, size: s.categories.length };
    const k = s.folds;
    if (s.categories.length <= INLINE_LIMIT) {
      return {
        ...head,
        categories: s.categories.map((c, i) => [c === null ? null : keyToJson(c, keyType), [...s.counts.subarray(i * k, i * k + k)], [...s.sums.subarray(i * k, i * k + k)]]),
      };
    }
    const name = sidecarName(fittedFile, index, f.name);
    const file = path.join(path.dirname(fittedFile), name);
    written.push(file);
    const keys = s.categories.map((c) => (c === null ? placeholderKey(keyType) : c));
    const values = withNulls(keysToData(keys, keyType), s.categories.map((c) => c === null));
    const digest = await writeSidecar(
      file,
      [new Field('value', keyType, true), new Field('counts', fixedFloat64(s.counts, k).type, false), new Field('sums', fixedFloat64(s.sums, k).type, false)],
      [values, fixedFloat64(s.counts, k), fixedFloat64(s.sums, k)],
    );
    return { ...head, sidecar: name, sidecar_xxh64: digest };
  }
  return state;
}

/** A value of the type to stand under a null slot. */
function placeholderKey(type: DataType): Key {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return '';
    case Type.Bool:
      return false;
    default:
      return 0;
  }
}

function featureEntry(f: Feature): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: f.name, op: f.op, input: f.op === 'hashed_cross' ? f.input : f.input[0] };
  for (const [k, v] of Object.entries(paramsToJson(f))) if (v !== null) entry[k] = v;
  return entry;
}

/**
 * Writes the fitted file (and its sidecars) under temporary names, renamed when
 * complete: a failed fit leaves nothing behind.
 */
export async function writeFitted(result: FitResult, specFile: string, outFile: string): Promise<void> {
  const spec = result.bound.spec;
  const columns = readColumns(spec, result.bound.schema);
  const written: string[] = [];
  const temp = `${outFile}.partial-${process.pid}`;
  try {
    const features = [];
    for (let i = 0; i < spec.features.length; i++) {
      const f = spec.features[i];
      features.push({ ...featureEntry(f), spec_line: f.line, fitted: await stateToJson(result, i, outFile, written) });
    }
    const doc = {
      format: FITTED_FORMAT,
      version: FITTED_VERSION,
      created_by: `recdata ${RECDATA_VERSION}`,
      spec_file: specFile,
      spec_fingerprint: specFingerprint(spec),
      schema_fingerprint: schemaFingerprint(columns),
      schema: columns,
      rows: result.rows,
      features,
    };
    fs.writeFileSync(temp, JSON.stringify(doc, (_k, v) => (v instanceof Float64Array ? [...v] : v), 2) + '\n');
    fs.renameSync(temp, outFile);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    for (const f of written) fs.rmSync(f, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) throw errors.ioWrite(outFile, err.message);
    throw e;
  }
}

function corrupt(model: { file: string }, line: number | undefined, what: string): never {
  throw errors.badInput(`not a valid fitted file: ${what}`, line !== undefined ? { file: model.file, line } : { file: model.file });
}

/** Reads a fitted file (exit 66 when it cannot be opened; 2 for a feature spec error in it; 65 when it is not a fitted file). */
export function readFitted(file: string): FittedModel {
  const text = readText(file);
  const stub = { file };
  let top: Record<string, unknown>;
  try {
    const first = JSON.parse(text) as Record<string, unknown>;
    top = first;
  } catch {
    return corrupt(stub, undefined, 'it is not JSON (a feature spec? run `gpu-featurize fit --spec SPEC` first and give its output)');
  }
  if (!top || typeof top !== 'object' || top.format !== FITTED_FORMAT) {
    if (top && typeof top === 'object' && 'features' in top) corrupt(stub, undefined, 'this is a feature spec, not a fitted file: run `gpu-featurize fit --spec SPEC -o FITTED.json` first');
    corrupt(stub, undefined, `"format" is not "${FITTED_FORMAT}"`);
  }
  if (top.version !== FITTED_VERSION) corrupt(stub, undefined, `version ${JSON.stringify(top.version)}, this recdata reads version ${FITTED_VERSION}`);
  const parsed = parseSpecText(text, file, FEATURE_EXTRAS, TOP_KEYS);
  const spec = parsed.spec;
  const stored = String(top.spec_fingerprint);
  if (specFingerprint(spec) !== stored) corrupt(stub, undefined, 'its features were edited after fit (the spec fingerprint does not match them)');
  const columns = top.schema as ColumnType[];
  if (!Array.isArray(columns) || !columns.every((c) => c && typeof c.name === 'string' && typeof c.type === 'string')) corrupt(stub, undefined, '"schema" must list {name, type} columns');
  if (schemaFingerprint(columns) !== top.schema_fingerprint) corrupt(stub, undefined, 'its "schema" was edited after fit (the schema fingerprint does not match it)');
  const rawStates = parsed.extras.map((e, i) => {
    const s = e.fitted;
    if (!s || typeof s !== 'object') corrupt(stub, spec.features[i].line, `feature "${spec.features[i].name}" has no "fitted" state`);
    return s as Record<string, unknown>;
  });
  return {
    file,
    spec,
    specFingerprint: stored,
    schemaFingerprint: String(top.schema_fingerprint),
    columns,
    rows: typeof top.rows === 'number' ? top.rows : 0,
    rawStates,
  };
}

/** Exit 65 naming the first difference between the fitted columns and the stream's. */
export function checkStreamSchema(model: FittedModel, schema: Schema): void {
  for (const c of model.columns) {
    const field = schema.fields.find((f) => f.name === c.name);
    if (!field) {
      const users = model.spec.features.filter((f) => columnsRead(f).includes(c.name)).map((f) => f.name);
      throw errors.schemaMismatch(`the stream has no column "${c.name}" (${c.type} when fitted, read by ${users.join(', ')}); it has: ${schema.fields.map((f) => f.name).join(', ')}`, {
        file: model.file,
        column: c.name,
      });
    }
    const now = typeName(field.type);
    if (now !== c.type) throw errors.schemaMismatch(`column "${c.name}" is ${now} in the stream but was ${c.type} when fitted`, { file: model.file, column: c.name });
  }
}

const num = (model: FittedModel, line: number, s: Record<string, unknown>, key: string): number => {
  const v = s[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) corrupt(model, line, `"${key}" must be a finite number`);
  return v;
};

const numbers = (model: FittedModel, line: number, v: unknown, what: string, length?: number): number[] => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x)) || (length !== undefined && v.length !== length)) corrupt(model, line, `${what} must be a list of${length !== undefined ? ` ${length}` : ''} finite numbers`);
  return v as number[];
};

async function readSidecar(model: FittedModel, line: number, s: Record<string, unknown>): Promise<Data[][]> {
  const name = s.sidecar;
  if (typeof name !== 'string' || name.includes('/') || name.includes('\\')) corrupt(model, line, '"sidecar" must be a file name next to the fitted file');
  const file = path.join(path.dirname(model.file), name);
  if (!fs.existsSync(file)) corrupt(model, line, `its sidecar ${file} is missing (keep it next to ${path.basename(model.file)})`);
  if (fileDigest(file) !== s.sidecar_xxh64) corrupt(model, line, `its sidecar ${file} changed after fit (XXH64 differs)`);
  const reader = await ArrowReader.open([file]);
  const columns: Data[][] = reader.schema.fields.map(() => []);
  for await (const batch of reader) batch.data.children.forEach((d, i) => columns[i].push(d));
  return columns;
}

function decodeKey(model: FittedModel, line: number, value: unknown, type: DataType): Key {
  const k = keyFromJson(value, type);
  if (k === null) corrupt(model, line, `${JSON.stringify(value)} is not a ${typeName(type)} value`);
  return k;
}

/** The fitted states, decoded against the bound spec's input types (sidecars read and checked). */
export async function decodeStates(model: FittedModel, bound: BoundSpec): Promise<FittedState[]> {
  const states: FittedState[] = [];
  for (let i = 0; i < bound.features.length; i++) {
    const f = bound.features[i].feature;
    const s = model.rawStates[i];
    const line = f.line;
    const keyType = keyTypeOf(bound.features[i]);
    switch (f.op) {
      case 'normalize':
        states.push({ count: num(model, line, s, 'count'), mean: num(model, line, s, 'mean'), std: num(model, line, s, 'std') });
        break;
      case 'minmax':
        states.push({ count: num(model, line, s, 'count'), min: num(model, line, s, 'min'), max: num(model, line, s, 'max') });
        break;
      case 'quantile_bucketize': {
        const boundaries = numbers(model, line, s.boundaries, '"boundaries"');
        for (let j = 1; j < boundaries.length; j++) if (!(boundaries[j] > boundaries[j - 1])) corrupt(model, line, '"boundaries" must increase strictly');
        states.push({ count: num(model, line, s, 'count'), boundaries, exact: s.exact === true, rank_error: num(model, line, s, 'rank_error') });
        break;
      }
      case 'fill_missing':
        states.push({ count: num(model, line, s, 'count'), fill: num(model, line, s, 'fill'), exact: s.exact === true });
        break;
      case 'quantize':
        states.push({ rows: num(model, line, s, 'rows'), elements: num(model, line, s, 'elements'), mean_error: num(model, line, s, 'mean_error'), max_error: num(model, line, s, 'max_error') });
        break;
      case 'categorify': {
        const keys: Key[] = [];
        const counts: number[] = [];
        if (s.sidecar !== undefined) {
          const [values, countCols] = await readSidecar(model, line, s);
          for (const d of values) {
            const key = keyReader(d);
            for (let j = 0; j < d.length; j++) keys.push(key(j) as Key);
          }
          for (const d of countCols ?? []) counts.push(...readFloat64(d));
        } else {
          if (!Array.isArray(s.vocabulary)) corrupt(model, line, '"vocabulary" must be a list of [value, count]');
          for (const entry of s.vocabulary as unknown[]) {
            if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[1] !== 'number') corrupt(model, line, '"vocabulary" must be a list of [value, count]');
            keys.push(decodeKey(model, line, entry[0], keyType));
            counts.push(entry[1] as number);
          }
        }
        if (keys.length !== counts.length || new Set(keys).size !== keys.length) corrupt(model, line, 'the vocabulary must hold distinct values, each with a count');
        const cardinality = 2 + f.params.oov_buckets + keys.length;
        states.push({ values: num(model, line, s, 'values'), distinct: num(model, line, s, 'distinct'), exact: s.exact === true, count_error: num(model, line, s, 'count_error'), vocabulary: { keys, counts }, cardinality });
        break;
      }
      case 'target_encode': {
        const k = f.params.folds;
        const categories: (Key | null)[] = [];
        let counts: number[] = [];
        let sums: number[] = [];
        if (s.sidecar !== undefined) {
          const [values, countCols, sumCols] = await readSidecar(model, line, s);
          for (const d of values) {
            const key = keyReader(d);
            for (let j = 0; j < d.length; j++) categories.push(key(j));
          }
          for (const d of countCols ?? []) counts.push(...readFloat64(d.children[0]));
          for (const d of sumCols ?? []) sums.push(...readFloat64(d.children[0]));
        } else {
          if (!Array.isArray(s.categories)) corrupt(model, line, '"categories" must be a list of [value, counts, sums]');
          for (const entry of s.categories as unknown[]) {
            if (!Array.isArray(entry) || entry.length !== 3) corrupt(model, line, '"categories" must be a list of [value, counts, sums]');
            categories.push(entry[0] === null ? null : decodeKey(model, line, entry[0], keyType));
            counts = counts.concat(numbers(model, line, entry[1], 'category counts', k));
            sums = sums.concat(numbers(model, line, entry[2], 'category sums', k));
          }
        }
        if (counts.length !== categories.length * k || sums.length !== categories.length * k) corrupt(model, line, 'each category needs counts and sums for every fold');
        states.push({
          folds: k,
          fold_counts: numbers(model, line, s.fold_counts, '"fold_counts"', k),
          fold_sums: numbers(model, line, s.fold_sums, '"fold_sums"', k),
          categories,
          counts: Float64Array.from(counts),
          sums: Float64Array.from(sums),
          exact: s.exact === true,
        });
        break;
      }
      default:
        states.push({ rows: typeof s.rows === 'number' ? s.rows : 0 });
    }
  }
  return states;
}

/** A fitted file against a stream's schema: the columns checked (exit 65), the spec bound, the states decoded. */
export async function bindFitted(model: FittedModel, schema: Schema): Promise<{ bound: BoundSpec; states: FittedState[] }> {
  checkStreamSchema(model, schema);
  const bound = bindSpec(model.spec, schema, false);
  return { bound, states: await decodeStates(model, bound) };
}

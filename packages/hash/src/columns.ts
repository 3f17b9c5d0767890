// Hashing Arrow columns: one job per output column (per cross), whatever the
// backend. Lists hash their values and keep their offsets and validity.
import { Data, DataType, Field, FixedSizeList, LargeList, List, makeData, Type, Vector, type Int64, type Uint32, type Uint64 } from 'apache-arrow';
import { errors, typeName } from '@recdata/core';
import type { HashExecutor } from './backends.js';
import { describeStep, HASHABLE_TYPES, isCrossableType, isHashableType, isListType } from './describe.js';
import { OutputKind, type HashJob } from './job.js';
import { outputTypeOf, resolveSpec, type HashSpec, type ResolvedSpec } from './spec.js';

export type HashValuesArray = BigUint64Array | Uint32Array | BigInt64Array;

/** A hashed leaf column as plain arrays (what gpu-featurize and other kernels consume). */
export interface HashedValues {
  /** BigUint64Array (xxh64, xxh3, siphash), Uint32Array (murmur3) or BigInt64Array (buckets). */
  values: HashValuesArray;
  /** One bit per row, 1 = valid; null when no row is null. */
  validity: Uint8Array | null;
  nullCount: number;
}

/** The work for one output column: a job to run, then its result as Arrow data. */
export interface PreparedColumn {
  job: HashJob;
  finish(nullCount: number): Data;
}

function resolved(spec: HashSpec | ResolvedSpec): ResolvedSpec {
  return 'algorithmIndex' in spec ? spec : resolveSpec(spec);
}

/** The type of the hashed column for an input type: lists stay lists of the same shape. */
export function hashedTypeOf(type: DataType, spec: HashSpec | ResolvedSpec): DataType {
  const s = resolved(spec);
  if (type.typeId === Type.List) return new List(new Field('item', hashedTypeOf(type.children[0].type, s), true));
  if (type.typeId === Type.LargeList) return new LargeList(new Field('item', hashedTypeOf(type.children[0].type, s), true));
  if (type.typeId === Type.FixedSizeList) return new FixedSizeList((type as FixedSizeList).listSize, new Field('item', hashedTypeOf(type.children[0].type, s), true));
  return outputTypeOf(s);
}

/**
 * The output values and validity of a job in one allocation (fewer buffers for
 * the garbage collector), uninitialised: every backend writes every slot.
 */
function newOutputs(spec: ResolvedSpec, rows: number): { output: HashValuesArray; validity: Uint8Array } {
  const width = spec.outputKind === OutputKind.u32 ? 4 : 8;
  const valuesBytes = (rows * width + 7) & ~7;
  const buffer = Buffer.allocUnsafeSlow(valuesBytes + ((rows + 7) >>> 3)).buffer;
  const output =
    spec.outputKind === OutputKind.bucket ? new BigInt64Array(buffer, 0, rows) : spec.outputKind === OutputKind.u32 ? new Uint32Array(buffer, 0, rows) : new BigUint64Array(buffer, 0, rows);
  return { output, validity: new Uint8Array(buffer, valuesBytes, (rows + 7) >>> 3) };
}

function newJob(spec: ResolvedSpec, rows: number, steps: HashJob['steps']): HashJob {
  const { output, validity } = newOutputs(spec, rows);
  return {
    algorithm: spec.algorithmIndex,
    seed: spec.seed,
    key: spec.key,
    rows,
    steps,
    outputKind: spec.outputKind,
    output,
    buckets: spec.buckets ?? 0n,
    validity,
    nullHash: spec.nullHash,
  };
}

function leafData(job: HashJob, spec: ResolvedSpec, nullCount: number): Data<Uint64 | Uint32 | Int64> {
  const type = outputTypeOf(spec) as Uint64 | Uint32 | Int64;
  const bitmap = nullCount > 0 ? { nullBitmap: job.validity, nullCount } : { nullCount: 0 };
  return makeData({ type, length: job.rows, data: job.output as any, ...bitmap } as any) as unknown as Data<Uint64 | Uint32 | Int64>;
}

/** Exit 65 naming the column and its type when --cols cannot hash it. */
export function checkColumnType(type: DataType, name: string): void {
  if (!isHashableType(type)) throw errors.wrongColumnType(name, HASHABLE_TYPES, typeName(type));
}

/** Exit 65 naming the column and its type when --cross cannot take it. */
export function checkCrossTypes(types: DataType[], names: string[]): void {
  types.forEach((type, i) => {
    if (isCrossableType(type)) return;
    const why = isListType(type) ? 'a non-list column (lists cannot be crossed)' : HASHABLE_TYPES;
    throw errors.wrongColumnType(names[i], why, typeName(type));
  });
}

/** Prepares the hash of one column (any hashable type, lists included). */
export function prepareColumn(data: Data, spec: HashSpec | ResolvedSpec, name = 'column'): PreparedColumn {
  const s = resolved(spec);
  checkColumnType(data.type, name);
  if (isListType(data.type)) {
    const inner = prepareColumn(data.children[0], s, name);
    return {
      job: inner.job,
      finish(nullCount) {
        const child = inner.finish(nullCount);
        const type = hashedTypeOf(data.type, s) as List | LargeList | FixedSizeList;
        const props: Record<string, unknown> = { type, length: data.length, offset: data.offset, nullCount: data.nullCount, nullBitmap: data.nullBitmap, child };
        if (data.type.typeId !== Type.FixedSizeList) props.valueOffsets = data.valueOffsets;
        return makeData(props as any);
      },
    };
  }
  const job = newJob(s, data.length, [describeStep(data)]);
  return { job, finish: (nullCount) => leafData(job, s, nullCount) };
}

/**
 * Prepares a cross of columns of equal length: column k is hashed with the hash of
 * columns 0..k-1 as its seed (a row with a null in any column is null).
 */
export function prepareCross(columns: Data[], spec: HashSpec | ResolvedSpec, names: string[] = columns.map((_, i) => `column ${i + 1}`)): PreparedColumn {
  const s = resolved(spec);
  if (columns.length < 2) throw errors.usage(`a cross needs at least two columns, got ${columns.length}`);
  const rows = columns[0].length;
  checkCrossTypes(columns.map((c) => c.type), names);
  for (const c of columns) if (c.length !== rows) throw errors.internal(`cross columns of ${rows} and ${c.length} rows`);
  const job = newJob(s, rows, columns.map(describeStep));
  return { job, finish: (nullCount) => leafData(job, s, nullCount) };
}

function runSync(prepared: PreparedColumn, executor: HashExecutor): Data {
  if (!executor.synchronous) throw errors.internal(`the ${executor.backend} backend is asynchronous: use the async functions`);
  return prepared.finish(executor.run(prepared.job) as number);
}

async function runAsync(prepared: PreparedColumn, executor: HashExecutor): Promise<Data> {
  return prepared.finish(await executor.run(prepared.job));
}

/** The hashed column (sync backends: js, native, cuda). */
export function hashColumnSync(data: Data, spec: HashSpec | ResolvedSpec, executor: HashExecutor, name?: string): Data {
  return runSync(prepareColumn(data, spec, name), executor);
}

/** The hashed column, with any backend. */
export function hashColumn(data: Data, spec: HashSpec | ResolvedSpec, executor: HashExecutor, name?: string): Promise<Data> {
  return runAsync(prepareColumn(data, spec, name), executor);
}

/** The hashed cross of columns (sync backends). */
export function hashCrossSync(columns: Data[], spec: HashSpec | ResolvedSpec, executor: HashExecutor, names?: string[]): Data {
  return runSync(prepareCross(columns, spec, names), executor);
}

/** The hashed cross of columns, with any backend. */
export function hashCross(columns: Data[], spec: HashSpec | ResolvedSpec, executor: HashExecutor, names?: string[]): Promise<Data> {
  return runAsync(prepareCross(columns, spec, names), executor);
}

/** Every chunk of a vector hashed (sync backends). */
export function hashVectorSync(vector: Vector, spec: HashSpec | ResolvedSpec, executor: HashExecutor, name?: string): Vector {
  return new Vector(vector.data.map((d) => hashColumnSync(d, spec, executor, name)));
}

function valuesOf(prepared: PreparedColumn, nullCount: number): HashedValues {
  return { values: prepared.job.output, validity: nullCount > 0 ? prepared.job.validity : null, nullCount };
}

/**
 * A leaf or dictionary column (or a cross, given several) hashed into plain arrays,
 * for kernels that consume hashes directly (buckets, categorify's out-of-vocabulary
 * slots, hashed crosses).
 */
export function hashValuesSync(columns: Data | Data[], spec: HashSpec | ResolvedSpec, executor: HashExecutor): HashedValues {
  const list = Array.isArray(columns) ? columns : [columns];
  if (isListType(list[0].type)) throw errors.usage('hashValues takes leaf columns; use hashColumn for lists');
  const prepared = list.length === 1 ? prepareColumn(list[0], spec) : prepareCross(list, spec);
  if (!executor.synchronous) throw errors.internal(`the ${executor.backend} backend is asynchronous: use hashValues`);
  return valuesOf(prepared, executor.run(prepared.job) as number);
}

/** hashValuesSync with any backend. */
export async function hashValues(columns: Data | Data[], spec: HashSpec | ResolvedSpec, executor: HashExecutor): Promise<HashedValues> {
  const list = Array.isArray(columns) ? columns : [columns];
  if (isListType(list[0].type)) throw errors.usage('hashValues takes leaf columns; use hashColumn for lists');
  const prepared = list.length === 1 ? prepareColumn(list[0], spec) : prepareCross(list, spec);
  return valuesOf(prepared, await executor.run(prepared.job));
}

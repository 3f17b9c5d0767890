// The dpu-hash operator: for each --cols column a <col>_hash (or _bucket) column,
// for each --cross a <a>_x_<b>_hash column; appended, or in place of their sources
// with --replace. Other columns pass through untouched (zero copy).
import { Data, Field, RecordBatch, Schema } from 'apache-arrow';
import { errors, makeBatch, mapOrdered, requireColumn, type BatchStream } from '@recdata/core';
import type { HashExecutor } from './backends.js';
import { checkColumnType, checkCrossTypes, hashedTypeOf, prepareColumn, prepareCross, type PreparedColumn } from './columns.js';
import { isListType } from './describe.js';
import { CorruptColumnError } from './job.js';
import { outputTypeOf, resolveSpec, type HashSpec, type ResolvedSpec } from './spec.js';

export interface DpuHashOptions extends HashSpec {
  /** Columns hashed one by one. */
  cols?: string[];
  /** Crosses, each of two or more columns (order matters). */
  crosses?: string[][];
  /** Replace the source columns instead of appending. */
  replace?: boolean;
}

/** The field-level metadata key that says how a hashed column was made. */
export const HASH_FIELD_METADATA = 'recdata.hash';
/** The version of docs/hash-spec.md the output follows. */
export const HASH_SPEC_VERSION = 'recdata-hash/1';

interface OutputColumn {
  name: string;
  sources: number[];
  field: Field;
}

export interface DpuHashPlan {
  spec: ResolvedSpec;
  schema: Schema;
  /** For each output field: the input column it passes through, or the output column it computes. */
  layout: ({ input: number } | { output: OutputColumn })[];
  outputs: OutputColumn[];
}

function suffix(spec: ResolvedSpec): string {
  return spec.buckets !== null ? '_bucket' : '_hash';
}

function describeOutput(spec: ResolvedSpec, sources: string[]): string {
  return JSON.stringify({
    spec: HASH_SPEC_VERSION,
    algorithm: spec.algorithm,
    seed: spec.seed.toString(),
    buckets: spec.buckets === null ? null : spec.buckets.toString(),
    nullHash: spec.nullHash === null ? null : spec.nullHash.toString(),
    keyed: spec.key !== null,
    sources,
  });
}

/** The checks that need no schema (exit 2): something to hash, crosses of two or more distinct columns, a valid spec. */
export function checkDpuHashOptions(options: DpuHashOptions): ResolvedSpec {
  const spec = resolveSpec(options);
  const cols = options.cols ?? [];
  const crosses = options.crosses ?? [];
  if (cols.length === 0 && crosses.length === 0) throw errors.usage('nothing to hash: give --cols and/or --cross');
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c)) throw errors.usage(`--cols names "${c}" twice`);
    seen.add(c);
  }
  for (const cross of crosses) {
    if (cross.length < 2) throw errors.usage(`a cross needs at least two columns, got "${cross.join(',')}"`);
    if (new Set(cross).size !== cross.length) throw errors.usage(`a cross names a column twice: "${cross.join(',')}"`);
  }
  return spec;
}

/** Checks the options against the input schema and lays out the output (exit 65 for a missing or unhashable column). */
export function planDpuHash(input: Schema, options: DpuHashOptions): DpuHashPlan {
  const spec = checkDpuHashOptions(options);
  const cols = options.cols ?? [];
  const crosses = options.crosses ?? [];
  const outputs: OutputColumn[] = [];
  const names = new Set<string>();
  const addOutput = (name: string, sources: number[]) => {
    if (names.has(name)) throw errors.usage(`the output column "${name}" would be made twice`);
    names.add(name);
    const fields = sources.map((i) => input.fields[i]);
    const type = sources.length === 1 ? hashedTypeOf(fields[0].type, spec) : outputTypeOf(spec);
    // A null list stays null whatever --null-hash says (there is no value to hash).
    const listSource = sources.length === 1 && isListType(fields[0].type);
    const nullable = listSource ? fields[0].nullable : spec.nullHash === null && fields.some((f) => f.nullable);
    const metadata = new Map([[HASH_FIELD_METADATA, describeOutput(spec, fields.map((f) => f.name))]]);
    outputs.push({ name, sources, field: new Field(name, type, nullable, metadata) });
  };
  for (const c of cols) {
    const i = requireColumn(input, c);
    // Types are checked now, before any output is written.
    checkColumnType(input.fields[i].type, c);
    addOutput(`${c}${suffix(spec)}`, [i]);
  }
  for (const cross of crosses) {
    const indices = cross.map((c) => requireColumn(input, c));
    checkCrossTypes(indices.map((i) => input.fields[i].type), cross);
    addOutput(`${cross.join('_x_')}${suffix(spec)}`, indices);
  }

  const replaced = new Map<number, OutputColumn>();
  const removed = new Set<number>();
  if (options.replace) {
    outputs.forEach((o, k) => {
      if (k < cols.length) replaced.set(o.sources[0], o);
      else o.sources.forEach((i) => removed.add(i));
    });
  }
  const layout: DpuHashPlan['layout'] = [];
  input.fields.forEach((_, i) => {
    const o = replaced.get(i);
    if (o) layout.push({ output: o });
    else if (!removed.has(i)) layout.push({ input: i });
  });
  outputs.forEach((o, k) => {
    if (!(options.replace && k < cols.length)) layout.push({ output: o });
  });
  const fields = layout.map((l) => ('input' in l ? input.fields[l.input] : l.output.field));
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw errors.badInput(`the output column "${f.name}" already exists in the input; rename it or use --replace`, { column: f.name });
    seen.add(f.name);
  }
  return { spec, schema: new Schema(fields, input.metadata, input.dictionaries), layout, outputs };
}

function prepareBatch(plan: DpuHashPlan, batch: RecordBatch): PreparedColumn[] {
  return plan.outputs.map((o) => {
    const columns = o.sources.map((i) => batch.data.children[i]);
    const names = o.sources.map((i) => batch.schema.fields[i].name);
    return columns.length === 1 ? prepareColumn(columns[0], plan.spec, names[0]) : prepareCross(columns, plan.spec, names);
  });
}

function assemble(plan: DpuHashPlan, batch: RecordBatch, computed: Map<OutputColumn, Data>): RecordBatch {
  const columns = plan.layout.map((l) => ('input' in l ? batch.data.children[l.input] : computed.get(l.output)!));
  return makeBatch(plan.schema, columns, batch.numRows);
}

function withColumnName(output: OutputColumn, e: unknown, input: Schema): unknown {
  if (!(e instanceof CorruptColumnError)) return e;
  const names = output.sources.map((i) => input.fields[i].name).join(',');
  return errors.badInput(`corrupt column data in ${names}: ${e.message}`, { column: names });
}

/**
 * The operator: batches in, batches with hash columns out. The executor (see
 * createExecutor) decides the backend; the caller closes it. With an
 * asynchronous executor (offload), up to `inFlight` batches are hashed at once
 * and come out in input order.
 */
export function dpuHash(input: BatchStream, options: DpuHashOptions, executor: HashExecutor, inFlight = 4): BatchStream {
  const plan = planDpuHash(input.schema, options);
  const inputSchema = input.schema;
  async function* syncBatches(): AsyncGenerator<RecordBatch> {
    for await (const batch of input) {
      const computed = new Map<OutputColumn, Data>();
      const prepared = prepareBatch(plan, batch);
      prepared.forEach((p, k) => {
        try {
          computed.set(plan.outputs[k], p.finish(executor.run(p.job) as number));
        } catch (e) {
          throw withColumnName(plan.outputs[k], e, inputSchema);
        }
      });
      yield assemble(plan, batch, computed);
    }
  }
  async function hashBatchAsync(batch: RecordBatch): Promise<RecordBatch> {
    const prepared = prepareBatch(plan, batch);
    const results = await Promise.all(
      prepared.map(async (p, k) => {
        try {
          return p.finish(await executor.run(p.job));
        } catch (e) {
          throw withColumnName(plan.outputs[k], e, inputSchema);
        }
      }),
    );
    const computed = new Map<OutputColumn, Data>(plan.outputs.map((o, k) => [o, results[k]]));
    return assemble(plan, batch, computed);
  }
  return {
    schema: plan.schema,
    [Symbol.asyncIterator]: () => (executor.synchronous ? syncBatches() : mapOrdered(input, hashBatchAsync, Math.max(1, inFlight))),
  };
}

// Shared by the featurize tests: small streams from JS values, fit + transform on
// a chosen backend, and the backends this machine has.
import { Field, RecordBatch, Schema, Table, tableFromArrays, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import { batchStream, cudaAvailability, makeBatch, type BatchStream } from '@recdata/core';
import { createFeaturizeExecutor, featurizeAddon, fit, parseSpecText, planTransform, transformStream, type FeaturizeBackend, type FeatureSpec, type FitResult, type Layout } from '../src/index.ts';

export function spec(yaml: string, file = 'test.yaml'): FeatureSpec {
  return parseSpecText(yaml, file).spec;
}

/** One batch from columns of JS values with explicit types. */
export function batchOf(columns: Record<string, { type: DataType; values: unknown[]; nullable?: boolean }>): RecordBatch {
  const fields = Object.entries(columns).map(([name, c]) => new Field(name, c.type, c.nullable ?? true));
  const schema = new Schema(fields);
  const data = Object.values(columns).map((c) => vectorFromArray(c.values as never[], c.type).data[0]);
  return makeBatch(schema, data);
}

export function streamOf(batches: RecordBatch[]): BatchStream {
  return batchStream(batches[0].schema, batches);
}

/** Cuts batches into pieces of at most `rows` rows (zero copy). */
export function rebatch(batches: RecordBatch[], rows: number): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (const b of batches) for (let s = 0; s < b.numRows; s += rows) out.push(b.slice(s, Math.min(b.numRows, s + rows)));
  return out;
}

export function nativeBackends(): FeaturizeBackend[] {
  return featurizeAddon() ? ['js', 'native'] : ['js'];
}

export function cudaSkipReason(): string | false {
  const addon = featurizeAddon() as unknown as { FeaturizePlan?: { prototype: { runCuda?: unknown } } } | null;
  if (!addon) return 'the native addon is not built';
  if (!addon.FeaturizePlan?.prototype.runCuda) return 'the addon was built without CUDA (nvcc not found at build time)';
  const cuda = cudaAvailability();
  if (cuda.count === 0) return `no CUDA device: ${cuda.reason}`;
  return false;
}

export interface RunOptions {
  backend?: FeaturizeBackend;
  layout?: Layout;
  training?: boolean;
  keep?: string[];
  threads?: number;
}

export async function transformBatches(fitted: FitResult, batches: RecordBatch[], options: RunOptions = {}): Promise<RecordBatch[]> {
  const plan = planTransform(fitted.bound, fitted.states, { layout: options.layout, training: options.training, keep: options.keep });
  const executor = createFeaturizeExecutor(options.backend ?? 'js', plan, { threads: options.threads ?? 2 });
  try {
    const out: RecordBatch[] = [];
    for await (const b of transformStream(streamOf(batches), plan, executor, options.backend === 'js' ? 1 : 4)) out.push(b);
    return out;
  } finally {
    await executor.close();
  }
}

/** Fits on `fitOn` and transforms `input` (default: the same batches). */
export async function run(yaml: string, fitOn: RecordBatch[], options: RunOptions & { input?: RecordBatch[] } = {}): Promise<Table> {
  const fitted = await fit(streamOf(fitOn), spec(yaml));
  return new Table(await transformBatches(fitted, options.input ?? fitOn, options));
}

export function ipc(batches: RecordBatch[] | Table): Buffer {
  const table = batches instanceof Table ? batches : new Table(batches);
  return Buffer.from(tableToIPC(table, 'stream'));
}

/** Column values as plain JS (bigints as numbers when exact). */
export function values(table: Table, name: string): unknown[] {
  const col = table.getChild(name);
  if (!col) throw new Error(`no column ${name}`);
  return [...col].map((v) => (typeof v === 'bigint' ? Number(v) : v && typeof v === 'object' && 'toArray' in v ? [...(v as { toArray(): ArrayLike<unknown> }).toArray()].map((x) => (typeof x === 'bigint' ? Number(x) : x)) : v));
}

export const f32 = Math.fround;

/** A deterministic PRNG for generated data (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { tableFromArrays };

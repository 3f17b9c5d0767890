// One batch's work: each feature's input columns and output slots, all outputs
// carved out of one allocation (so the CUDA backend copies them back in one go),
// and the output batch assembled from them without copies.
import { Data, DataType, FixedSizeList, Float32, Int64, List, makeData, RecordBatch, Type } from 'apache-arrow';
import { countNulls, makeBatch } from '@recdata/core';
import type { BoundFeature } from './bind.js';
import type { FeatureOutput } from './kernels/output.js';
import type { PlannedFeature, TransformPlan } from './plan.js';

export interface FeatureInput {
  /** The columns the kernel reads (categorify of lists: the lists' items). */
  columns: Data[];
  /** Rows the kernel writes (categorify of lists: the items). */
  rows: number;
}

export interface BatchWork {
  batch: RecordBatch;
  rows: number;
  /** The batch's first row in the stream (target_encode's folds). */
  rowStart: number;
  inputs: FeatureInput[];
  outputs: FeatureOutput[];
  /** The allocation every output lives in. */
  buffer: ArrayBuffer;
  dense: Float32Array | null;
  categorical: BigInt64Array | null;
  /** categorify of lists: the output's offsets (from 0) and validity. */
  listOffsets: (Int32Array | null)[];
}

const ALIGN = 64;

class Carver {
  private sizes: { bytes: number; make: (buffer: ArrayBuffer, at: number) => void }[] = [];
  total = 0;
  add(bytes: number, make: (buffer: ArrayBuffer, at: number) => void): void {
    this.sizes.push({ bytes, make });
    this.total += (bytes + ALIGN - 1) & ~(ALIGN - 1);
  }
  carve(): ArrayBuffer {
    // Not zeroed: the kernels write every value slot, validity is filled below, and
    // the padding between regions is never part of an Arrow buffer.
    const buffer = Buffer.allocUnsafeSlow(Math.max(this.total, 8)).buffer as ArrayBuffer;
    let at = 0;
    for (const s of this.sizes) {
      s.make(buffer, at);
      at += (s.bytes + ALIGN - 1) & ~(ALIGN - 1);
    }
    return buffer;
  }
}

/** The kernel's input for a feature: its columns, or for categorify of a list, the items the batch's lists hold. */
function featureInput(b: BoundFeature, batch: RecordBatch): { input: FeatureInput; listOffsets: Int32Array | null } {
  const columns = b.inputs.map((i) => batch.data.children[i]);
  if (b.family !== 'list') return { input: { columns, rows: batch.numRows }, listOffsets: null };
  const lists = columns[0];
  const offsets = lists.valueOffsets as Int32Array;
  const first = offsets[0];
  const count = offsets[lists.length] - first;
  const rebased = new Int32Array(lists.length + 1);
  for (let i = 0; i <= lists.length; i++) rebased[i] = offsets[i] - first;
  return { input: { columns: [lists.children[0].slice(first, count)], rows: count }, listOffsets: rebased };
}

export function prepareBatch(plan: TransformPlan, batch: RecordBatch, rowStart: number): BatchWork {
  const n = batch.numRows;
  const carver = new Carver();
  const work: BatchWork = { batch, rows: n, rowStart, inputs: [], outputs: [], buffer: new ArrayBuffer(0), dense: null, categorical: null, listOffsets: [] };
  if (plan.denseWidth > 0) carver.add(n * plan.denseWidth * 4, (buf, at) => (work.dense = new Float32Array(buf, at, n * plan.denseWidth)));
  if (plan.categoricalWidth > 0) carver.add(n * plan.categoricalWidth * 8, (buf, at) => (work.categorical = new BigInt64Array(buf, at, n * plan.categoricalWidth)));
  for (const p of plan.features) {
    const { input, listOffsets } = featureInput(p.bound, batch);
    work.inputs.push(input);
    work.listOffsets.push(listOffsets);
    const out: FeatureOutput = { values: null as never, offset: 0, stride: p.bound.width, validity: null, scale: null, errors: null };
    work.outputs.push(out);
    const b = p.bound;
    const w = b.width;
    if (p.tensor === 'dense') {
      out.offset = p.tensorOffset;
      out.stride = plan.denseWidth;
      carver.add(0, () => (out.values = work.dense!));
    } else if (p.tensor === 'categorical') {
      out.offset = p.tensorOffset;
      out.stride = plan.categoricalWidth;
      carver.add(0, () => (out.values = work.categorical!));
    } else if (b.family === 'dense') carver.add(n * w * 4, (buf, at) => (out.values = new Float32Array(buf, at, n * w)));
    else if (b.family === 'categorical') carver.add(n * w * 8, (buf, at) => (out.values = new BigInt64Array(buf, at, n * w)));
    else if (b.family === 'list') {
      out.stride = 1;
      carver.add(input.rows * 8, (buf, at) => (out.values = new BigInt64Array(buf, at, input.rows)));
    } else {
      const half = b.feature.op === 'quantize' && b.feature.params.to === 'float16';
      carver.add(n * w * (half ? 2 : 1), (buf, at) => (out.values = half ? new Uint16Array(buf, at, n * w) : new Int8Array(buf, at, n * w)));
      if (!half) carver.add(n * 4, (buf, at) => (out.scale = new Float32Array(buf, at, n)));
      carver.add(n * 24, (buf, at) => (out.errors = new Float64Array(buf, at, 3 * n)));
    }
    // Null rows are marked in a validity bitmap in the columns layout (lists keep their own).
    // (Whole 32-bit words: the CUDA kernels clear bits with atomicAnd.)
    const words = ((n + 31) >> 5) * 4;
    if (b.nullable && p.tensor === null && b.family !== 'list') carver.add(words, (buf, at) => (out.validity = new Uint8Array(buf, at, words).fill(0xff)));
  }
  work.buffer = carver.carve();
  return work;
}

function validityOf(words: Uint8Array | null, n: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!words) return { nullCount: 0 };
  const bits = words.subarray(0, (n + 7) >> 3);
  if (n & 7) bits[bits.length - 1] &= (1 << (n & 7)) - 1;
  const nullCount = countNulls(bits, n);
  return nullCount > 0 ? { nullBitmap: bits, nullCount } : { nullCount: 0 };
}

function fixedList(type: FixedSizeList, n: number, values: ArrayBufferView, validity: Uint8Array | null): Data {
  const childType = type.children[0].type as DataType;
  const child = makeData({ type: childType, length: n * type.listSize, data: values } as never);
  return makeData({ type, length: n, child, ...validityOf(validity, n) } as never);
}

function featureColumns(plan: TransformPlan, work: BatchWork, p: PlannedFeature): Data[] {
  const b = p.bound;
  const out = work.outputs[p.index];
  const n = work.rows;
  const type = b.type;
  if (b.family === 'list') {
    const lists = work.inputs[p.index];
    const source = work.batch.data.children[b.inputs[0]];
    const child = makeData({ type: (type as List).valueType, length: lists.rows, data: out.values } as never);
    const bitmap = source.nullCount > 0 ? copyValidity(source) : null;
    return [makeData({ type: type as List, length: n, valueOffsets: work.listOffsets[p.index]!, child, ...validityOf(bitmap, n) } as never)];
  }
  if (type.typeId === Type.FixedSizeList) {
    const columns = [fixedList(type as FixedSizeList, n, out.values, out.validity)];
    if (out.scale) columns.push(makeData({ type: new Float32(), length: n, data: out.scale, ...validityOf(out.validity, n) }));
    return columns;
  }
  return [makeData({ type: type as Float32 | Int64, length: n, data: out.values as never, ...validityOf(out.validity, n) } as never)];
}

function copyValidity(data: Data): Uint8Array {
  const n = data.length;
  const out = new Uint8Array((n + 7) >> 3);
  const bitmap = data.nullBitmap!;
  for (let i = 0; i < n; i++) {
    const b = data.offset + i;
    if ((bitmap[b >> 3] >> (b & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

/** The output batch: kept columns (zero copy), then the tensors or the feature columns. */
export function assembleBatch(plan: TransformPlan, work: BatchWork): RecordBatch {
  const columns: Data[] = plan.keep.map((i) => work.batch.data.children[i]);
  const n = work.rows;
  if (plan.layout === 'tensor') {
    const fields = plan.schema.fields;
    if (work.dense) columns.push(fixedList(fields[columns.length].type as FixedSizeList, n, work.dense, null));
    if (work.categorical) columns.push(fixedList(fields[columns.length].type as FixedSizeList, n, work.categorical, null));
  }
  for (const p of plan.features) if (plan.layout === 'columns' || p.tensor === null) columns.push(...featureColumns(plan, work, p));
  return makeBatch(plan.schema, columns, n);
}


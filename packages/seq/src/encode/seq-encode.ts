/**
 * seq-encode as an operator: a behaviour log in (any order), one row per
 * sequence out. Two ways through:
 *   - default: the whole input is read first (the header needs every dictionary
 *     value); up to --memory-limit of rows are held, larger inputs are sorted in
 *     runs spilled to a temporary folder and merged. Sorted runs need no sorting.
 *   - presorted: input already grouped by user and ordered by ts streams through,
 *     holding one sequence (plus the sample of the first SAMPLE_ROWS rows until
 *     the header is written); a row out of order is an error naming it.
 * Both give the same bytes for the same input.
 */
import { Schema, type RecordBatch } from 'apache-arrow';
import { errors, mapOrdered, type BatchStream } from '@recdata/core';
import { cmp, W, wordsOf } from '../codec/w64.js';
import { ChunkRunner } from '../dispatch.js';
import { encodeHeader, encodeSchema, FORMAT_NAME, METADATA, modelName, type Partition, type StreamHeader } from '../format/header.js';
import { compareBytes } from '../group/keys.js';
import { partitionOf, sequenceStarts, userSortKeys } from '../group/sort.js';
import { nativeSeq, runGroup, type SeqBackend } from '../kernels.js';
import type { Lane } from '../lanes/lane.js';
import { buildHeader } from '../tables/header.js';
import { SAMPLE_ROWS } from '../tables/models.js';
import { ChunkBuilder, type SortedBlock } from './chunks.js';
import { outputBatch, rowColumns } from './output.js';
import { describeColumns, planEncode, type EncodePlan, type TsUnitName } from './plan.js';
import { SpillSet } from './spill.js';
import { RowStore, type StoredLanes } from './store.js';

export interface SeqEncodeOptions {
  /** The user column (default user_id). */
  user?: string;
  /** The ts column (default ts). */
  ts?: string;
  partition?: Partition;
  /** Unit of an integer ts column (default s). */
  tsUnit?: TsUnitName;
  /** Bytes of rows held before a sorted run is spilled (default 1 GiB). */
  memoryLimit?: number;
  /** The input is grouped by user and ordered by ts: stream it. */
  presorted?: boolean;
  /** Drop rows whose user or ts is null (counted) instead of failing. */
  dropNullKeys?: boolean;
  /** At most this many sequences per output batch (default 65536). */
  batchSize?: number;
  backend?: SeqBackend;
  threads?: number;
  /** Where the temporary folder for spilled runs goes (default the OS temp folder). */
  tempDir?: string;
}

export interface EncodeStats {
  inputRows: number;
  droppedNullKeys: number;
  sequences: number;
  events: number;
  payloadBytes: number;
  spilledRuns: number;
}

export interface SeqEncodeStream extends BatchStream {
  /** Counts, complete once the stream has been read to the end. */
  readonly stats: EncodeStats;
  /** The binary stream header (recdata.seq.header, decoded). */
  readonly header: Uint8Array;
}

export const DEFAULT_MEMORY_LIMIT = 1 << 30;

/** Views of rows [0, n) of stored lanes. */
function prefix(l: StoredLanes, n: number): StoredLanes {
  const cut = (lane: Lane): Lane =>
    lane.kind === 'int'
      ? { kind: 'int', values: lane.values.subarray(0, n), valid: lane.valid ? lane.valid.subarray(0, n) : null }
      : { kind: 'string', offsets: lane.offsets.subarray(0, n + 1), bytes: lane.bytes, valid: lane.valid ? lane.valid.subarray(0, n) : null };
  return { user: cut(l.user), cols: l.cols.map(cut), rows: n };
}

export async function seqEncode(input: BatchStream, options: SeqEncodeOptions = {}): Promise<SeqEncodeStream> {
  const plan = planEncode(input.schema, { user: options.user ?? 'user_id', ts: options.ts ?? 'ts', partition: options.partition ?? 'none', tsUnit: options.tsUnit ?? 's' });
  const backend = options.backend ?? 'js';
  const memoryLimit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
  const dropNullKeys = options.dropNullKeys ?? false;
  const stats: EncodeStats = { inputRows: 0, droppedNullKeys: 0, sequences: 0, events: 0, payloadBytes: 0, spilledRuns: 0 };
  const it = input[Symbol.asyncIterator]();
  const store = new RowStore(plan, backend === 'native' ? nativeSeq() : null);
  const spills = new SpillSet(plan, options.tempDir);
  const order = new OrderCheck(plan);

  const append = (batch: RecordBatch): number => {
    const before = store.rows;
    stats.droppedNullKeys += store.append(batch, stats.inputRows, dropNullKeys);
    if (options.presorted) order.check(store, before, stats.inputRows);
    stats.inputRows += batch.numRows;
    return before;
  };

  let blocks: AsyncIterable<SortedBlock>;
  let header: StreamHeader;
  try {
    if (!options.presorted) {
      let sample: RowStore | null = null;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const before = append(r.value);
        if (sample && sample.rows < SAMPLE_ROWS) store.copyRange(before, Math.min(store.rows, before + SAMPLE_ROWS - sample.rows), sample);
        if (store.bytes > memoryLimit && store.rows > 0) {
          if (!sample) {
            sample = new RowStore(plan);
            store.copyRange(0, Math.min(store.rows, SAMPLE_ROWS), sample);
          }
          await spillStore(plan, store, spills, backend);
        }
      }
      const sampleLanes = sample ? sample.lanes() : prefix(store.lanes(), Math.min(store.rows, SAMPLE_ROWS));
      header = buildHeader(plan, sampleLanes, backend);
      sample = null;
      if (spills.count > 0) {
        if (store.rows > 0) await spillStore(plan, store, spills, backend);
        stats.spilledRuns = spills.count;
        blocks = spills.merge(backend);
      } else {
        blocks = inMemory(plan, store, backend);
      }
    } else {
      let ended = false;
      while (store.rows < SAMPLE_ROWS) {
        const r = await it.next();
        if (r.done) {
          ended = true;
          break;
        }
        append(r.value);
      }
      header = buildHeader(plan, prefix(store.lanes(), Math.min(store.rows, SAMPLE_ROWS)), backend);
      for (const c of plan.columns) if (c.dict) c.dict.frozen = true;
      blocks = streamed(plan, store, ended ? null : it, append);
    }
  } catch (e) {
    spills.cleanup();
    await it.return?.();
    throw e;
  }

  const headerBytes = encodeHeader(header);
  const schema = new Schema(plan.output.fields, buildHeaderMetadata(plan, header, headerBytes));
  const batchSize = options.batchSize ?? 65536;
  const threads = options.threads ?? 1;
  async function* batches(): AsyncGenerator<RecordBatch> {
    const runner = new ChunkRunner(headerBytes, backend, threads);
    const builder = new ChunkBuilder(batchSize);
    async function* chunks() {
      for await (const block of blocks) yield* builder.add(block);
      yield* builder.flush();
    }
    try {
      const jobs = mapOrdered(
        chunks(),
        async (chunk) => {
          const rows = rowColumns(plan, chunk);
          return outputBatch(plan, rows, await runner.encode(chunk.starts, chunk.cols));
        },
        runner.concurrency,
      );
      for await (const batch of jobs) {
        stats.sequences += batch.numRows;
        const payload = batch.data.children[5];
        stats.payloadBytes += (payload.valueOffsets as Int32Array)[batch.numRows];
        stats.events += sumCounts(batch);
        yield batch;
      }
    } finally {
      await runner.close();
      spills.cleanup();
    }
  }
  return { schema, stats, header: headerBytes, [Symbol.asyncIterator]: () => batches() };
}

function sumCounts(batch: RecordBatch): number {
  const counts = batch.data.children[2].values as Uint32Array;
  let n = 0;
  for (let i = 0; i < batch.numRows; i++) n += counts[i];
  return n;
}

function buildHeaderMetadata(plan: EncodePlan, header: StreamHeader, headerBytes: Uint8Array): Map<string, string> {
  const meta = new Map(plan.output.metadata);
  meta.set(METADATA.format, FORMAT_NAME);
  meta.set(METADATA.columns, JSON.stringify(describeColumns(plan, header.columns.map((c) => modelName(c.model)))));
  // The fields only: the input's metadata is already the output's.
  meta.set(METADATA.schema, Buffer.from(encodeSchema(new Schema(plan.input.fields))).toString('base64'));
  meta.set(METADATA.header, Buffer.from(headerBytes).toString('base64'));
  return meta;
}

async function spillStore(plan: EncodePlan, store: RowStore, spills: SpillSet, backend: SeqBackend): Promise<void> {
  const lanes = store.lanes();
  const ts = lanes.cols[plan.tsColumn];
  if (ts.kind !== 'int') throw errors.internal('ts lane is not an int lane');
  const g = runGroup(backend, lanes.user, plan.userUnsigned64, ts.values, plan.partitionSpec);
  await spills.spill(lanes, g);
  store.reset();
}

async function* inMemory(plan: EncodePlan, store: RowStore, backend: SeqBackend): AsyncGenerator<SortedBlock> {
  if (store.rows === 0) return;
  const lanes = store.lanes();
  const ts = lanes.cols[plan.tsColumn];
  if (ts.kind !== 'int') throw errors.internal('ts lane is not an int lane');
  const g = runGroup(backend, lanes.user, plan.userUnsigned64, ts.values, plan.partitionSpec);
  yield { user: lanes.user, cols: lanes.cols, perm: g.perm, starts: g.starts };
  store.reset();
}

/** Presorted input: complete sequences leave as soon as the next one starts. */
async function* streamed(plan: EncodePlan, store: RowStore, it: AsyncIterator<RecordBatch> | null, append: (b: RecordBatch) => number): AsyncGenerator<SortedBlock> {
  try {
    for (;;) {
      const lanes = store.lanes();
      const cut = it ? lastSequenceStart(plan, lanes) : lanes.rows;
      if (cut > 0) {
        const ts = lanes.cols[plan.tsColumn] as Extract<Lane, { kind: 'int' }>;
        const identity = new Int32Array(cut);
        for (let i = 0; i < cut; i++) identity[i] = i;
        const keys = userSortKeys(prefix(lanes, cut).user, plan.userUnsigned64);
        const starts = sequenceStarts(wordsOf(keys), wordsOf(ts.values), identity, plan.partitionSpec);
        yield { user: lanes.user, cols: lanes.cols, perm: null, starts };
        store.dropFront(cut);
      }
      if (!it) return;
      const r = await it.next();
      if (r.done) it = null;
      else append(r.value);
    }
  } finally {
    await it?.return?.();
  }
}

/** Where the last sequence of the held rows starts (it may continue in the next batch). */
function lastSequenceStart(plan: EncodePlan, l: StoredLanes): number {
  const n = l.rows;
  if (n === 0) return 0;
  const ts = wordsOf((l.cols[plan.tsColumn] as Extract<Lane, { kind: 'int' }>).values);
  const spec = plan.partitionSpec;
  let pHi = 0;
  let pLo = 0;
  if (spec) {
    partitionOf(ts[2 * (n - 1) + 1], ts[2 * (n - 1)], spec);
    pHi = W.hi;
    pLo = W.lo;
  }
  let i = n - 1;
  while (i > 0 && sameUser(l.user, i - 1, n - 1)) {
    if (spec) {
      partitionOf(ts[2 * (i - 1) + 1], ts[2 * (i - 1)], spec);
      if (W.hi !== pHi || W.lo !== pLo) break;
    }
    i--;
  }
  return i;
}

function sameUser(u: Lane, a: number, b: number): boolean {
  if (u.kind === 'int') {
    const w = wordsOf(u.values);
    return w[2 * a] === w[2 * b] && w[2 * a + 1] === w[2 * b + 1];
  }
  return compareBytes(u.bytes, u.offsets[a], u.offsets[a + 1], u.bytes, u.offsets[b], u.offsets[b + 1]) === 0;
}

/** --presorted: each new row must not come before the previous one in (user, ts) order. */
class OrderCheck {
  private readonly plan: EncodePlan;
  private last = -1;
  private lastUserBytes: Uint8Array | null = null;
  private lastUserHi = 0;
  private lastUserLo = 0;
  private lastTsHi = 0;
  private lastTsLo = 0;

  constructor(plan: EncodePlan) {
    this.plan = plan;
  }

  check(store: RowStore, from: number, firstInputRow: number): void {
    const l = store.lanes();
    const u = l.user;
    const t = wordsOf((l.cols[this.plan.tsColumn] as Extract<Lane, { kind: 'int' }>).values);
    const flip = this.plan.userUnsigned64 ? 0x80000000 | 0 : 0;
    const uw = u.kind === 'int' ? wordsOf(u.values) : null;
    for (let i = from; i < l.rows; i++) {
      if (this.last >= 0) {
        let c: number;
        if (uw) c = cmp(uw[2 * i + 1] ^ flip, uw[2 * i], this.lastUserHi ^ flip, this.lastUserLo);
        else {
          const s = u as Extract<Lane, { kind: 'string' }>;
          const b = this.lastUserBytes!;
          c = compareBytes(s.bytes, s.offsets[i], s.offsets[i + 1], b, 0, b.length);
        }
        if (c < 0 || (c === 0 && cmp(t[2 * i + 1], t[2 * i], this.lastTsHi, this.lastTsLo) < 0)) {
          const what = c < 0 ? `its ${this.plan.userName} sorts before the previous row's` : `its ${this.plan.tsName} is earlier than the previous row's for the same ${this.plan.userName}`;
          throw errors.badInput(`--presorted input must be grouped by ${this.plan.userName} (ascending) and ordered by ${this.plan.tsName}, but ${what}; leave out --presorted to sort it`, {
            row: firstInputRow + (i - from),
          });
        }
      }
      this.last = i;
      if (uw) {
        this.lastUserHi = uw[2 * i + 1];
        this.lastUserLo = uw[2 * i];
      } else {
        const s = u as Extract<Lane, { kind: 'string' }>;
        this.lastUserBytes = s.bytes.slice(s.offsets[i], s.offsets[i + 1]);
      }
      this.lastTsHi = t[2 * i + 1];
      this.lastTsLo = t[2 * i];
    }
  }
}


/**
 * Events leave the store as seq-decode writes them: `events` (the rows, with the
 * exact types of the store's schema) or `lists` (one row per user and partition:
 * the user, partition_start when the store is partitioned, and one List column
 * per other column). `--dedupe` keeps, among events of one user with equal ts,
 * item and action (the key columns), only the newest write.
 */
import { Data, DataType, Field, List, makeData, RecordBatch, Schema, Vector } from 'apache-arrow';
import { errors, makeBatch } from '@recdata/core';
import { wordsOf } from '../codec/w64.js';
import { LANE_DICT } from '../format/header.js';
import { gatherLane } from '../lanes/builders.js';
import { laneToData, tableVector } from '../lanes/arrow.js';
import type { Lane } from '../lanes/lane.js';
import type { StoreLayout } from './layout.js';
import type { EventWindow } from './merge.js';

export type OutputFormat = 'events' | 'lists';

/** Events in output order: sequence s is rows [starts[s], starts[s + 1]). */
export interface OrderedEvents {
  user: Lane;
  cols: Lane[];
  starts: Int32Array;
  /** The partition of each sequence. */
  partitions: number[];
}

/** Gathers a window into output order. */
export function ordered(w: EventWindow, partition: number): OrderedEvents {
  const partitions = new Array<number>(w.starts.length - 1).fill(partition);
  if (!w.perm) return { user: w.user, cols: w.cols, starts: w.starts, partitions };
  const perm = w.perm;
  return { user: gatherLane(w.user, perm, 0, perm.length), cols: w.cols.map((c) => gatherLane(c, perm, 0, perm.length)), starts: w.starts, partitions };
}

/** The dictionaries of dictionary columns (payload order), from the store's dictionary. */
export function dictionaryVectors(layout: StoreLayout, dictionary: Map<number, Uint8Array[]>): (Vector | null)[] {
  return layout.plan.columns.map((c, k) => {
    if (c.lane !== LANE_DICT) return null;
    const values = dictionary.get(k) ?? [];
    const offsets = new Int32Array(values.length + 1);
    let total = 0;
    values.forEach((v, i) => {
      total += v.length;
      offsets[i + 1] = total;
    });
    const bytes = new Uint8Array(total);
    values.forEach((v, i) => bytes.set(v, offsets[i]));
    return tableVector({ offsets, bytes }, layout.dictionaryValueType(k)!);
  });
}

/** The output schema of a format. */
export function outputSchema(layout: StoreLayout, format: OutputFormat): Schema {
  const events = layout.schema;
  if (format === 'events') return events;
  const plan = layout.plan;
  const userField = events.fields[plan.userField];
  return new Schema(
    [
      new Field(userField.name, userField.type, false),
      ...(plan.partition === 'none' ? [] : [new Field('partition_start', plan.partitionType, false)]),
      ...plan.columns.map((c) => {
        const f = events.fields[c.field];
        return new Field(f.name, new List(new Field('item', f.type, f.nullable)), false);
      }),
    ],
    events.metadata,
  );
}

/** Checks dictionary codes against the dictionary (a code past it is damage, not a crash later). */
function checkCodes(layout: StoreLayout, cols: Lane[], dictionaries: (Vector | null)[]): void {
  layout.plan.columns.forEach((c, k) => {
    const d = dictionaries[k];
    if (!d) return;
    const lane = cols[k];
    if (lane.kind !== 'int') return;
    const w = wordsOf(lane.values);
    const size = d.length;
    for (let i = 0; i < lane.values.length; i++) {
      if ((lane.valid && !lane.valid[i]) || (w[2 * i + 1] === 0 && w[2 * i] >= 0 && w[2 * i] < size)) continue;
      throw errors.badInput(`a dictionary code of column "${c.name}" lies outside the store's dictionary of ${size} values (damaged store)`, { column: c.name });
    }
  });
}

/** Arrow batches of ordered events, at most `batchSize` rows each. */
export function* toBatches(layout: StoreLayout, format: OutputFormat, schema: Schema, ev: OrderedEvents, dictionaries: (Vector | null)[], batchSize: number): Generator<RecordBatch> {
  const plan = layout.plan;
  const events = layout.schema;
  checkCodes(layout, ev.cols, dictionaries);
  const nSeq = ev.starts.length - 1;
  if (format === 'events') {
    const total = ev.starts[nSeq];
    const columns: Data[] = new Array(events.fields.length);
    columns[plan.userField] = laneToData(events.fields[plan.userField].type, ev.user, null);
    plan.columns.forEach((c, k) => (columns[c.field] = laneToData(events.fields[c.field].type, ev.cols[k], dictionaries[k])));
    const batch = makeBatch(schema, columns, total);
    for (let from = 0; from < total; from += batchSize) yield from === 0 && total <= batchSize ? batch : batch.slice(from, Math.min(total, from + batchSize));
    return;
  }
  for (let a = 0; a < nSeq; a += batchSize) {
    const b = Math.min(nSeq, a + batchSize);
    const firsts = new Int32Array(b - a);
    for (let s = a; s < b; s++) firsts[s - a] = ev.starts[s];
    const columns: Data[] = [laneToData(events.fields[plan.userField].type, gatherLane(ev.user, firsts, 0, b - a), null)];
    if (plan.partition !== 'none') {
      const starts = new BigInt64Array(b - a);
      for (let s = a; s < b; s++) starts[s - a] = layout.partitionStart(ev.partitions[s]);
      columns.push(makeData({ type: plan.partitionType, length: b - a, data: starts, nullCount: 0 } as never) as Data);
    }
    const rowFrom = ev.starts[a];
    const rowTo = ev.starts[b];
    const offsets = new Int32Array(b - a + 1);
    for (let s = a; s <= b; s++) offsets[s - a] = ev.starts[s] - rowFrom;
    const index = new Int32Array(rowTo - rowFrom);
    for (let i = 0; i < index.length; i++) index[i] = rowFrom + i;
    plan.columns.forEach((c, k) => {
      const f = events.fields[c.field];
      const lane = a === 0 && b === nSeq ? ev.cols[k] : gatherLane(ev.cols[k], index, 0, index.length);
      const child = laneToData(f.type, lane, dictionaries[k]);
      columns.push(makeData({ type: new List(new Field('item', f.type, f.nullable)), length: b - a, valueOffsets: offsets, child, nullCount: 0 } as never) as Data);
    });
    yield makeBatch(schema, columns, b - a);
  }
}

/** Payload columns that, with user and ts, make the dedupe key (exit 2 for an unknown name). */
export function dedupeColumns(layout: StoreLayout, names: string[]): number[] {
  return names.map((name) => {
    const k = layout.plan.columns.findIndex((c) => c.name === name);
    if (k < 0 || k === layout.plan.tsColumn) {
      const known = layout.plan.columns.filter((_, i) => i !== layout.plan.tsColumn).map((c) => c.name);
      throw errors.usage(`--dedupe-key names "${name}", which is not a column of the store (its columns besides the user and ts: ${known.join(', ')})`);
    }
    return k;
  });
}

function keyOfRow(cols: Lane[], keyCols: number[], i: number): string {
  let key = '';
  for (const k of keyCols) {
    const lane = cols[k];
    if (lane.valid && !lane.valid[i]) {
      key += 'n|';
      continue;
    }
    if (lane.kind === 'int') {
      const w = wordsOf(lane.values);
      key += `${w[2 * i]}:${w[2 * i + 1]}|`;
    } else key += `${Buffer.from(lane.bytes.subarray(lane.offsets[i], lane.offsets[i + 1])).toString('latin1')}|`;
  }
  return key;
}

/**
 * Newest write wins: within each sequence, among events with equal ts and equal
 * key columns, only the last (newest) stays. Returns the events left, in order.
 */
export function dedupe(layout: StoreLayout, ev: OrderedEvents, keyCols: number[]): OrderedEvents {
  const ts = ev.cols[layout.plan.tsColumn] as Extract<Lane, { kind: 'int' }>;
  const w = wordsOf(ts.values);
  const nSeq = ev.starts.length - 1;
  const drop = new Uint8Array(ts.values.length);
  let dropped = 0;
  for (let s = 0; s < nSeq; s++) {
    let a = ev.starts[s];
    const end = ev.starts[s + 1];
    while (a < end) {
      let b = a + 1;
      while (b < end && w[2 * b] === w[2 * a] && w[2 * b + 1] === w[2 * a + 1]) b++;
      if (b - a > 1) {
        const seen = new Set<string>();
        for (let i = b - 1; i >= a; i--) {
          const key = keyOfRow(ev.cols, keyCols, i);
          if (seen.has(key)) {
            drop[i] = 1;
            dropped++;
          } else seen.add(key);
        }
      }
      a = b;
    }
  }
  if (dropped === 0) return ev;
  const keep = new Int32Array(ts.values.length - dropped);
  const starts = new Int32Array(nSeq + 1);
  let k = 0;
  for (let s = 0; s < nSeq; s++) {
    for (let i = ev.starts[s]; i < ev.starts[s + 1]; i++) if (!drop[i]) keep[k++] = i;
    starts[s + 1] = k;
  }
  return { user: gatherLane(ev.user, keep, 0, k), cols: ev.cols.map((c) => gatherLane(c, keep, 0, k)), starts, partitions: ev.partitions };
}

export type { DataType };

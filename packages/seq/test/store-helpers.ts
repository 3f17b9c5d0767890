// Events for the seq-store tests, and a plain in-memory model of what a store
// must return: every event ever accepted, in write order, filtered and ordered
// by the rules of docs/store.md (get: ts then write order; scan: partition,
// user, ts, write order; --dedupe: the newest of equal user, ts, item, action).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Data, Dictionary, Field, Int32, Int64, makeData, RecordBatch, Schema, TimestampMillisecond, Uint64, Utf8, Vector, type DataType } from 'apache-arrow';
import { makeBatch } from '@recdata/core';
import { utf8 } from './logs.ts';

export type UserKind = 'uint64' | 'int64' | 'utf8';

export interface Ev {
  user: bigint;
  ts: bigint;
  item: bigint | null;
  action: string;
  uid: bigint;
}

export const ACTIONS = ['impression', 'click', 'play', 'like', 'finish', 'share'];
export const DAY_MS = 86_400_000n;
export const T0 = 1_793_491_200_000n; // 2026-11-01T00:00:00Z

export function storeSchema(kind: UserKind): Schema {
  const userType: DataType = kind === 'uint64' ? new Uint64() : kind === 'int64' ? new Int64() : new Utf8();
  return new Schema([
    new Field('user_id', userType, false),
    new Field('item_id', new Uint64(), true),
    new Field('ts', new TimestampMillisecond(), false),
    new Field('action', new Dictionary(new Utf8(), new Int32()), false),
    new Field('uid', new Uint64(), false),
  ]);
}

export function userName(u: bigint): string {
  return `u${String(u).padStart(3, '0')}${u % 3n === 0n ? 'é' : ''}`;
}

/** The user as the store holds it, for output comparison. */
export function userValue(kind: UserKind, u: bigint): string {
  if (kind === 'utf8') return userName(u);
  if (kind === 'int64') return String(-u);
  return String(u === 0n ? 2n ** 64n - 1n : u);
}

/** A batch of events; `dictOrder` shuffles the batch's own dictionary (stores map codes). */
export function eventsBatch(kind: UserKind, events: Ev[], dictOrder: number): RecordBatch {
  const schema = storeSchema(kind);
  const n = events.length;
  const users: Data =
    kind === 'utf8'
      ? utf8(events.map((e) => userName(e.user)))
      : makeData({ type: schema.fields[0].type, length: n, data: (kind === 'uint64' ? BigUint64Array : BigInt64Array).from(events, (e) => BigInt(userValue(kind, e.user))) as never, nullCount: 0 } as never);
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  events.forEach((e, i) => (e.item === null ? nulls++ : (valid[i >> 3] |= 1 << (i & 7))));
  const items = makeData({ type: new Uint64(), length: n, data: BigUint64Array.from(events, (e) => e.item ?? 0n), ...(nulls ? { nullBitmap: valid, nullCount: nulls } : { nullCount: 0 }) } as never);
  const ts = makeData({ type: new TimestampMillisecond(), length: n, data: BigInt64Array.from(events, (e) => e.ts), nullCount: 0 } as never);
  const words = [...ACTIONS];
  for (let i = 0; i < dictOrder % words.length; i++) words.push(words.shift()!);
  if (dictOrder % 2) words.reverse();
  const dict = new Vector([utf8(words)]);
  const codes = Int32Array.from(events, (e) => words.indexOf(e.action));
  const actions = makeData({ type: schema.fields[3].type as Dictionary, length: n, data: codes, dictionary: dict, nullCount: 0 } as never);
  const uids = makeData({ type: new Uint64(), length: n, data: BigUint64Array.from(events, (e) => e.uid), nullCount: 0 } as never);
  return makeBatch(schema, [users, items, ts, actions, uids], n);
}

/** Output rows as comparable tuples: user, item, ts, action, uid. */
export function rowsOf(batches: RecordBatch[]): string[][] {
  const out: string[][] = [];
  for (const b of batches) {
    const cols = b.schema.fields.map((_, i) => b.getChildAt(i)!);
    for (let i = 0; i < b.numRows; i++) out.push(cols.map((c) => String(c.get(i) ?? 'null')));
  }
  return out;
}

export function modelRow(kind: UserKind, e: Ev): string[] {
  return [userValue(kind, e.user), e.item === null ? 'null' : String(e.item), String(e.ts), e.action, String(e.uid)];
}

function compareUsers(kind: UserKind, a: bigint, b: bigint): number {
  if (kind === 'utf8') return Buffer.compare(Buffer.from(userName(a)), Buffer.from(userName(b)));
  const x = BigInt(userValue(kind, a));
  const y = BigInt(userValue(kind, b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The model: events in write order. */
export class StoreModel {
  readonly events: Ev[] = [];
  constructor(readonly kind: UserKind) {}

  private live(from: bigint | null, to: bigint | null, dedupe: boolean): { e: Ev; order: number }[] {
    const all = this.events.map((e, order) => ({ e, order }));
    let rows = all.filter(({ e }) => (from === null || e.ts >= from) && (to === null || e.ts < to));
    if (dedupe) {
      const newest = new Map<string, number>();
      for (const { e, order } of rows) newest.set(`${e.user}|${e.ts}|${e.item}|${e.action}`, order);
      rows = rows.filter(({ e, order }) => newest.get(`${e.user}|${e.ts}|${e.item}|${e.action}`) === order);
    }
    return rows;
  }

  get(user: bigint, from: bigint | null, to: bigint | null, dedupe: boolean): string[][] {
    const rows = this.live(from, to, dedupe).filter(({ e }) => e.user === user);
    rows.sort((a, b) => (a.e.ts < b.e.ts ? -1 : a.e.ts > b.e.ts ? 1 : a.order - b.order));
    return rows.map(({ e }) => modelRow(this.kind, e));
  }

  scan(from: bigint | null, to: bigint | null, dedupe: boolean): string[][] {
    const rows = this.live(from, to, dedupe);
    const day = (t: bigint) => (t >= 0n ? t / DAY_MS : (t - DAY_MS + 1n) / DAY_MS);
    rows.sort((a, b) => {
      const pa = day(a.e.ts);
      const pb = day(b.e.ts);
      if (pa !== pb) return pa < pb ? -1 : 1;
      const u = compareUsers(this.kind, a.e.user, b.e.user);
      if (u !== 0) return u;
      if (a.e.ts !== b.e.ts) return a.e.ts < b.e.ts ? -1 : 1;
      return a.order - b.order;
    });
    return rows.map(({ e }) => modelRow(this.kind, e));
  }
}

export function tempStore(name: string): string {
  const base = process.env.RECDATA_TEST_OUTPUT ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `${name}-`));
}

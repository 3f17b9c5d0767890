/**
 * Where things are in a seq-store folder, and what a store's configuration means
 * for its events (the plan of their columns, the user kind, the partitions).
 *
 *   STORE/manifest.db            the manifest (SQLite, WAL mode)
 *   STORE/LOCK                   the writer lock (an SQLite lock, released when the writer dies)
 *   STORE/wal/<first LSN>.wal    write-ahead log segments
 *   STORE/runs/<partition>/<file id>.run   immutable sorted runs
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataType, Schema, Type } from 'apache-arrow';
import { errors } from '@recdata/core';
import { decodeSchema } from '../format/header.js';
import { planEncode, type EncodePlan, type TsUnitName } from '../encode/plan.js';
import type { PartitionSpec } from '../group/sort.js';
import { MANIFEST_FILE, type StoreConfig } from './manifest.js';
import type { TsRange } from './time.js';
import { userKindOf, type UserKind } from './user-key.js';

export const WAL_DIR = 'wal';
export const RUNS_DIR = 'runs';
export const LOCK_FILE = 'LOCK';

const UNIT_NAMES: Record<number, TsUnitName> = { 1: 's', 1000: 'ms', 1000000: 'us', 1000000000: 'ns' };
const PARTITION_SECONDS = { none: 0, hour: 3600, day: 86400 } as const;

/**
 * What a store folder is: `missing` (nothing there), `empty` (a folder with
 * nothing in it), or `store` (it has a manifest). Anything else is exit 65.
 */
export function storeState(dir: string): 'missing' | 'empty' | 'store' {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return 'missing';
  }
  if (!st.isDirectory()) throw errors.badInput(`${dir} is not a recdata seq-store (not a folder)`, { file: dir });
  if (fs.existsSync(path.join(dir, MANIFEST_FILE))) return 'store';
  const entries = fs.readdirSync(dir);
  if (entries.length === 0) return 'empty';
  throw errors.badInput(`${dir} is not a recdata seq-store (no ${MANIFEST_FILE}; it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`, { file: dir });
}

/** A store's events and how they are laid out, from its configuration. */
export class StoreLayout {
  readonly dir: string;
  readonly config: StoreConfig;
  readonly schema: Schema;
  readonly plan: EncodePlan;
  readonly userKind: UserKind;
  readonly spec: PartitionSpec | null;
  /** ts units per partition (0: one partition). */
  private readonly period: bigint;

  constructor(dir: string, config: StoreConfig) {
    this.dir = dir;
    this.config = config;
    this.schema = decodeSchema(config.schemaBytes);
    const tsUnit = UNIT_NAMES[config.unitsPerSecond];
    if (!tsUnit) throw errors.badInput(`the manifest's ts unit (${config.unitsPerSecond} per second) is not s, ms, us or ns`, { file: path.join(dir, MANIFEST_FILE) });
    this.plan = planEncode(this.schema, { user: config.user, ts: config.ts, partition: config.partition, tsUnit });
    this.userKind = userKindOf(this.plan.userType);
    this.spec = this.plan.partitionSpec;
    this.period = BigInt(PARTITION_SECONDS[config.partition]) * BigInt(config.unitsPerSecond);
  }

  get userType(): DataType {
    return this.plan.userType;
  }

  /** The partition of a ts value. */
  partitionOf(ts: bigint): number {
    if (this.period === 0n) return 0;
    const q = ts / this.period;
    return Number(q * this.period > ts ? q - 1n : q);
  }

  partitionStart(p: number): bigint {
    return BigInt(p) * this.period;
  }

  /** Partitions [first, last] that hold any ts of the range, or null when none can. */
  partitionsOf(range: TsRange): { first: number; last: number } {
    if (this.period === 0n) return { first: 0, last: 0 };
    const first = range.from === null ? -(2 ** 52) : this.partitionOf(range.from);
    const last = range.to === null ? 2 ** 52 : this.partitionOf(range.to - 1n);
    return { first, last };
  }

  /** The folder name of a partition: 2026-11-01 (day), 2026-11-01T13 (hour), all (none). */
  partitionLabel(p: number): string {
    if (this.config.partition === 'none') return 'all';
    const ms = Number(this.partitionStart(p) * 1000n) / this.config.unitsPerSecond;
    if (!(Math.abs(ms) <= 8.64e15)) return `p${p}`;
    const iso = new Date(ms).toISOString();
    return this.config.partition === 'day' ? iso.slice(0, 10) : iso.slice(0, 13);
  }

  /** Path of a run file relative to the store. */
  runPath(partition: number, id: number): string {
    return path.posix.join(RUNS_DIR, this.partitionLabel(partition), `${String(id).padStart(8, '0')}.run`);
  }

  abs(rel: string): string {
    return path.join(this.dir, rel);
  }

  /** The column a dictionary code of payload column k refers to. */
  dictionaryValueType(k: number): DataType | null {
    const c = this.plan.columns[k];
    const t = c.type;
    return t.typeId === Type.Dictionary ? (t as DataType & { dictionary: DataType }).dictionary : null;
  }
}

import type { RecordBatch, Schema } from 'apache-arrow';
import { errors, RecdataError } from '@recdata/core';
import type { ColumnProfile } from '../profile/column-profile.js';
import type { Profile } from '../profile/profiler.js';
import type { PartitionUnit } from '../profile/partition.js';
import type { CheckResult, FlaggedSink } from './result.js';
import type { CheckSpec } from './spec.js';

export interface BatchContext {
  flagged: FlaggedSink | null;
  /** Partition key of each row of the batch (null when unpartitioned), in `partitionUnit`. */
  partitionKeys: Float64Array | null;
  partitionUnit: PartitionUnit;
}

export interface FinishContext {
  rows: number;
  profile: Profile;
  whole: Map<string, ColumnProfile>;
  nowMs: number;
  worstLimit: number;
}

/** A bound check: sees every batch (if it needs rows) and gives its results at the end. */
export interface Runner {
  readonly spec: CheckSpec;
  add?(batch: RecordBatch, firstRow: number, ctx: BatchContext): void;
  finish(ctx: FinishContext): CheckResult[] | Promise<CheckResult[]>;
}

/** Where a check's setting is written, for exit-2 messages. */
export function specWhere(spec: CheckSpec, key?: string): { file?: string; line?: number } {
  if (spec.file === null) return {};
  const line = (key && spec.keyLines[key]) || spec.line;
  return line === null || line === undefined ? { file: spec.file } : { file: spec.file, line };
}

/** A check naming a column the input lacks: exit 2 with the checks file's line. */
export function requireCheckColumn(schema: Schema, spec: CheckSpec, name: string, key = 'column'): number {
  const i = schema.fields.findIndex((f) => f.name === name);
  if (i >= 0) return i;
  const present = schema.fields.map((f) => f.name).join(', ') || '(no columns)';
  const builtIn = spec.file === null ? ' (a built-in check; name the column with a flag or write a checks file)' : '';
  throw errors.usage(`check "${spec.id}" names column "${name}", which the input lacks; the input has: ${present}${builtIn}`, specWhere(spec, key));
}

export function checkUsage(spec: CheckSpec, message: string, key?: string): RecdataError {
  return errors.usage(`check "${spec.id}": ${message}`, specWhere(spec, key));
}

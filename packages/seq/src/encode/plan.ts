/**
 * What seq-encode does with an input schema: which column is the user, which the
 * ts, how every other column travels (its lane), how ts is partitioned, and the
 * schema of the output rows. Every problem with the input's columns is found here,
 * before any row is read.
 */
import { Binary, DataType, Field, Schema, TimeUnit, Timestamp, Type, Uint32 } from 'apache-arrow';
import { errors, requireColumn, typeName } from '@recdata/core';
import { LANE_DICT, LANE_NAMES, laneKindOf, type LaneKind, type Partition } from '../format/header.js';
import type { PartitionSpec } from '../group/sort.js';
import { DictionaryUnion } from '../lanes/arrow.js';

export const TS_UNITS = { s: TimeUnit.SECOND, ms: TimeUnit.MILLISECOND, us: TimeUnit.MICROSECOND, ns: TimeUnit.NANOSECOND } as const;
export type TsUnitName = keyof typeof TS_UNITS;
const UNITS_PER_SECOND: Record<number, number> = { [TimeUnit.SECOND]: 1, [TimeUnit.MILLISECOND]: 1e3, [TimeUnit.MICROSECOND]: 1e6, [TimeUnit.NANOSECOND]: 1e9 };
const PARTITION_SECONDS: Record<Partition, number> = { none: 0, hour: 3600, day: 86400 };

export interface EncodedColumn {
  field: number;
  name: string;
  type: DataType;
  lane: LaneKind;
  dict: DictionaryUnion | null;
}

export interface EncodePlan {
  input: Schema;
  userField: number;
  tsField: number;
  userName: string;
  tsName: string;
  userType: DataType;
  /** uint64 users sort as unsigned. */
  userUnsigned64: boolean;
  userLane: 'int' | 'string';
  tsType: DataType;
  /** Every column but the user, in input order (ts included): the payload's columns. */
  columns: EncodedColumn[];
  /** Index of ts in `columns`. */
  tsColumn: number;
  partition: Partition;
  partitionSpec: PartitionSpec | null;
  /** The type of partition_start. */
  partitionType: Timestamp;
  output: Schema;
}

export const SUPPORTED_TYPES =
  'integers, bool, float16/32/64, utf8, binary, date32/64, time32/64, timestamp, duration, and dictionaries of utf8 or binary';

export function planEncode(input: Schema, opts: { user: string; ts: string; partition: Partition; tsUnit: TsUnitName }): EncodePlan {
  const userField = requireColumn(input, opts.user);
  const tsField = requireColumn(input, opts.ts);
  if (userField === tsField) throw errors.usage(`--user and --ts name the same column "${opts.user}"`);
  const userType = input.fields[userField].type;
  const tsType = input.fields[tsField].type;
  const isInt = userType.typeId === Type.Int;
  if (!isInt && userType.typeId !== Type.Utf8 && userType.typeId !== Type.Binary) {
    throw errors.wrongColumnType(opts.user, 'an integer, utf8 or binary user column', typeName(userType));
  }
  if (tsType.typeId !== Type.Timestamp && tsType.typeId !== Type.Int) {
    throw errors.wrongColumnType(opts.ts, 'a timestamp or integer ts column', typeName(tsType));
  }
  const columns: EncodedColumn[] = [];
  input.fields.forEach((f, i) => {
    if (i === userField) return;
    const lane = laneKindOf(f.type);
    if (lane === null) {
      throw errors.badInput(`column "${f.name}" has type ${typeName(f.type)}, which seq-encode cannot encode (it takes ${SUPPORTED_TYPES})`, { column: f.name });
    }
    columns.push({ field: i, name: f.name, type: f.type, lane, dict: lane === LANE_DICT ? new DictionaryUnion(f.name) : null });
  });
  const tsColumn = columns.findIndex((c) => c.field === tsField);
  const unit = tsType.typeId === Type.Timestamp ? (tsType as Timestamp).unit : TS_UNITS[opts.tsUnit];
  const timezone = tsType.typeId === Type.Timestamp ? (tsType as Timestamp).timezone : null;
  const partitionType = new Timestamp(unit, timezone);
  const partitionSpec = opts.partition === 'none' ? null : { unitsPerSecond: UNITS_PER_SECOND[unit], seconds: PARTITION_SECONDS[opts.partition] };
  const output = new Schema(
    [
      new Field('user_id', userType, false),
      new Field('partition_start', partitionType, true),
      new Field('n_events', new Uint32(), false),
      new Field('ts_first', tsType, false),
      new Field('ts_last', tsType, false),
      new Field('payload', new Binary(), false),
    ],
    input.metadata,
  );
  return {
    input,
    userField,
    tsField,
    userName: opts.user,
    tsName: opts.ts,
    userType,
    userUnsigned64: isInt && !(userType as DataType & { isSigned: boolean }).isSigned && (userType as DataType & { bitWidth: number }).bitWidth === 64,
    userLane: isInt ? 'int' : 'string',
    tsType,
    columns,
    tsColumn,
    partition: opts.partition,
    partitionSpec,
    partitionType,
    output,
  };
}

/** The columns as `recdata.seq.columns` lists them (readable; the exact types are in recdata.seq.schema). */
export function describeColumns(plan: EncodePlan, models: string[]): unknown[] {
  return plan.input.fields.map((f, i) => {
    const base = { name: f.name, type: typeName(f.type), nullable: f.nullable };
    if (i === plan.userField) return { ...base, role: 'user', stored: 'user_id' };
    const c = plan.columns.findIndex((col) => col.field === i);
    return { ...base, role: i === plan.tsField ? 'ts' : 'encoded', stored: 'payload', payloadIndex: c, lane: LANE_NAMES[plan.columns[c].lane], model: models[c] };
  });
}

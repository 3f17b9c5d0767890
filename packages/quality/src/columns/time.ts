import { Data, DateUnit, Type, type Schema, type Timestamp } from 'apache-arrow';
import { errors, requireColumn, typeName } from '@recdata/core';
import { gatherNumbers, MS_PER_UNIT, timeUnitName } from './values.js';

export type EpochUnit = 's' | 'ms' | 'us' | 'ns';
export const EPOCH_UNITS: readonly EpochUnit[] = ['s', 'ms', 'us', 'ns'];

/** A column read as times: timestamps in their unit, dates, or integers/floats counting --ts-unit since the epoch. */
export interface TimeColumn {
  name: string;
  index: number;
  /** Milliseconds per stored unit. */
  msPerUnit: number;
  /** The stored unit, for messages and docs. */
  unit: string;
}

/**
 * Resolves the time column: a timestamp (its own unit), date32/date64, or an
 * integer or float column of epoch `epochUnit`s (MovieLens stores seconds).
 * Missing: exit 65 listing the columns; another type: exit 65 naming it.
 */
export function resolveTimeColumn(schema: Schema, name: string, epochUnit: EpochUnit = 'ms'): TimeColumn {
  const index = requireColumn(schema, name);
  const type = schema.fields[index].type;
  switch (type.typeId) {
    case Type.Timestamp: {
      const unit = timeUnitName((type as Timestamp).unit);
      return { name, index, msPerUnit: MS_PER_UNIT[unit], unit };
    }
    case Type.Date:
      return (type as { unit: DateUnit }).unit === DateUnit.DAY ? { name, index, msPerUnit: 86_400_000, unit: 'day' } : { name, index, msPerUnit: 1, unit: 'ms' };
    case Type.Int:
    case Type.Float:
      return { name, index, msPerUnit: MS_PER_UNIT[epochUnit], unit: epochUnit };
    default:
      throw errors.wrongColumnType(name, 'a timestamp, date, or integer epoch (--ts-unit)', typeName(type));
  }
}

const scratchStats = { nulls: 0, nan: 0 };

/**
 * Each row's time in ms since the epoch (NaN for null) into out[0..n). The values
 * are gathered as numbers first (nulls skipped), then spread back over the rows.
 */
export function timesMs(data: Data, column: TimeColumn, out: Float64Array, packed: Float64Array): void {
  const n = data.length;
  const validity = data.nullCount > 0 ? data.nullBitmap : null;
  scratchStats.nulls = 0;
  scratchStats.nan = 0;
  gatherNumbers(data, null, 0, n, packed, scratchStats);
  const scale = column.msPerUnit;
  if (!validity || validity.length === 0) {
    if (scratchStats.nan === 0) {
      for (let i = 0; i < n; i++) out[i] = packed[i] * scale;
      return;
    }
  }
  let p = 0;
  const values = data.values as ArrayLike<number>;
  for (let i = 0; i < n; i++) {
    const b = data.offset + i;
    if (validity && validity.length > 0 && (validity[b >> 3] & (1 << (b & 7))) === 0) out[i] = NaN;
    else if (data.type.typeId === Type.Float && values[i] !== values[i]) out[i] = NaN;
    else out[i] = packed[p++] * scale;
  }
}

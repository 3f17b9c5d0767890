import { errors } from '@recdata/core';
import { parseDay } from '../registry/dates.js';
import { GEN_STRATEGY_DEFAULTS as D, type GenStrategyMetricsOptions } from './generate.js';

export interface GenStrategyMetricsFlags {
  strategies?: string;
  days?: string;
  seed?: string;
  start?: string;
  units?: string;
  batchSize?: number;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(value >= min && value <= max)) throw errors.badFlagValue(flag, `an integer from ${min} to ${max}`, text);
  return value;
}

/** The options from flag text; a bad value is exit 2, "expected X for --flag, got Y". */
export function parseGenStrategyMetricsFlags(flags: GenStrategyMetricsFlags): GenStrategyMetricsOptions {
  const start = parseDay((flags.start ?? D.start).trim());
  if (start === null) throw errors.badFlagValue('start', 'a date YYYY-MM-DD', flags.start);
  const batchSize = flags.batchSize ?? D.batchSize;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw errors.badFlagValue('batch-size', 'a positive integer', batchSize);
  return {
    strategies: integer('strategies', flags.strategies ?? String(D.strategies), 1, 10000),
    days: integer('days', flags.days ?? String(D.days), 1, 3650),
    seed: integer('seed', flags.seed ?? String(D.seed), 0, 0xffffffff),
    start,
    units: integer('units', flags.units ?? String(D.units), 10, 100_000_000),
    batchSize,
  };
}

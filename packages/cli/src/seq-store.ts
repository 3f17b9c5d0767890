import { Args, Flags } from '@oclif/core';
import { boundToTs, parseTimeBound, tsRange, type TimeBound, type TsRange } from '@recdata/seq';

/** Flags and arguments the seq-store commands share (defined once). */
export const storeArg = Args.string({ description: 'the store folder', required: true, ignoreStdin: true });

export const fromFlag = Flags.string({
  description: 'start of the time range, inclusive: a date (YYYY-MM-DD, UTC midnight), an ISO 8601 time, or an integer ts in the store\'s unit',
  helpValue: 'DATE',
});
export const toFlag = Flags.string({ description: 'end of the time range, exclusive (same forms as --from)', helpValue: 'DATE' });

export const formatFlag = Flags.string({
  description: "events: the rows, with the store's exact types; lists: one row per user and partition with list columns (as seq-decode writes them)",
  options: ['events', 'lists'],
  default: 'events',
});

export const dedupeFlags = {
  dedupe: Flags.boolean({ description: 'newest write wins: of events with equal user, ts and --dedupe-key columns, keep only the last written', default: false }),
  'dedupe-key': Flags.string({ description: 'the columns that, with the user and ts, identify an event for --dedupe', default: 'item_id,action', helpValue: 'a,b' }),
};

export const skipCorruptFlag = Flags.boolean({
  description: 'leave out partitions with a damaged file (each named on stderr) instead of failing with exit 65',
  default: false,
});

/** --from / --to as typed: checked before the store is opened (exit 2). */
export function parseBounds(from: string | undefined, to: string | undefined): { from: TimeBound | null; to: TimeBound | null } {
  return { from: from === undefined ? null : parseTimeBound(from, 'from'), to: to === undefined ? null : parseTimeBound(to, 'to') };
}

/** The bounds in a store's ts unit; null when neither is given. */
export function rangeIn(bounds: { from: TimeBound | null; to: TimeBound | null }, unitsPerSecond: number): TsRange | null {
  if (!bounds.from && !bounds.to) return null;
  return tsRange(bounds.from, bounds.to, unitsPerSecond);
}

export function splitNames(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export { boundToTs };

import { Flags } from '@oclif/core';
import { errors } from '@recdata/core';

/**
 * Flags shared by `quality-scan` and its subcommands (profile, merge, drift),
 * defined once. Parsing helpers turn them into the package's options with
 * "expected X for --flag, got Y" messages.
 */
export const sketchFlags = {
  'kll-k': Flags.integer({ description: 'KLL quantile sketch size k (rank error about 1.65% at 200, falling as 1/k)', default: 200, min: 8, max: 65535, helpValue: 'K' }),
  'hll-p': Flags.integer({ description: 'HyperLogLog++ precision p: 2^p registers, relative error 1.04/sqrt(2^p) (0.81% at 14)', default: 14, min: 4, max: 18, helpValue: 'P' }),
  'top-capacity': Flags.integer({ description: 'space-saving counters per column (top values; exact category counts up to this many categories)', default: 512, min: 1, max: 1 << 20, helpValue: 'N' }),
};

export const roleFlags = {
  'user-column': Flags.string({ description: 'the user column of temporal checks (default user_id; overrides events.user in the checks file)', helpValue: 'NAME' }),
  'item-column': Flags.string({ description: 'the item column (default item_id)', helpValue: 'NAME' }),
  'ts-column': Flags.string({ description: 'the time column for temporal checks, freshness and time partitions (default ts)', helpValue: 'NAME' }),
  'action-column': Flags.string({ description: 'the action column, part of the duplicate key (default action)', helpValue: 'NAME' }),
  'duration-column': Flags.string({ description: 'the duration column of impossible_values (default duration_ms)', helpValue: 'NAME' }),
  'ts-unit': Flags.string({ description: 'unit of an integer or float time column counting from the epoch (timestamp columns carry their own)', options: ['s', 'ms', 'us', 'ns'], helpValue: 's|ms|us|ns' }),
};

export const reportFormatFlags = {
  format: Flags.string({ char: 'f', description: 'report format: text (failing checks first), json, junit (XML for CI), arrow (one row per check), html (one self-contained file)', options: ['text', 'json', 'junit', 'arrow', 'html'], exclusive: ['json'] }),
  json: Flags.boolean({ description: 'the same as --format json', default: false, exclusive: ['format'] }),
  gate: Flags.boolean({ description: 'exit 1 when a check of severity error fails (the report is written first); without it the exit is 0 whatever the checks find', default: false }),
};

export function rolesFrom(flags: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const map: Record<string, string> = { 'user-column': 'user', 'item-column': 'item', 'ts-column': 'ts', 'action-column': 'action', 'duration-column': 'duration', 'ts-unit': 'tsUnit' };
  for (const [flag, role] of Object.entries(map)) if (typeof flags[flag] === 'string') out[role] = flags[flag] as string;
  return out;
}

/** --now: an ISO 8601 time (UTC unless it says otherwise) or epoch milliseconds. */
export function parseNowFlag(value: string | undefined, parse: (s: string) => number | null): number | null {
  if (value === undefined) return null;
  const ms = parse(value);
  if (ms === null) throw errors.badFlagValue('now', 'an ISO 8601 time (e.g. 2026-11-08T00:00:00Z) or epoch milliseconds', value);
  return ms;
}

/** "512MiB", "1GiB", "100MB", "65536": bytes. */
export function parseSize(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?$/i.exec(value.trim());
  if (!m) throw errors.badFlagValue(flag, 'a size like 512MiB or 1GiB', value);
  const units: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4 };
  return Math.floor(Number(m[1]) * units[(m[2] ?? 'b').toLowerCase()]);
}

export function splitColumns(flag: string, value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (list.length === 0) throw errors.badFlagValue(flag, 'a comma-separated list of column names', value);
  return list;
}

import { errors } from '../errors.js';
import { DAY_MS, formatAnomalies, NO_ANOMALIES, parseAnomalies, type AnomalySpec } from './anomalies.js';
import { maxEventsFor } from './sessions.js';

export interface GenEventsOptions {
  /** Rows written, defects included. */
  events: number;
  users: number;
  items: number;
  /** Length of the time range in days (fractions allowed). */
  days: number;
  /** Start of the time range, epoch ms (UTC). */
  startMs: number;
  seed: number;
  /** Rows per batch: cuts the same rows into batches, changes no value. */
  batchSize: number;
  anomalies: AnomalySpec;
}

/** Defaults: a bare `recdata gen events` gives the same million events every time, in about a second. */
export const GEN_EVENTS_DEFAULTS = {
  events: 1_000_000,
  users: 10_000,
  items: 100_000,
  days: 1,
  start: '2026-11-01T00:00:00Z',
  seed: 1,
  batchSize: 65_536,
} as const;

/** Alias tables cost 12 bytes per user or item, and a user's last timestamp 8 more. */
export const MAX_POPULATION = 10_000_000;
export const MAX_EVENTS = 1e12;
export const MAX_DAYS = 3650;

/** Flag values as typed (strings), so each bad one gets its own one-line message. */
export interface GenEventsFlags {
  events?: string;
  users?: string;
  items?: string;
  days?: string;
  start?: string;
  seed?: string;
  anomalies?: string;
  batchSize?: number;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(value >= min && value <= max)) throw errors.badFlagValue(flag, `an integer from ${min} to ${max}`, text);
  return value;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The options from flag text, checked: a bad value is exit 2, "expected X for --flag, got Y". */
export function parseGenEventsFlags(flags: GenEventsFlags): GenEventsOptions {
  const d = GEN_EVENTS_DEFAULTS;
  const events = integer('events', flags.events ?? String(d.events), 0, MAX_EVENTS);
  const users = integer('users', flags.users ?? String(d.users), 1, MAX_POPULATION);
  const items = integer('items', flags.items ?? String(d.items), 1, MAX_POPULATION);
  const seed = integer('seed', flags.seed ?? String(d.seed), 0, 0xffffffff);
  const daysText = flags.days ?? String(d.days);
  const days = /^(\d+(\.\d*)?|\.\d+)$/.test(daysText.trim()) ? Number(daysText) : NaN;
  if (!(days > 0 && days <= MAX_DAYS && Math.round(days * DAY_MS) >= 1000)) {
    throw errors.badFlagValue('days', `a number of days from 0.0001 (about 9 s) to ${MAX_DAYS}`, daysText);
  }
  const startText = flags.start ?? d.start;
  const startMs = ISO_TIME.test(startText.trim()) ? Date.parse(startText.trim()) : NaN;
  if (!(startMs >= 0 && startMs < Date.parse('9000-01-01T00:00:00Z'))) {
    throw errors.badFlagValue('start', 'an ISO 8601 UTC date or time after 1970, e.g. 2026-11-01 or 2026-11-01T00:00:00Z', startText);
  }
  const max = maxEventsFor(users, rangeMsOf(days));
  if (events > max) {
    throw errors.badFlagValue('events', `at most ${max} with --users ${users} and --days ${days} (a user needs about 8 ms per event)`, flags.events ?? String(events));
  }
  const anomalies = flags.anomalies === undefined ? { ...NO_ANOMALIES } : parseAnomalies(flags.anomalies);
  const batchSize = flags.batchSize ?? d.batchSize;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw errors.badFlagValue('batch-size', 'a positive integer', batchSize);
  return { events, users, items, days, startMs, seed, batchSize, anomalies };
}

/** The time range's length in ms (whole ms). */
export function rangeMsOf(days: number): number {
  return Math.round(days * DAY_MS);
}

/** The options as written in provenance metadata and the truth file (flag names, fixed order). */
export function genEventsParams(options: GenEventsOptions): Record<string, number | string> {
  return {
    events: options.events,
    users: options.users,
    items: options.items,
    days: options.days,
    start: new Date(options.startMs).toISOString(),
    seed: options.seed,
    anomalies: formatAnomalies(options.anomalies),
    batch_size: options.batchSize,
  };
}

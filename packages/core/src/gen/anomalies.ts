import { errors } from '../errors.js';
import { TAG, type EventRows } from './event-rows.js';
import { STREAM, Xoshiro128 } from './prng.js';

/**
 * Defects to inject, as rates per clean event (and a count of bot users). What each
 * kind means in the output, exactly as quality checks count it, is written in
 * defects.ts; how each is made is written on AnomalyInjector below.
 */
export interface AnomalySpec {
  duplicates: number;
  outOfOrder: number;
  futureTs: number;
  nullItem: number;
  botUsers: number;
}

export const NO_ANOMALIES: Readonly<AnomalySpec> = { duplicates: 0, outOfOrder: 0, futureTs: 0, nullItem: 0, botUsers: 0 };

/** `--anomalies default`: a few of each, enough to find in a million events. */
export const DEFAULT_ANOMALIES: Readonly<AnomalySpec> = { duplicates: 0.001, outOfOrder: 0.001, futureTs: 0.0005, nullItem: 0.0002, botUsers: 3 };

/** Flag spelling of each kind, in the order they are written back. */
const KINDS = [
  ['duplicates', 'duplicates'],
  ['out_of_order', 'outOfOrder'],
  ['future_ts', 'futureTs'],
  ['null_item', 'nullItem'],
  ['bot_users', 'botUsers'],
] as const;

export const MAX_BOT_USERS = 1000;

export function hasAnomalies(spec: AnomalySpec): boolean {
  return spec.duplicates > 0 || spec.outOfOrder > 0 || spec.futureTs > 0 || spec.nullItem > 0 || spec.botUsers > 0;
}

/**
 * Parses `kind=value,...` (or `none`, or `default`). Rates are decimals in [0, 1] and
 * sum to at most 1 (each clean event gets at most one defect); bot_users is a count.
 */
export function parseAnomalies(text: string, flag = 'anomalies'): AnomalySpec {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return { ...NO_ANOMALIES };
  if (trimmed === 'default') return { ...DEFAULT_ANOMALIES };
  const spec: AnomalySpec = { ...NO_ANOMALIES };
  const seen = new Set<string>();
  const kindList = KINDS.map(([k]) => k).join(', ');
  for (const part of trimmed.split(',')) {
    const entry = part.trim();
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq).trim();
    const value = eq < 0 ? '' : entry.slice(eq + 1).trim();
    const kind = KINDS.find(([k]) => k === name);
    if (!kind || eq < 0) throw errors.badFlagValue(flag, `KIND=VALUE with KIND one of ${kindList}`, entry);
    if (seen.has(name)) throw errors.badFlagValue(flag, `each KIND at most once`, entry);
    seen.add(name);
    if (kind[1] === 'botUsers') {
      if (!/^\d+$/.test(value) || Number(value) > MAX_BOT_USERS) throw errors.badFlagValue(flag, `bot_users=COUNT with COUNT an integer from 0 to ${MAX_BOT_USERS}`, entry);
      spec.botUsers = Number(value);
    } else {
      const rate = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value) ? Number(value) : NaN;
      if (!(rate >= 0 && rate <= 1)) throw errors.badFlagValue(flag, `${name}=RATE with RATE from 0 to 1`, entry);
      spec[kind[1]] = rate;
    }
  }
  const sum = spec.duplicates + spec.outOfOrder + spec.futureTs + spec.nullItem;
  if (sum > 1) throw errors.badFlagValue(flag, 'rates that sum to at most 1', trimmed);
  return spec;
}

/** The spec in flag spelling, every kind, fixed order (for provenance and truth). */
export function formatAnomalies(spec: AnomalySpec): string {
  return KINDS.map(([name, key]) => `${name}=${spec[key]}`).join(',');
}

/** A day in ms: future_ts lies more than this past the end of the range. */
export const DAY_MS = 86_400_000;

/**
 * Turns each clean session into the session as written, with defects. Every clean
 * event of an ordinary user draws one uniform number u from the anomaly stream and
 * gets at most one defect, by where u falls among the rates in this order:
 *
 * - duplicates: the event is written twice in a row, the copy identical in every
 *   column (a retried upload). The copy is the duplicate.
 * - out_of_order: the event is written after the same user's next event in the
 *   session (a late upload), so its ts is below that user's previous ts. The next
 *   event takes no defect of its own. Drawn for a session's last event, no defect
 *   is made (there is no next event to swap with).
 * - future_ts: ts moves forward by a fixed shift (per run: the range's length plus a
 *   day plus 1 ms plus a uniform whole number of days below 365), a device clock set
 *   far ahead; the result is always more than a day past the range's end, and stays
 *   distinct per user (the shift is the same for all).
 * - null_item: item_id is null (a lost join).
 *
 * Bot rows never take these defects: each kind means one thing in the output.
 */
export class AnomalyInjector {
  readonly futureShiftMs: number;
  private readonly rng: Xoshiro128;
  private readonly cutDuplicate: number;
  private readonly cutOutOfOrder: number;
  private readonly cutFuture: number;
  private readonly cutNull: number;

  constructor(spec: AnomalySpec, seed: number, rangeMs: number) {
    this.rng = new Xoshiro128(seed, STREAM.anomalies);
    this.futureShiftMs = rangeMs + DAY_MS + 1 + this.rng.nextInt(365) * DAY_MS;
    this.cutDuplicate = spec.duplicates;
    this.cutOutOfOrder = this.cutDuplicate + spec.outOfOrder;
    this.cutFuture = this.cutOutOfOrder + spec.futureTs;
    this.cutNull = this.cutFuture + spec.nullItem;
  }

  /** Appends `session` (clean rows) to `out` with defects, tagged for the truth file. */
  apply(session: EventRows, out: EventRows): void {
    const n = session.length;
    out.reserve(2 * n);
    for (let i = 0; i < n; i++) {
      const u = this.rng.nextFloat();
      if (u >= this.cutNull) {
        out.copyRow(session, i);
      } else if (u < this.cutDuplicate) {
        out.copyRow(session, i);
        out.tag[out.copyRow(session, i)] = TAG.duplicate;
      } else if (u < this.cutOutOfOrder) {
        if (i + 1 < n) {
          // This event and the next swap places: the next one first, then this one, late.
          out.copyRow(session, i + 1);
          out.tag[out.copyRow(session, i)] = TAG.outOfOrder;
          i++;
        } else {
          out.copyRow(session, i);
        }
      } else if (u < this.cutFuture) {
        const j = out.copyRow(session, i);
        out.setTs(j, out.ts(j) + this.futureShiftMs);
        out.tag[j] = TAG.futureTs;
      } else {
        const j = out.copyRow(session, i);
        out.itemWords[2 * j] = 0;
        out.tag[j] = TAG.nullItem;
      }
    }
  }
}

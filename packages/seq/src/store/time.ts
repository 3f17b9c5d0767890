/**
 * Time ranges of seq-store commands: --from (inclusive) and --to (exclusive),
 * each a date (UTC midnight), an ISO 8601 time, or an integer in the store's ts
 * unit. Text is checked before the store is opened (a bad value is exit 2 whatever
 * the store); the store's unit turns it into ts values.
 */
import { errors } from '@recdata/core';

/** A bound as typed: an instant (ns since the epoch) or a raw ts value. */
export type TimeBound = { kind: 'instant'; ns: bigint } | { kind: 'raw'; value: bigint };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;
const INTEGER = /^-?\d{1,19}$/;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

const EXPECTED = 'a date (YYYY-MM-DD, UTC midnight), an ISO 8601 time (2026-11-01T12:00:00Z) or an integer ts in the store\'s unit';

function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number | null {
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March: a rolled value is not a date.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return null;
  return ms;
}

/** Parses --from / --to text; exit 2 naming the flag when it does not parse. */
export function parseTimeBound(text: string, flag: string): TimeBound {
  const t = text.trim();
  let m = DATE.exec(t);
  if (m) {
    const ms = utcMs(Number(m[1]), Number(m[2]), Number(m[3]));
    if (ms !== null) return { kind: 'instant', ns: BigInt(ms) * 1_000_000n };
  }
  m = TIME.exec(t);
  if (m) {
    const ms = utcMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0'));
    const zone = m[8];
    let offsetMin = 0;
    if (zone && zone !== 'Z') {
      const hh = Number(zone.slice(1, 3));
      const mm = Number(zone.slice(4, 6));
      if (hh <= 23 && mm <= 59) offsetMin = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
      else return bad(flag, text);
    }
    if (ms !== null) {
      const fraction = BigInt((m[7] ?? '').padEnd(9, '0') || '0');
      return { kind: 'instant', ns: (BigInt(ms) - BigInt(offsetMin) * 60_000n) * 1_000_000n + fraction };
    }
  }
  if (INTEGER.test(t)) {
    const value = BigInt(t);
    if (value >= INT64_MIN && value <= INT64_MAX) return { kind: 'raw', value };
  }
  return bad(flag, text);
}

function bad(flag: string, text: string): never {
  throw errors.badFlagValue(flag, EXPECTED, text);
}

/** Ceiling division for a positive divisor. */
function ceilDiv(a: bigint, d: bigint): bigint {
  const q = a / d;
  return q * d < a ? q + 1n : q;
}

/**
 * The first ts value (in units of 1/unitsPerSecond s) at or after the bound.
 * Both ends use the ceiling: ts >= from and ts < to keep exactly the instants
 * inside [from, to) whatever the unit.
 */
export function boundToTs(bound: TimeBound, unitsPerSecond: number): bigint {
  if (bound.kind === 'raw') return bound.value;
  const nsPerUnit = BigInt(Math.round(1e9 / unitsPerSecond));
  const v = ceilDiv(bound.ns, nsPerUnit);
  return v < INT64_MIN ? INT64_MIN : v > INT64_MAX ? INT64_MAX : v;
}

/** A time range in ts units: [from, to); null ends are open. */
export interface TsRange {
  from: bigint | null;
  to: bigint | null;
}

export function tsRange(from: TimeBound | null, to: TimeBound | null, unitsPerSecond: number): TsRange {
  const range = { from: from ? boundToTs(from, unitsPerSecond) : null, to: to ? boundToTs(to, unitsPerSecond) : null };
  if (range.from !== null && range.to !== null && range.from >= range.to) {
    throw errors.usage(`--from must come before --to (the range is [from, to): --from inclusive, --to exclusive)`);
  }
  return range;
}

/** A ts value as ISO 8601 text (for messages and stats). */
export function tsToIso(ts: bigint, unitsPerSecond: number): string {
  const ms = Number((ts * 1000n) / BigInt(unitsPerSecond));
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ts);
  return new Date(ms).toISOString();
}

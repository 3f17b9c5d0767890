/**
 * Time partitions: day, month or year (UTC), each keyed by an integer (days since
 * 1970-01-01, months since 1970-01, the year). Rows whose time is null go to one
 * partition of their own. A profile that would hold more than --max-partitions
 * partitions moves to the next coarser unit (day → month → year) by merging, so
 * memory stays bounded whatever the time span; each unit nests in the next, so
 * the merge is exact.
 */
export type PartitionUnit = 'none' | 'day' | 'month' | 'year';
export const PARTITION_UNITS: readonly PartitionUnit[] = ['none', 'day', 'month', 'year'];

export const NULL_PARTITION = -9007199254740991;
export const WHOLE_PARTITION = 0;
const DAY_MS = 86_400_000;

/** Days since the epoch → [year, month (1-12), day]. (Hinnant's civil_from_days.) */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? y + 1 : y, m, d];
}

/** The partition key of a time in ms since the epoch. */
export function partitionKeyOfMs(ms: number, unit: PartitionUnit): number {
  if (unit === 'none') return WHOLE_PARTITION;
  if (ms !== ms) return NULL_PARTITION;
  const day = Math.floor(ms / DAY_MS);
  if (unit === 'day') return day;
  const [y, m] = civilFromDays(day);
  return unit === 'month' ? (y - 1970) * 12 + (m - 1) : y;
}

/** The key in the next coarser unit of a key in `unit`. */
export function coarsenKey(key: number, from: PartitionUnit): number {
  if (key === NULL_PARTITION) return key;
  if (from === 'day') {
    const [y, m] = civilFromDays(key);
    return (y - 1970) * 12 + (m - 1);
  }
  if (from === 'month') return 1970 + Math.floor(key / 12);
  throw new Error(`no unit coarser than ${from}`);
}

export function coarserUnit(unit: PartitionUnit): PartitionUnit | null {
  return unit === 'day' ? 'month' : unit === 'month' ? 'year' : null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A partition's label: 2026-11-01, 2026-11, 2026, "(null time)" or "all". */
export function partitionLabel(key: number, unit: PartitionUnit): string {
  if (unit === 'none') return 'all';
  if (key === NULL_PARTITION) return '(null time)';
  if (unit === 'day') {
    const [y, m, d] = civilFromDays(key);
    return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
  }
  if (unit === 'month') return `${pad(1970 + Math.floor(key / 12), 4)}-${pad((((key % 12) + 12) % 12) + 1)}`;
  return pad(key, 4);
}

/** Parses a label back to its key (profiles store labels). */
export function partitionKeyOfLabel(label: string, unit: PartitionUnit): number {
  if (unit === 'none') return WHOLE_PARTITION;
  if (label === '(null time)') return NULL_PARTITION;
  const m = /^(-?\d{4,})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(label);
  if (!m) throw new Error(`bad partition label ${JSON.stringify(label)}`);
  const y = Number(m[1]);
  if (unit === 'year') return y;
  const month = Number(m[2]);
  if (unit === 'month') return (y - 1970) * 12 + (month - 1);
  return Math.floor(Date.UTC(y, month - 1, Number(m[3])) / DAY_MS);
}

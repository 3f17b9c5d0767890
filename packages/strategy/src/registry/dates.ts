/** Calendar days as integers: days since 1970-01-01 (Arrow's date32), all in UTC. */
export type Day = number;

const DAY_MS = 86_400_000;

/** A YYYY-MM-DD date as a day number, or null when it is not a real calendar date. */
export function parseDay(text: string): Day | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

export function formatDay(day: Day): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** A duration such as 28d or 4w, in days; null when malformed. */
export function parseDays(text: string): number | null {
  const m = /^(\d+)\s*(d|w)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]) * (m[2] === 'w' ? 7 : 1);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

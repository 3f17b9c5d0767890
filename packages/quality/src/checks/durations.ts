/** Durations in the checks file and flags: "500ms", "10s", "5m", "2h", "1d", "1w", or combined ("1d12h"). */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;
  let pos = 0;
  let total = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return null;
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  return total;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let left = Math.abs(ms);
  if (left < 1000) return `${sign}${Math.round(left)}ms`;
  const parts: string[] = [];
  for (const [u, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${u}`);
      left %= size;
    }
  }
  if (left >= 1 || parts.length === 0) parts.push(`${Math.round((left / 1000) * 1000) / 1000}s`);
  return sign + parts.join('');
}

/** An instant: ISO 8601 (UTC when no offset), or epoch milliseconds. */
export function parseInstant(text: string): number | null {
  const s = text.trim();
  if (/^-?\d+$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return null;
  const withZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) || !s.includes('T') ? s : `${s}Z`;
  const ms = Date.parse(withZone.includes('T') || withZone.length > 10 ? withZone : `${withZone}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
}

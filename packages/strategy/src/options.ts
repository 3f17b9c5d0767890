import { errors } from '@recdata/core';
import { parseDay, parseDays, type Day } from './registry/dates.js';

export interface AuditFlags {
  window: string;
  confidence: string;
  asOf?: string;
}

/** strategy-audit's value flags, checked: a bad value is exit 2, "expected X for --flag, got Y". */
export function parseAuditFlags(flags: AuditFlags): { windowDays: number; confidence: number; asOf: Day | undefined } {
  const windowDays = parseDays(flags.window);
  if (windowDays === null) throw errors.badFlagValue('window', 'a number of days such as 28d or 4w', flags.window);
  const text = flags.confidence.trim();
  const confidence = Number(text);
  if (!/^\d*\.?\d+$/.test(text) || !(confidence >= 0.5 && confidence < 1)) throw errors.badFlagValue('confidence', 'a level from 0.5 to below 1, e.g. 0.95', flags.confidence);
  let asOf: Day | undefined;
  if (flags.asOf !== undefined) {
    asOf = parseDay(flags.asOf.trim()) ?? undefined;
    if (asOf === undefined) throw errors.badFlagValue('as-of', 'a date YYYY-MM-DD', flags.asOf);
  }
  return { windowDays, confidence, asOf };
}

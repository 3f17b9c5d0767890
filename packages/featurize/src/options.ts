// Flag values the featurize commands take, checked once with messages of the form
// "expected X for --flag, got Y" (exit 2).
import { errors } from '@recdata/core';
import { LAYOUTS, type Layout } from './plan.js';

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** A size such as 512MiB, 1GiB, 100MB or 65536 (bytes). */
export function parseByteSize(flag: string, text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  const bytes = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(bytes >= 1 << 20)) throw errors.badFlagValue(flag, 'a size of at least 1MiB, e.g. 512MiB or 2GiB', text);
  return bytes;
}

export function parseLayout(text: string | undefined): Layout {
  const value = text ?? 'columns';
  if (!(LAYOUTS as readonly string[]).includes(value)) throw errors.badFlagValue('layout', LAYOUTS.join('|'), value);
  return value as Layout;
}

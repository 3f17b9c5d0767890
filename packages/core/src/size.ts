import { errors } from './errors.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/**
 * A byte size as flags take it: a number with an optional unit, `512MiB`, `1GiB`,
 * `1.5G`, `100MB`, `65536` (KiB/MiB/GiB/TiB and bare K/M/G/T are powers of 1024,
 * KB/MB/GB/TB powers of 1000; case does not matter). Exit 2 for anything else.
 */
export function parseByteSize(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(bytes >= 1 && bytes <= Number.MAX_SAFE_INTEGER)) throw errors.badFlagValue(flag, 'a size such as 512MiB, 1GiB or 100MB', text);
  return bytes;
}

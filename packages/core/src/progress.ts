/**
 * A progress line on stderr (rows, bytes, rows/s) for long work: shown when stderr
 * is a terminal or when asked (`--progress`), silent otherwise so cron logs stay clean.
 */
export class Progress {
  private readonly enabled: boolean;
  private readonly label: string;
  private readonly started = process.hrtime.bigint();
  private lastPrint = 0;
  private rows = 0;
  private bytes = 0;

  constructor(label: string, mode: 'auto' | 'on' | 'off' = 'auto') {
    this.label = label;
    this.enabled = mode === 'on' || (mode === 'auto' && process.stderr.isTTY === true);
  }

  /** Adds rows; `bytes` is the running byte total (absolute, not a delta). */
  add(rows: number, bytes?: number): void {
    if (!this.enabled) return;
    this.rows += rows;
    if (bytes !== undefined) this.bytes = bytes;
    const now = Date.now();
    if (now - this.lastPrint < 250) return;
    this.lastPrint = now;
    this.print('\r');
  }

  done(rows?: number, bytes?: number): void {
    if (!this.enabled) return;
    if (rows !== undefined) this.rows = rows;
    if (bytes !== undefined) this.bytes = bytes;
    this.print('\r');
    process.stderr.write('\n');
  }

  private print(prefix: string): void {
    const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    const rate = seconds > 0 ? this.rows / seconds : 0;
    const line = `${this.label}: ${formatCount(this.rows)} rows, ${formatBytes(this.bytes)}, ${formatCount(rate)} rows/s`;
    process.stderr.write(prefix + line + '\x1b[K');
  }
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

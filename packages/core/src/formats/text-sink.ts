import type { FdByteSink } from '../ipc/byte-sink.js';

const FLUSH_BYTES = 1 << 20;
const encoder = new TextEncoder();

/**
 * Text output built straight into bytes (no string per row): values are written
 * into a buffer that goes to the sink once it holds about 1 MiB. Each flushed
 * buffer is handed over, never reused, since the sink writes it later.
 */
export class TextSink {
  private buf = new Uint8Array(FLUSH_BYTES + (64 << 10));
  pos = 0;

  constructor(private readonly sink: FdByteSink) {}

  /** True once a flush is due (checked between rows). */
  get full(): boolean {
    return this.pos >= FLUSH_BYTES;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  byte(c: number): void {
    if (this.pos === this.buf.length) this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** Text known to be ASCII (numbers, dates, base64, keys checked once). */
  ascii(text: string): void {
    const n = text.length;
    this.ensure(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  /**
   * A safe integer's digits, written with no string made. Digits are taken in
   * int32 arithmetic (a double % 10 is a slow fmod): numbers past 2^31 are split
   * into a high part and eight low digits first.
   */
  integer(v: number): void {
    this.ensure(24);
    if (v < 0) {
      this.buf[this.pos++] = 0x2d;
      v = -v;
    }
    if (v < 2147483648) {
      this.smallInteger(v | 0, 0);
      return;
    }
    const high = Math.floor(v / 1e8);
    this.smallInteger(high | 0, 0);
    this.smallInteger((v - high * 1e8) | 0, 8);
  }

  /** A non-negative int32's digits, left-padded with zeros to `width`. */
  private smallInteger(v: number, width: number): void {
    let digits = 1;
    for (let limit = 10; limit <= v && digits < 10; limit *= 10) digits++;
    if (digits < width) digits = width;
    const buf = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    for (let k = 0; k < digits; k++) {
      const q = (v / 10) | 0;
      buf[--p] = 0x30 + (v - q * 10);
      v = q;
    }
  }

  utf8(text: string): void {
    this.ensure(text.length * 3);
    this.pos += encoder.encodeInto(text, this.buf.subarray(this.pos)).written;
  }

  bytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    if (n < 16) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = start; i < end; i++) buf[p++] = src[i];
      this.pos = p;
    } else {
      this.buf.set(src.subarray(start, end), this.pos);
      this.pos += n;
    }
  }

  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const out = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(FLUSH_BYTES + (64 << 10));
    this.pos = 0;
    await this.sink.write(out);
  }
}

import { isUtf8 } from 'node:buffer';
import { errors, openError } from '../errors.js';
import { FdByteSource } from '../ipc/byte-source.js';
import type { FieldTable } from './field-table.js';

/** Bytes read per step: large enough that per-chunk costs vanish, small enough to bound memory. */
export const TEXT_CHUNK_BYTES = 4 << 20;

/** Opens every input first, so a missing file fails (exit 66) before anything is written. */
export function openTextInputs(paths: readonly string[]): FdByteSource[] {
  const list = paths.length === 0 ? ['-'] : paths;
  const sources: FdByteSource[] = [];
  try {
    for (const p of list) {
      if (p === '-') sources.push(FdByteSource.stdin());
      else {
        try {
          sources.push(FdByteSource.openFile(p));
        } catch (e) {
          throw openError(p, e);
        }
      }
    }
  } catch (e) {
    for (const s of sources) s.close();
    throw e;
  }
  return sources;
}

/**
 * One text input read chunk by chunk: the bytes a tokenizer left (an incomplete
 * record) come first in the next buffer. A UTF-8 byte order mark is dropped.
 */
export class ChunkedInput {
  eof = false;
  private carry: Uint8Array = new Uint8Array(0);
  private started = false;

  constructor(
    readonly source: FdByteSource,
    private readonly chunkBytes = TEXT_CHUNK_BYTES,
  ) {}

  get name(): string {
    return this.source.name;
  }

  /** The unconsumed bytes followed by the next chunk (unchanged at the end of the input). */
  async more(): Promise<Uint8Array> {
    if (this.eof) return this.carry;
    let chunk = await this.source.read(this.chunkBytes);
    if (chunk.length < this.chunkBytes) this.eof = true;
    if (!this.started) {
      this.started = true;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (this.carry.length === 0) return chunk;
    const joined = new Uint8Array(this.carry.length + chunk.length);
    joined.set(this.carry);
    joined.set(chunk, this.carry.length);
    return joined;
  }

  /** Marks `buf[0..upTo)` as used; the rest comes first next time. */
  consume(buf: Uint8Array, upTo: number): void {
    this.carry = buf.subarray(upTo);
  }

  /** Bytes read but not consumed yet. */
  get pending(): number {
    return this.carry.length;
  }

  close(): void {
    this.source.close();
  }
}

/**
 * Exit 65 naming file:line when `buf[0..end)` is not UTF-8. Checked once per chunk
 * over whole records (a record boundary is never inside a character); the line is
 * only looked for when the check fails.
 */
export function checkUtf8(buf: Uint8Array, end: number, t: FieldTable, sourceName: string): void {
  if (isUtf8(buf.subarray(0, end))) return;
  const bad = firstInvalidUtf8(buf, 0, end);
  let r = 0;
  while (r + 1 < t.records && t.start[t.recordFirst[r + 1]] - 1 <= bad) r++;
  let line = t.records > 0 ? t.recordLine[r] : 1;
  for (let i = t.records > 0 ? t.start[t.recordFirst[r]] : 0; i < bad; i++) if (buf[i] === 0x0a) line++;
  throw errors.badInput(`invalid UTF-8 (byte 0x${buf[bad].toString(16).padStart(2, '0')})`, { file: sourceName, line });
}

/** The offset of the first byte that breaks UTF-8 in buf[s..e) (e when there is none). */
export function firstInvalidUtf8(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  while (i < e) {
    const c = buf[i];
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) (n = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (n = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (n = 3), (min = 0x10000);
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const b = buf[i + k];
      if (i + k >= e || (b & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return e;
}

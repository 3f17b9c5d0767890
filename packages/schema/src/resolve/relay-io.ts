import { ClosedOutputError, errors, RecdataError, type FdByteSink, type FdByteSource } from '@recdata/core';
import type * as metadata from 'apache-arrow/ipc/metadata/message';

// Moving bytes for the relay: skipping, splicing, reading into reused memory,
// and the checks on message headers that the relay of recdata cat makes too.

export type RelayBytes = (inFd: number, outFd: number, n: number) => number;

export const ZEROS = new Uint8Array(8);
export interface Span {
  start: number;
  end: number;
}

export const pad8 = (n: number) => (n + 7) & ~7;

/**
 * The next n bytes in memory that is reused from batch to batch (the column is
 * converted and written before the next one is read): fresh memory costs a page
 * fault per page on first touch, which is most of what reading a column costs.
 */
const reused = { prefix: new Uint8Array(0), column: new Uint8Array(0) };
export async function readReused(source: FdByteSource, n: number, scratch: Uint8Array, slot: keyof typeof reused): Promise<Uint8Array> {
  if (reused[slot].length < n) reused[slot] = new Uint8Array(n);
  const target = reused[slot];
  let at = 0;
  await source.stream(n, scratch, (piece) => {
    target.set(piece, at);
    at += piece.length;
  });
  return target.subarray(0, at);
}

/** Memory for promoted values, reused: each promoted column is written out before the next is made. */
let promoted = new ArrayBuffer(0);
export function promotionBuffer(bytes: number): ArrayBuffer {
  if (promoted.byteLength < bytes) promoted = new ArrayBuffer(bytes);
  return promoted;
}

export async function skip(source: FdByteSource, n: number, scratch: Uint8Array): Promise<void> {
  const start = source.position;
  const passed = await source.stream(n, scratch, () => {});
  if (passed < n) throw errors.truncated(source.name, start + passed, 'a message body');
}

/** Moves n bytes from the input to the output: spliced when the addon has relayBytes, else through a small buffer. */
export async function move(source: FdByteSource, sink: FdByteSink, n: number, scratch: Uint8Array, relayBytes: RelayBytes | null): Promise<number> {
  const start = source.position;
  let moved: number;
  if (!relayBytes) {
    moved = await source.stream(n, scratch, (piece) => sink.writeSync(piece));
  } else {
    try {
      moved = source.relayTo(
        n,
        sink.fd,
        (piece) => sink.writeSync(piece),
        (inFd, outFd, count) => {
          const m = relayBytes(inFd, outFd, count);
          sink.countExternal(m);
          return m;
        },
      );
    } catch (e) {
      if (e instanceof ClosedOutputError || e instanceof RecdataError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' || code === 'ECONNRESET') throw new ClosedOutputError();
      throw errors.ioWrite(sink.name, (e as Error).message);
    }
  }
  if (moved < n) throw errors.truncated(source.name, start + moved, 'a message body');
  return moved;
}

export function compressed(file: string, byteOffset: number) {
  return errors.badInput('compressed IPC bodies (LZ4/ZSTD) are not supported; write the stream uncompressed', { file, byteOffset });
}

export function checkRegions(header: metadata.RecordBatch, bodyLength: number, file: string, byteOffset: number): void {
  for (const r of header.buffers) {
    if (r.offset < 0 || r.length < 0 || r.offset + r.length > bodyLength) {
      throw errors.badInput(`corrupt record batch: a buffer lies outside the message body (${r.offset}+${r.length} > ${bodyLength})`, { file, byteOffset });
    }
  }
  for (const n of header.nodes) {
    if (n.length < 0 || n.nullCount < 0 || n.nullCount > n.length) throw errors.badInput('corrupt record batch: invalid field node', { file, byteOffset });
  }
}

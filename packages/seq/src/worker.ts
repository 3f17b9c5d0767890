/**
 * Worker-side tasks of the seq kernels (run in core's WorkerPool): each encodes
 * or decodes one chunk and sends its buffers back by transfer. The header comes
 * as a view of a SharedArrayBuffer, so it is not copied per task, and is parsed
 * once per worker (kernels.ts caches it).
 */
import { transferResult } from '@recdata/core';
import { runDecode, runEncode, type SeqBackend } from './kernels.js';
import { laneBuffers, type Lane } from './lanes/lane.js';
import { CorruptSequence } from './format/payload.js';
import { errorFields, runFlushJob, type FlushJob } from './store/flush-job.js';

export function encodeTask(header: Uint8Array, backend: SeqBackend, starts: Int32Array, lanes: Lane[]) {
  const out = runEncode(header, backend, starts, lanes);
  return transferResult(out, [out.bytes.buffer, out.offsets.buffer]);
}

/** A corrupt payload comes back as a value (errors lose their fields crossing threads). */
export function decodeTask(header: Uint8Array, backend: SeqBackend, bytes: Uint8Array, offsets: Int32Array, expected: Uint32Array | null) {
  try {
    const out = runDecode(header, backend, bytes, offsets, expected);
    return transferResult({ ok: true as const, ...out }, [out.starts.buffer, ...out.lanes.flatMap(laneBuffers)]);
  } catch (e) {
    const c = e as CorruptSequence & { sequence?: number; offset?: number };
    if (e instanceof CorruptSequence || (typeof c.sequence === 'number' && typeof c.offset === 'number')) {
      return { ok: false as const, sequence: c.sequence, offset: c.offset, message: c.message, column: (c as { column?: number }).column ?? -1 };
    }
    throw e;
  }
}

/** A seq-store flush (store/flush-job.ts): a failure comes back as fields, a RecdataError's included. */
export async function flushTask(job: FlushJob) {
  try {
    return { ok: true as const, out: await runFlushJob(job) };
  } catch (e) {
    const fields = errorFields(e);
    if (fields) return { ok: false as const, error: fields };
    throw e;
  }
}

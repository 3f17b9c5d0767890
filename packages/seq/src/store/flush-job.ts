/**
 * A flush as one job: a memtable's lanes in, run files (one per partition) out.
 * The writer runs it on a pool worker when the memtable is large (the lanes move
 * there without a copy), so sorting, gathering and encoding overlap with the
 * next memtable filling on the main thread; small flushes run inline. Only the
 * manifest commit stays with the writer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errors, RecdataError, type ErrorLocation, type ExitCodeValue } from '@recdata/core';
import type { StringTable } from '../codec/values.js';
import { encodeHeader, LANE_DICT } from '../format/header.js';
import type { StoredLanes } from '../encode/store.js';
import type { SeqBackend } from '../kernels.js';
import { tableVector } from '../lanes/arrow.js';
import { laneBuffers, type Lane } from '../lanes/lane.js';
import { buildHeader } from '../tables/header.js';
import { SAMPLE_ROWS } from '../tables/models.js';
import { groupByPartition, writeRun, type EventLanes } from './flush.js';
import { StoreLayout } from './layout.js';
import type { NewFile, StoreConfig } from './manifest.js';
import { fsyncDir } from './wal.js';
import { RUNS_DIR } from './layout.js';

export interface FlushJob {
  dir: string;
  config: StoreConfig;
  /** Dictionary tables of dictionary columns (payload order), as the writer has them now. */
  dictionaries: (StringTable | null)[];
  /** The seq header to encode with, or null to measure one on the lanes' first rows. */
  header: Uint8Array | null;
  lanes: EventLanes;
  lsnMin: number;
  lsnMax: number;
  /** File ids [firstId, firstId + ids) are this job's. */
  firstId: number;
  ids: number;
  backend: SeqBackend;
}

export interface FlushOutput {
  files: NewFile[];
  /** The header measured, when the job had none. */
  header: { bytes: Uint8Array; sampleRows: number } | null;
}

/** Buffers of a job to transfer to a worker (the lanes are the memtable's, no longer needed). */
export function jobTransfer(job: FlushJob): ArrayBufferLike[] {
  return [job.lanes.user, ...job.lanes.cols].flatMap(laneBuffers);
}

/** The seq header measured on the first SAMPLE_ROWS rows (models) with the given dictionaries. */
export function measureHeader(layout: StoreLayout, lanes: EventLanes, backend: SeqBackend): { bytes: Uint8Array; sampleRows: number } {
  const n = Math.min(lanes.rows, SAMPLE_ROWS);
  const cut = (l: Lane): Lane =>
    l.kind === 'int'
      ? { kind: 'int', values: l.values.subarray(0, n), valid: l.valid ? l.valid.subarray(0, n) : null }
      : { kind: 'string', offsets: l.offsets.subarray(0, n + 1), bytes: l.bytes, valid: l.valid ? l.valid.subarray(0, n) : null };
  const sample: StoredLanes = { user: cut(lanes.user), cols: lanes.cols.map(cut), rows: n };
  return { bytes: encodeHeader(buildHeader(layout.plan, sample, backend)), sampleRows: n };
}

export async function runFlushJob(job: FlushJob): Promise<FlushOutput> {
  const layout = new StoreLayout(job.dir, job.config);
  layout.plan.columns.forEach((c, k) => {
    const t = job.dictionaries[k];
    if (c.lane === LANE_DICT && c.dict && t && t.offsets.length > 1) c.dict.mappingFor(tableVector(t, layout.dictionaryValueType(k)!), 0);
  });
  const measured = job.header ? null : measureHeader(layout, job.lanes, job.backend);
  const header = job.header ?? measured!.bytes;
  let next = job.firstId;
  const ctx = {
    layout,
    backend: job.backend,
    threads: 1,
    pool: () => {
      throw errors.internal('a flush job has no pool');
    },
    nextId: () => {
      if (next >= job.firstId + job.ids) throw errors.internal(`a flush needs more than the ${job.ids} file ids it was given`);
      return next++;
    },
  };
  const files: NewFile[] = [];
  try {
    for (const part of groupByPartition(ctx, job.lanes)) {
      const f = await writeRun(ctx, part.partition, [part.window], header, { min: job.lsnMin, max: job.lsnMax }, 'flush');
      if (f) files.push(f);
    }
    for (const dir of new Set(files.map((f) => path.dirname(layout.abs(f.path))))) fsyncDir(dir);
    fsyncDir(path.join(job.dir, RUNS_DIR));
  } catch (e) {
    for (const f of files) fs.rmSync(layout.abs(f.path), { force: true });
    throw e;
  }
  return { files, header: measured };
}

/** A RecdataError as plain fields (errors lose their class crossing threads), and back. */
export interface ErrorFields {
  recdata: true;
  kind: string;
  exitCode: ExitCodeValue;
  message: string;
  where?: ErrorLocation;
}

export function errorFields(e: unknown): ErrorFields | null {
  if (!(e instanceof RecdataError)) return null;
  return { recdata: true, kind: e.kind, exitCode: e.exitCode, message: e.message, where: e.where };
}

export function fromFields(f: ErrorFields): RecdataError {
  return new RecdataError(f.kind, f.exitCode, f.message, f.where);
}

/**
 * seq-store verify: the manifest (SQLite's integrity check, its settings, LSN
 * ranges that do not overlap within a partition), every file it lists (present,
 * of the recorded size and CRC-32C, footer and sections checked, the table
 * tiling the payloads, users ascending, every user in the Bloom filter, every
 * payload decoded and checked against its table entry, dictionary codes inside
 * the dictionary), and the write-ahead log (records awaiting replay, damage).
 * Files the manifest does not list are reported (a crash leftover the next
 * writer deletes) but are not damage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errors, RecdataError } from '@recdata/core';
import { cmp, wordsOf } from '../codec/w64.js';
import { LANE_DICT } from '../format/header.js';
import { nativeSeq, type SeqBackend } from '../kernels.js';
import type { Lane } from '../lanes/lane.js';
import { PayloadDecoder } from './decoder.js';
import { RUNS_DIR, StoreLayout, storeState } from './layout.js';
import { Manifest, MANIFEST_FILE, type FileRow } from './manifest.js';
import { corruptRun, RunFile } from './run-file.js';
import { RUN_MAGIC } from './run-format.js';
import { compareBytes, userKeyBytes } from './user-key.js';
import { listSegments, readSegment } from './wal.js';

export interface VerifyReport {
  store: string;
  files: number;
  events: number;
  bytes: number;
  partitions: number;
  problems: RecdataError[];
  /** Files under runs/ the manifest does not list. */
  orphans: string[];
  /** WAL records past the flushed LSN (a writer is running, or one crashed). */
  pendingRecords: number;
}

export function verifyStore(dir: string, options: { backend?: SeqBackend } = {}): VerifyReport {
  const state = storeState(dir);
  if (state === 'missing') throw errors.cannotOpen(dir, 'no such folder');
  if (state === 'empty') throw errors.badInput(`${dir} is not a recdata seq-store (no ${MANIFEST_FILE}; it is empty)`, { file: dir });
  const manifest = Manifest.open(dir, { readonly: true });
  const report: VerifyReport = { store: dir, files: 0, events: 0, bytes: 0, partitions: 0, problems: [], orphans: [], pendingRecords: 0 };
  const problem = (e: unknown, file: string) => report.problems.push(e instanceof RecdataError ? e : errors.badInput(String((e as Error).message ?? e), { file }));
  try {
    const check = manifest.db.pragma('quick_check', { simple: true });
    if (check !== 'ok') problem(errors.badInput(`the manifest fails SQLite's integrity check: ${String(check)}`, { file: manifest.file }), manifest.file);
    const view = manifest.read(() => ({ config: manifest.config(), files: manifest.files(), dictionary: manifest.dictionary(), flushed: manifest.flushedLsn }));
    const layout = new StoreLayout(dir, view.config);
    const backend = options.backend ?? (nativeSeq() ? 'native' : 'js');
    const decoder = new PayloadDecoder(backend, 1);
    const dictSizes = layout.plan.columns.map((c, k) => (c.lane === LANE_DICT ? (view.dictionary.get(k)?.length ?? 0) : -1));
    const byPartition = new Map<number, FileRow[]>();
    for (const row of view.files) {
      let list = byPartition.get(row.partition);
      if (!list) byPartition.set(row.partition, (list = []));
      list.push(row);
      report.files++;
      report.events += row.events;
      report.bytes += row.bytes;
      const abs = layout.abs(row.path);
      try {
        verifyFile(layout, row, abs, decoder, dictSizes);
      } catch (e) {
        problem(e, abs);
      }
    }
    report.partitions = byPartition.size;
    for (const [p, list] of byPartition) {
      const sorted = [...list].sort((a, b) => a.lsnMin - b.lsnMin);
      for (let i = 1; i < sorted.length; i++) {
        if (sorted[i].lsnMin <= sorted[i - 1].lsnMax) problem(errors.badInput(`runs ${sorted[i - 1].path} and ${sorted[i].path} of partition ${layout.partitionLabel(p)} have overlapping LSN ranges`, { file: manifest.file }), manifest.file);
      }
    }
    const listed = new Set(view.files.map((f) => f.path));
    const runs = path.join(dir, RUNS_DIR);
    if (fs.existsSync(runs)) {
      for (const part of fs.readdirSync(runs)) {
        const pdir = path.join(runs, part);
        if (!fs.statSync(pdir).isDirectory()) continue;
        for (const f of fs.readdirSync(pdir)) if (!listed.has(path.posix.join(RUNS_DIR, part, f))) report.orphans.push(path.join(pdir, f));
      }
    }
    const segments = listSegments(dir);
    segments.forEach((s, i) => {
      const { records, tornAt, reason } = readSegment(s.file);
      if (tornAt !== null && i < segments.length - 1) problem(errors.badInput(`damaged write-ahead log segment: ${reason}`, { file: s.file, byteOffset: tornAt }), s.file);
      report.pendingRecords += records.filter((r) => r.lsn > view.flushed).length;
    });
  } finally {
    manifest.close();
  }
  return report;
}

function verifyFile(layout: StoreLayout, row: FileRow, abs: string, decoder: PayloadDecoder, dictSizes: number[]): void {
  if (!fs.existsSync(abs)) throw errors.badInput('the manifest lists this run file but it is missing', { file: abs });
  const file = RunFile.open(abs, abs, (p) => layout.partitionStart(p), { bytes: row.bytes, partition: row.partition });
  try {
    if (!file.checkFileCrc()) throw errors.badInput('corrupt run file: file checksum mismatch (a byte differs from what was written)', { file: abs });
    if (file.footer.fileCrc !== row.crc) throw errors.badInput(`corrupt run file: its checksum ${file.footer.fileCrc} is not the manifest's ${row.crc}`, { file: abs });
    const m = file.meta;
    const mismatch = (what: string) => {
      throw errors.badInput(`the run file's ${what} does not match the manifest`, { file: abs });
    };
    if (m.sequences !== row.sequences) mismatch('sequence count');
    if (m.events !== row.events) mismatch('event count');
    if (m.lsnMin !== row.lsnMin || m.lsnMax !== row.lsnMax) mismatch('LSN range');
    if (m.tsMin !== row.tsMin || m.tsMax !== row.tsMax) mismatch('ts range');
    if (compareBytes(m.userMin, row.userMin) !== 0 || compareBytes(m.userMax, row.userMax) !== 0) mismatch('user range');
    if (file.footer.index.offset !== row.indexOffset || file.footer.bloom.offset !== row.bloomOffset) mismatch('section offsets');
    if (m.userKind !== layout.userKind) mismatch('user kind');
    const schema = file.schema;
    if (schema.fields.length !== layout.schema.fields.length) mismatch('schema');
    const header = file.header;
    if (header.columns.length !== layout.plan.columns.length) mismatch('seq header');
    const bloom = file.bloom();
    const index = file.index();
    let seq = 0;
    let events = 0;
    let payloadAt = RUN_MAGIC.length;
    let prevUser: Uint8Array | null = null;
    const partitionStart = layout.partitionStart(m.partition);
    const partitionEnd = layout.spec ? layout.partitionStart(m.partition + 1) : null;
    for (let b = 0; b < index.blocks; b++) {
      const e = file.block(b);
      if (e.firstSeq !== seq) throw errors.badInput(`corrupt run file: table block ${b} starts at sequence ${e.firstSeq}, expected ${seq}`, { file: abs });
      if (e.payload[0] !== payloadAt) throw errors.badInput(`corrupt run file: table block ${b}'s payloads start at ${e.payload[0]}, expected ${payloadAt}`, { file: abs });
      for (let i = 0; i < e.count; i++) {
        const user = userOf(e.users, i);
        const key = userKeyBytes(layout.userKind, user);
        if (prevUser && compareBytes(prevUser, key) >= 0) throw errors.badInput(`corrupt run file: users out of order at sequence ${seq + i}`, { file: abs });
        prevUser = key;
        if (!bloom.mayContain(user)) throw errors.badInput(`corrupt run file: the Bloom filter misses the user of sequence ${seq + i}`, { file: abs });
        if (e.tsFirst[i] > e.tsLast[i] || (layout.spec && (e.tsFirst[i] < partitionStart || e.tsLast[i] >= partitionEnd!))) throw errors.badInput(`corrupt run file: sequence ${seq + i}'s ts range lies outside its partition`, { file: abs });
      }
      const base = e.payload[0];
      const bytes = file.read(base, e.payload[e.count] - base);
      const offsets = new Int32Array(e.count + 1);
      for (let i = 0; i <= e.count; i++) offsets[i] = e.payload[i] - base;
      const chunk = decoder.decodeNow(file, bytes, offsets, e.counts.slice(), base);
      const ts = chunk.lanes[layout.plan.tsColumn];
      if (ts.kind !== 'int') throw errors.internal('the ts lane is not an int lane');
      const tw = wordsOf(ts.values);
      for (let i = 0; i < e.count; i++) {
        const a = chunk.starts[i];
        const z = chunk.starts[i + 1] - 1;
        if (ts.values[a] !== e.tsFirst[i] || ts.values[z] !== e.tsLast[i]) throw corruptRun(abs, new Error(`sequence ${seq + i}'s first or last ts does not match its table entry`));
        for (let k = a + 1; k <= z; k++) if (cmp(tw[2 * k + 1], tw[2 * k], tw[2 * k - 1], tw[2 * k - 2]) < 0) throw corruptRun(abs, new Error(`sequence ${seq + i}'s events are out of ts order`));
      }
      chunk.lanes.forEach((lane, k) => {
        if (dictSizes[k] < 0 || lane.kind !== 'int') return;
        const w = wordsOf(lane.values);
        for (let i = 0; i < lane.values.length; i++) {
          if (lane.valid && !lane.valid[i]) continue;
          if (w[2 * i + 1] !== 0 || w[2 * i] < 0 || w[2 * i] >= dictSizes[k]) throw errors.badInput(`a dictionary code of column "${layout.plan.columns[k].name}" lies outside the store's dictionary`, { file: abs });
        }
      });
      seq += e.count;
      events += chunk.starts[e.count];
      payloadAt = e.payload[e.count];
    }
    if (seq !== m.sequences) throw errors.badInput(`corrupt run file: the table lists ${seq} sequences, the meta section ${m.sequences}`, { file: abs });
    if (events !== m.events) throw errors.badInput(`corrupt run file: the payloads hold ${events} events, the meta section says ${m.events}`, { file: abs });
    if (payloadAt !== m.payloadEnd) throw errors.badInput('corrupt run file: the table does not cover the payloads', { file: abs });
  } finally {
    decoder.release(file);
    file.close();
  }
}

function userOf(users: Lane, i: number): bigint | Uint8Array {
  if (users.kind === 'int') return users.values[i];
  return users.bytes.subarray(users.offsets[i], users.offsets[i + 1]);
}

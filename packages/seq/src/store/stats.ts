/**
 * What a store holds and what it cost to write (seq-store stats): partitions,
 * files, runs per partition, events, bytes, bytes per event, and write
 * amplification so far: run bytes written by flushes and compactions over run
 * bytes flushed (how often a flushed byte is rewritten), and every byte written
 * (WAL, flushes, compactions) over the bytes of Arrow IPC ingested.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CounterName } from './manifest.js';
import type { SeqStoreReader } from './reader.js';
import { tsToIso } from './time.js';
import { listSegments } from './wal.js';

export interface PartitionStats {
  partition: string;
  runs: number;
  sequences: number;
  events: number;
  bytes: number;
  first: string;
  last: string;
}

export interface StoreStats {
  store: string;
  version: number;
  partitioning: string;
  user: string;
  ts: string;
  partitions: number;
  files: number;
  runsPerPartition: { max: number; mean: number };
  sequences: number;
  events: number;
  bytes: number;
  bytesPerEvent: number;
  flushedLsn: number;
  walSegments: number;
  walBytes: number;
  counters: Record<CounterName, number>;
  /** (flush + compaction bytes) / flush bytes. */
  writeAmplification: number;
  /** (WAL + flush + compaction bytes) / Arrow IPC bytes ingested. */
  totalWriteAmplification: number;
  partitionList: PartitionStats[];
}

export function storeStats(reader: SeqStoreReader): StoreStats {
  const layout = reader.layout;
  return reader.manifestView((m) => {
    const files = m.files();
    const counters = m.counters();
    const byPartition = new Map<number, typeof files>();
    for (const f of files) {
      let list = byPartition.get(f.partition);
      if (!list) byPartition.set(f.partition, (list = []));
      list.push(f);
    }
    const ups = layout.config.unitsPerSecond;
    const partitionList: PartitionStats[] = [...byPartition].map(([p, list]) => ({
      partition: layout.partitionLabel(p),
      runs: list.length,
      sequences: list.reduce((s, f) => s + f.sequences, 0),
      events: list.reduce((s, f) => s + f.events, 0),
      bytes: list.reduce((s, f) => s + f.bytes, 0),
      first: tsToIso(list.reduce((a, f) => (f.tsMin < a ? f.tsMin : a), list[0].tsMin), ups),
      last: tsToIso(list.reduce((a, f) => (f.tsMax > a ? f.tsMax : a), list[0].tsMax), ups),
    }));
    const events = files.reduce((s, f) => s + f.events, 0);
    const bytes = files.reduce((s, f) => s + f.bytes, 0);
    const segments = listSegments(reader.dir);
    const walBytes = segments.reduce((s, seg) => s + fs.statSync(seg.file).size, 0);
    const runs = partitionList.map((p) => p.runs);
    return {
      store: path.resolve(reader.dir),
      version: m.version,
      partitioning: layout.config.partition,
      user: layout.config.user,
      ts: layout.config.ts,
      partitions: byPartition.size,
      files: files.length,
      runsPerPartition: { max: runs.length ? Math.max(...runs) : 0, mean: runs.length ? runs.reduce((a, b) => a + b, 0) / runs.length : 0 },
      sequences: files.reduce((s, f) => s + f.sequences, 0),
      events,
      bytes,
      bytesPerEvent: events ? bytes / events : 0,
      flushedLsn: m.flushedLsn,
      walSegments: segments.length,
      walBytes,
      counters,
      writeAmplification: counters.flush_bytes ? (counters.flush_bytes + counters.compact_bytes) / counters.flush_bytes : 0,
      totalWriteAmplification: counters.input_bytes ? (counters.wal_bytes + counters.flush_bytes + counters.compact_bytes) / counters.input_bytes : 0,
      partitionList,
    };
  });
}

/** Stats as text: a summary, then one line per partition. */
export function statsText(s: StoreStats): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `store                 ${s.store}`,
    `partitioned by        ${s.partitioning} of ${s.ts}; users in ${s.user}`,
    `manifest version      ${s.version}, flushed LSN ${s.flushedLsn}`,
    `partitions            ${n(s.partitions)}`,
    `files                 ${n(s.files)}`,
    `runs per partition    max ${s.runsPerPartition.max}, mean ${s.runsPerPartition.mean.toFixed(2)}`,
    `events                ${n(s.events)} in ${n(s.sequences)} user sequences`,
    `bytes                 ${n(s.bytes)} in run files`,
    `bytes per event       ${s.bytesPerEvent.toFixed(3)}`,
    `write amplification   ${s.writeAmplification.toFixed(3)} (run bytes written / run bytes flushed); ${s.totalWriteAmplification.toFixed(3)} with the WAL, per Arrow byte ingested`,
    `written so far        ${n(s.counters.input_bytes)} Arrow bytes ingested, ${n(s.counters.wal_bytes)} WAL, ${n(s.counters.flush_bytes)} flushed, ${n(s.counters.compact_bytes)} compacted (${n(s.counters.flushes)} flushes, ${n(s.counters.compactions)} compactions)`,
    `write-ahead log       ${s.walSegments} segments, ${n(s.walBytes)} bytes`,
  ];
  if (s.counters.dropped_events) lines.push(`dropped               ${n(s.counters.dropped_events)} events (retention)`);
  if (s.partitionList.length > 0) {
    lines.push('', 'partition\truns\tevents\tbytes\tbytes/event\tfirst ts\tlast ts');
    for (const p of s.partitionList) lines.push(`${p.partition}\t${p.runs}\t${p.events}\t${p.bytes}\t${(p.bytes / p.events).toFixed(3)}\t${p.first}\t${p.last}`);
  }
  return lines.join('\n') + '\n';
}

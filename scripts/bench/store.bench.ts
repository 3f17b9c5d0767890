// seq-store and its peers, on `recdata gen events` with the same number of events
// (and users) per day at every size, so a bigger store has more day partitions:
//  - get latency: p50 / p99 of one random user's events (drawn from the events, so
//    by activity) over a random 7-day window, in process through the library, at 1M, 10M and 50M events x
//    BENCH_SCALE (STORE_BENCH_SIZES overrides, e.g. "1e6,1e7"); target p99 at the
//    largest <= 1.5x p99 at the smallest. The CLI's start-up is reported apart.
//  - ingest: events/s through the library with --sync batch (target >= 1M/s).
//  - bytes per event after compaction beside the seq-encode stream of the same
//    events (target <= 1.1x); write amplification so far.
//  - scan of one day beside DuckDB reading the same day from Parquet files
//    partitioned by day (target >= 1x DuckDB's events/s).
import fs from 'node:fs';
import path from 'node:path';
import { ArrowReader } from '@recdata/core';
import { SeqStoreReader, SeqStoreWriter, storeStats } from '@recdata/seq';
import { cachedFile, DATA_DIR, duckdb, fileBytes, higherIsBetter, lowerIsBetter, machine, median, recdata, run, SCALE, timeShell, type BenchResult, type BenchRow } from './lib.ts';

const EVENTS_PER_DAY = 150_000;
const USERS = 20_000;
const LOOKUPS = 400;
const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 1);

function sizes(): number[] {
  const text = process.env.STORE_BENCH_SIZES;
  const base = text ? text.split(',').map(Number) : [1e6, 1e7, 5e7];
  return base.map((n) => Math.max(EVENTS_PER_DAY, Math.round(n * SCALE)));
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

async function eventsFile(n: number): Promise<{ file: string; days: number }> {
  const days = Math.max(1, Math.round(n / EVENTS_PER_DAY));
  const file = await cachedFile(`store-events-${n}.arrow`, (f) => run(recdata(`gen events --events ${n} --days ${days} --users ${USERS} --start 2026-01-01T00:00:00Z -o "${f}"`)));
  return { file, days };
}

/** Builds (or reuses) a compacted store of the file; returns the ingest rate of this build. */
async function buildStore(file: string, dir: string): Promise<{ eventsPerSecond: number | null }> {
  if (fs.existsSync(path.join(dir, 'manifest.db'))) return { eventsPerSecond: null };
  fs.rmSync(dir, { recursive: true, force: true });
  const reader = await ArrowReader.open([file]);
  const start = process.hrtime.bigint();
  const w = await SeqStoreWriter.open(dir, { create: { schema: reader.schema, user: 'user_id', ts: 'ts', partition: 'day', tsUnit: 'ms' }, sync: 'batch', threads: 2 });
  let n = 0;
  for await (const b of reader) {
    await w.append(b);
    n += b.numRows;
  }
  await w.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const c = await SeqStoreWriter.open(dir, { threads: 2 });
  await c.compactAll();
  await c.close();
  return { eventsPerSecond: n / seconds };
}

/** Users to look up: drawn from the events (so by activity, and present), 4096 of them. */
async function sampleUsers(file: string): Promise<bigint[]> {
  const users: bigint[] = [];
  for await (const b of await ArrowReader.open([file])) {
    const col = b.getChild('user_id')!;
    for (let i = 0; i < b.numRows && users.length < 4096; i += 37) users.push(BigInt(col.get(i) as bigint));
    if (users.length >= 4096) break;
  }
  return users;
}

async function lookups(dir: string, days: number, users: bigint[]): Promise<number[]> {
  const reader = await SeqStoreReader.open(dir, { recover: false });
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 2 ** 32);
  const out: number[] = [];
  try {
    for (let i = 0; i < LOOKUPS + 20; i++) {
      const user = users[Math.floor(rand() * users.length)];
      const first = Math.floor(rand() * Math.max(1, days - 7));
      const range = { from: BigInt(START + first * DAY_MS), to: BigInt(START + (first + 7) * DAY_MS) };
      const t = process.hrtime.bigint();
      for await (const _ of reader.getStream(user, range)) void _;
      if (i >= 20) out.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  } finally {
    await reader.close();
  }
  return out;
}

export default async function storeBench(): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const ns = sizes();
  const latency: { n: number; p50: number; p99: number }[] = [];
  let smallest: { file: string; dir: string; days: number } | null = null;
  for (const n of ns) {
    const { file, days } = await eventsFile(n);
    const dir = path.join(DATA_DIR, `store-${n}`);
    const built = await buildStore(file, dir);
    if (!smallest) {
      smallest = { file, dir, days };
      if (built.eventsPerSecond !== null) rows.push(higherIsBetter(`ingest, --sync batch, ${n.toLocaleString('en')} events (events/s)`, built.eventsPerSecond, null, null, { text: '>= 1M events/s', min: 1e6, on: 'value' }, 'events/s'));
      else notes.push('ingest rate: the store was cached from an earlier run; delete out/bench-data/store-* to measure it');
    }
    const ms = await lookups(dir, days, await sampleUsers(file));
    latency.push({ n, p50: median(ms), p99: percentile(ms, 0.99) });
  }
  for (const l of latency) {
    rows.push(lowerIsBetter(`get p50, ${l.n.toLocaleString('en')} events (ms)`, l.p50, null, null, undefined, 'ms'));
    rows.push(lowerIsBetter(`get p99, ${l.n.toLocaleString('en')} events (ms)`, l.p99, null, null, undefined, 'ms'));
  }
  if (latency.length > 1) {
    const growth = latency[latency.length - 1].p99 / latency[0].p99;
    rows.push(lowerIsBetter(`get p99 growth, ${latency[latency.length - 1].n.toLocaleString('en')} vs ${latency[0].n.toLocaleString('en')} events (x)`, growth, null, null, { text: '<= 1.5x', max: 1.5, on: 'value' }, 'x'));
  }
  const s = smallest!;
  // The CLI's start-up, apart: one get through the built CLI.
  const cli = median([0, 1, 2].map(() => timeShell(`${recdata(`seq-store get "${s.dir}" --user 1 --from 2026-01-02 --to 2026-01-09`)} > /dev/null`)));
  rows.push(lowerIsBetter('get through the CLI, start-up included (ms)', cli * 1000, null, null, undefined, 'ms'));

  // Bytes per event after compaction, beside the seq-encode stream of the same events.
  const reader = await SeqStoreReader.open(s.dir, { recover: false });
  const stats = storeStats(reader);
  await reader.close();
  const seqFile = await cachedFile(`store-events-${ns[0]}.seq.arrow`, (f) => run(recdata(`seq-encode --partition day "${s.file}" -o "${f}"`)));
  const seqPerEvent = fileBytes(seqFile) / stats.events;
  rows.push(lowerIsBetter('bytes per event after compaction (vs the seq-encode stream)', stats.bytesPerEvent, 'seq-encode stream', seqPerEvent, { text: '<= 1.1x the seq-encode stream', min: 1 / 1.1, on: 'ratio' }, 'B'));
  rows.push(lowerIsBetter('write amplification (run bytes written / flushed)', stats.writeAmplification, null, null, undefined, 'x'));
  rows.push(lowerIsBetter('write amplification with the WAL (bytes written / Arrow bytes in)', stats.totalWriteAmplification, null, null, undefined, 'x'));

  // Scan of one day beside DuckDB on day-partitioned Parquet of the same events.
  const parquetDir = path.join(DATA_DIR, `store-events-${ns[0]}.parquet-by-day`);
  const parquet = await cachedFile(`store-events-${ns[0]}.parquet`, (f) => run(recdata(`export --format parquet "${s.file}" -o "${f}"`)));
  const db = await duckdb();
  try {
    if (!fs.existsSync(parquetDir)) await db.run(`copy (select *, strftime(ts, '%Y-%m-%d') as day from read_parquet('${parquet}')) to '${parquetDir}' (format parquet, partition_by (day))`);
    const day = '2026-01-02';
    const from = BigInt(START + DAY_MS);
    const to = from + BigInt(DAY_MS);
    const r = await SeqStoreReader.open(s.dir, { recover: false, threads: 2 });
    let events = 0;
    const scanRuns: number[] = [];
    const duckRuns: number[] = [];
    const sql = `select * exclude (day) from read_parquet('${parquetDir}/day=${day}/*.parquet')`;
    const duckEvents = Number((await db.rows(`select count(*) as n from read_parquet('${parquetDir}/day=${day}/*.parquet')`))[0].n);
    for (let i = 0; i < 4; i++) {
      let t = process.hrtime.bigint();
      events = 0;
      for await (const b of r.scan({ from, to })) events += b.numRows;
      if (i > 0) scanRuns.push(Number(process.hrtime.bigint() - t) / 1e9);
      t = process.hrtime.bigint();
      const result = await db.run(sql);
      await (result as { getRowsJson?: () => Promise<unknown>; fetchAllChunks?: () => Promise<unknown> }).fetchAllChunks?.();
      if (i > 0) duckRuns.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
    await r.close();
    if (events !== duckEvents) notes.push(`scan found ${events} events on ${day}, DuckDB ${duckEvents}`);
    rows.push(higherIsBetter(`scan one day, ${events.toLocaleString('en')} events (events/s)`, events / median(scanRuns), 'DuckDB, Parquet by day', duckEvents / median(duckRuns), { text: '>= 1x DuckDB', min: 1, on: 'ratio' }, 'events/s'));
  } finally {
    db.close();
  }
  notes.push(`sizes: ${ns.map((n) => n.toLocaleString('en')).join(', ')} events, ${EVENTS_PER_DAY.toLocaleString('en')} per day, ${USERS.toLocaleString('en')} users; ${LOOKUPS} lookups per size over random 7-day windows`);
  return { name: 'store', title: 'seq-store: lookups, ingest, bytes, scans', date: new Date().toISOString(), machine: machine(), scale: SCALE, rows, notes };
}

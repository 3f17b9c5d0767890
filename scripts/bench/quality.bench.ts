// quality-scan against DuckDB on 10M generated events: the profile (count, nulls,
// NaN, min, max, mean, std, quantiles, distinct counts, top values per column) plus
// the temporal checks (future, out of order, duplicates, bursts per user), against
// DuckDB computing the same statistics in SQL (count, nulls, min, max, avg, stddev,
// approx_count_distinct, approx_quantile per column) and the out-of-order events per
// user with a window function, in the same run. Target: at least 1x DuckDB's wall
// time. Memory: peak RSS of quality-scan at 10x the rows with the same users, at
// most 1.2x the peak at 1x (/usr/bin/time -f %M).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedFile, DATA_DIR, duckdb, has, lowerIsBetter, machine, median, recdata, run, SCALE, timeShell, type BenchResult, type BenchRow } from './lib.ts';

const USERS = 100_000;
const END = '2026-11-08T00:00:00Z';
const CHECKS = `checks:
  - { id: future, kind: future_ts, skew: 1d }
  - { id: out-of-order, kind: out_of_order }
  - { id: duplicates, kind: duplicates }
  - { id: bursts, kind: burst, max_events: 49, window: 10s }
`;

function events(rows: number): Promise<string> {
  return cachedFile(`quality-events-${rows}-u${USERS}.arrow`, (f) => run(recdata(`gen events --events ${rows} --users ${USERS} --days 7 --seed 1 -o "${f}"`)));
}

/** Peak resident set size (KiB) of a command, by GNU time. */
function peakRss(script: string): number {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'bash', '-c', script], { encoding: 'utf8', env: { ...process.env, OCLIF_SKIP_UPDATE_CHECK: '1' } });
  if (r.status !== 0) throw new Error(`failed: ${script}\n${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  return Number(lines[lines.length - 1]);
}

export default async function qualityBenchmark(): Promise<BenchResult> {
  const rows = Math.round(10_000_000 * SCALE);
  const big = await events(rows);
  const small = await events(Math.round(rows / 10));
  const parquet = await cachedFile(`quality-events-${rows}-u${USERS}.parquet`, (f) => run(recdata(`export --format parquet "${big}" -o "${f}"`)));
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const checks = path.join(DATA_DIR, 'quality-temporal.yaml');
  fs.writeFileSync(checks, CHECKS);
  const scan = (file: string, extra = '') => recdata(`quality-scan --checks "${checks}" --now ${END} --format json ${extra} -o /dev/null "${file}"`);

  const db = await duckdb();
  const numeric = ['user_id', 'item_id', 'ts', 'duration_ms'];
  const num = (c: string) => (c === 'ts' ? 'epoch_ms(ts)::double' : `${c}::double`);
  const stats = [
    'count(*) AS rows',
    ...numeric.map(
      (c) =>
        `count(${c}) AS ${c}_count, count(*) - count(${c}) AS ${c}_nulls, min(${c}) AS ${c}_min, max(${c}) AS ${c}_max, avg(${num(c)}) AS ${c}_avg, stddev(${num(c)}) AS ${c}_std, approx_count_distinct(${c}) AS ${c}_distinct, approx_quantile(${num(c)}, [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) AS ${c}_q`,
    ),
    ...['action', 'device', 'region'].map((c) => `count(${c}) AS ${c}_count, count(*) - count(${c}) AS ${c}_nulls, min(${c}) AS ${c}_min, max(${c}) AS ${c}_max, approx_count_distinct(${c}) AS ${c}_distinct`),
  ].join(',\n  ');
  const statsSql = `SELECT ${stats} FROM read_parquet('${parquet}')`;
  // Out of order: ts earlier than the latest ts among the same user's earlier rows (input order).
  const oooSql = `SELECT count(*) AS out_of_order FROM (
    SELECT ts < max(ts) OVER (PARTITION BY user_id ORDER BY rn ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS late
    FROM (SELECT user_id, ts, row_number() OVER () AS rn FROM read_parquet('${parquet}'))) WHERE late`;
  const duck = async () => {
    const start = process.hrtime.bigint();
    await db.rows(statsSql);
    const ooo = await db.rows(oooSql);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { seconds, ooo: Number(ooo[0].out_of_order) };
  };

  // Warm both, then alternate.
  timeShell(scan(big));
  const check = await duck();
  const ours: number[] = [];
  const peer: number[] = [];
  const repeat = 3;
  for (let i = 0; i < repeat; i++) {
    if (i % 2 === 0) {
      ours.push(timeShell(scan(big)));
      peer.push((await duck()).seconds);
    } else {
      peer.push((await duck()).seconds);
      ours.push(timeShell(scan(big)));
    }
  }
  const oneThread = median([timeShell(scan(big, '--threads 1'))]);
  db.close();

  const rowsOut: BenchRow[] = [
    lowerIsBetter(`profile + temporal checks on ${(rows / 1e6).toFixed(0)}M events (s)`, median(ours), 'DuckDB: the same statistics + out-of-order window (SQL on Parquet)', median(peer), { text: '>= 1x DuckDB', min: 1, on: 'ratio' }, 's'),
    lowerIsBetter(`the same with --threads 1 (s)`, oneThread, 'DuckDB (as above)', median(peer), undefined, 's'),
  ];
  if (has('/usr/bin/time')) {
    const peakSmall = peakRss(scan(small));
    const peakBig = peakRss(scan(big));
    rowsOut.push({ metric: `peak RSS at 10x rows (${(rows / 1e6).toFixed(0)}M) / at 1x (${(rows / 1e7).toFixed(0)}M), same ${USERS} users`, recdata: peakBig / peakSmall, peer: null, peerName: null, ratio: null, target: { text: '<= 1.2', max: 1.2, on: 'value' }, met: peakBig / peakSmall <= 1.2, unit: 'x' });
    rowsOut.push({ metric: 'peak RSS at 10x rows (MiB)', recdata: peakBig / 1024, peer: null, peerName: null, ratio: null, unit: 'MiB' });
    rowsOut.push({ metric: 'peak RSS at 1x rows (MiB)', recdata: peakSmall / 1024, peer: null, peerName: null, ratio: null, unit: 'MiB' });
  }
  return {
    name: 'quality',
    title: 'quality-scan: one-pass profile and temporal checks against DuckDB',
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    scale: SCALE,
    rows: rowsOut,
    notes: [
      `input: gen events --events ${rows} --users ${USERS} --days 7 --seed 1 (${(fs.statSync(big).size / 1e9).toFixed(2)} GB Arrow IPC; DuckDB reads the same rows from a ${(fs.statSync(parquet).size / 1e6).toFixed(0)} MB Parquet file made by recdata export); medians of ${repeat} alternating runs, recdata's start-up included`,
      `recdata: quality-scan with four temporal checks (future_ts, out_of_order, duplicates, burst) and the full profile of all 7 columns per day (KLL, HyperLogLog++, space-saving, moments), JSON report; threads: ${os.availableParallelism()} (numeric columns' sketches in worker threads)`,
      `DuckDB (${os.availableParallelism()} threads): count, nulls, min, max, avg, stddev, approx_count_distinct, approx_quantile (7 quantiles) per numeric column, count/nulls/min/max/approx_count_distinct per categorical column, then the out-of-order count per user with a window over row_number() (found ${check.ooo} on clean data, as quality-scan)`,
    ],
  };
}

// seq-encode / seq-decode against the ways people store sorted behaviour logs, on
// `recdata gen events` (10M events x BENCH_SCALE) and MovieLens ratings (real
// data, ../shared/datasets): bytes of the seq stream beside DuckDB's Parquet
// (ZSTD) of the same events sorted by (user, ts), zstd -3 and -19 of the sorted
// Arrow IPC stream, and the zeroth-order entropy of the sorted columns (items and
// other columns as they are, ts as per-user deltas); encode and decode speed
// beside DuckDB writing and reading that Parquet.
// Targets: bytes <= 0.85x DuckDB Parquet-ZSTD on both; decode >= 1.5x DuckDB's
// read; encode >= 5M events/s.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ArrowReader } from '@recdata/core';
import { Type } from 'apache-arrow';
import { cachedFile, DATASETS, ROOT, duckdb, fileBytes, has, higherIsBetter, lowerIsBetter, machine, median, recdata, run, SCALE, timeShell, type BenchResult, type BenchRow } from './lib.ts';

interface Dataset {
  name: string;
  events: string;
  user: string;
  ts: string;
  encodeArgs: string;
}

/** Zeroth-order entropy in bytes of the sorted events: each column's values, ts as deltas within each user. */
async function entropyBytes(sorted: string, user: string, ts: string): Promise<{ total: number; parts: Record<string, number> }> {
  const counts = new Map<string, Map<unknown, number>>();
  const reader = await ArrowReader.open([sorted]);
  const names = reader.schema.fields.map((f) => f.name);
  let prevUser: unknown = undefined;
  let prevTs: bigint | number = 0;
  let n = 0;
  const key = (v: unknown) => (typeof v === 'bigint' ? (v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString()) : v);
  for await (const batch of reader) {
    const cols = names.map((name, i) => ({ name, data: batch.data.children[i], vector: batch.getChildAt(i)! }));
    for (const c of cols) {
      if (c.name === user) continue;
      let m = counts.get(c.name);
      if (!m) counts.set(c.name, (m = new Map()));
      const raw = c.data.type.typeId !== Type.Dictionary && c.data.type.typeId !== Type.Utf8 && c.data.values && (c.data.values as ArrayLike<unknown>).length === batch.numRows ? (c.data.values as ArrayLike<number | bigint>) : null;
      const userVec = cols.find((x) => x.name === user)!;
      const userRaw = userVec.data.values as ArrayLike<unknown>;
      for (let i = 0; i < batch.numRows; i++) {
        const valid = !c.data.nullBitmap || c.data.nullCount === 0 || (c.data.nullBitmap[(c.data.offset + i) >> 3] >> ((c.data.offset + i) & 7)) & 1;
        let v: unknown = !valid ? null : raw ? raw[i] : c.vector.get(i);
        if (c.name === ts) {
          const t = raw![i] as bigint | number;
          const u = userRaw ? userRaw[i] : userVec.vector.get(i);
          v = u === prevUser ? (typeof t === 'bigint' ? t - (prevTs as bigint) : t - (prevTs as number)) : 'first';
          prevUser = u;
          prevTs = t;
        }
        const k = key(v);
        m.set(k, (m.get(k) ?? 0) + 1);
      }
    }
    n += batch.numRows;
  }
  const parts: Record<string, number> = {};
  let total = 0;
  for (const [name, m] of counts) {
    let bits = 0;
    for (const c of m.values()) bits -= c * Math.log2(c / n);
    parts[name] = bits / 8;
    total += bits / 8;
  }
  return { total, parts };
}

async function measure(ds: Dataset, notes: string[]): Promise<BenchRow[]> {
  const dir = path.dirname(ds.events);
  const base = path.join(dir, `${ds.name}`);
  const seqs = `${base}.seq.arrow`;
  const sorted = `${base}.sorted.arrow`;
  const parquetIn = await cachedFile(`${ds.name}.input.parquet`, (f) => run(`${recdata(`export --format parquet --compression snappy "${ds.events}" -o "${f}"`)}`));
  run(`${recdata(`seq-encode ${ds.encodeArgs} "${ds.events}" -o "${seqs}"`)}`);
  run(`${recdata(`seq-decode "${seqs}" -o "${sorted}"`)}`);
  const events = (await countRows(sorted)) as number;
  const seqBytes = fileBytes(seqs);

  // DuckDB: load once, then time sorting + writing Parquet-ZSTD, and reading it back.
  const db = await duckdb();
  const duckParquet = `${base}.duckdb.parquet`;
  await db.run(`CREATE TABLE ev AS SELECT * FROM read_parquet('${parquetIn}')`);
  const write = await db.time(`COPY (SELECT * FROM ev ORDER BY "${ds.user}", "${ds.ts}") TO '${duckParquet}' (FORMAT parquet, COMPRESSION zstd)`, 3);
  const read = await db.time(`CREATE OR REPLACE TEMP TABLE back AS SELECT * FROM read_parquet('${duckParquet}')`, 3);
  db.close();
  const parquetBytes = fileBytes(duckParquet);

  // Our encode and decode, whole commands (start-up, reading and writing Arrow included).
  const encodeRuns: number[] = [];
  const decodeRuns: number[] = [];
  timeShell(`${recdata(`seq-encode ${ds.encodeArgs} "${ds.events}"`)} > /dev/null`);
  for (let i = 0; i < 3; i++) {
    encodeRuns.push(timeShell(`${recdata(`seq-encode ${ds.encodeArgs} "${ds.events}"`)} > /dev/null`));
    decodeRuns.push(timeShell(`${recdata(`seq-decode "${seqs}"`)} > /dev/null`));
  }
  const encode = median(encodeRuns);
  const decode = median(decodeRuns);

  const rows: BenchRow[] = [];
  const label = `${ds.name} (${events.toLocaleString('en-US')} events)`;
  rows.push(lowerIsBetter(`${label}: bytes, seq-encode vs DuckDB Parquet-ZSTD sorted by (user, ts)`, seqBytes, 'DuckDB Parquet ZSTD', parquetBytes, { text: '<= 0.85x DuckDB Parquet-ZSTD', min: 1 / 0.85, on: 'ratio' }, 'bytes'));
  if (has('zstd')) {
    const z3 = Number(timeShellOut(`zstd -3 -T0 -c "${sorted}" | wc -c`));
    const z19 = Number(timeShellOut(`zstd -19 -T0 -c "${sorted}" | wc -c`));
    rows.push(lowerIsBetter(`${label}: bytes, seq-encode vs zstd -3 of the sorted Arrow IPC stream`, seqBytes, 'zstd -3', z3, undefined, 'bytes'));
    rows.push(lowerIsBetter(`${label}: bytes, seq-encode vs zstd -19 of the sorted Arrow IPC stream`, seqBytes, 'zstd -19', z19, undefined, 'bytes'));
  } else notes.push('zstd not found: the zstd rows are left out');
  const h = await entropyBytes(sorted, ds.user, ds.ts);
  rows.push(lowerIsBetter(`${label}: bytes, seq-encode vs the zeroth-order entropy of the sorted columns (${Object.entries(h.parts).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')})`, seqBytes, 'zeroth-order entropy', Math.round(h.total), undefined, 'bytes'));
  rows.push(higherIsBetter(`${label}: encode events/s (seq-encode, whole command) vs DuckDB sort + write Parquet-ZSTD`, events / encode, 'DuckDB COPY ... ORDER BY ... TO parquet', events / write, { text: '>= 5M events/s', min: 5e6, on: 'value' }, 'events/s'));
  rows.push(higherIsBetter(`${label}: decode events/s (seq-decode to Arrow IPC, whole command) vs DuckDB reading the Parquet into a table`, events / decode, 'DuckDB read_parquet', events / read, { text: '>= 1.5x DuckDB read', min: 1.5, on: 'ratio' }, 'events/s'));
  notes.push(`${ds.name}: seq-encode ${ds.encodeArgs || '(defaults)'}: ${seqBytes} bytes (${((seqBytes * 8) / events).toFixed(2)} bits/event); DuckDB Parquet-ZSTD ${parquetBytes} bytes; encode ${encode.toFixed(2)} s, decode ${decode.toFixed(2)} s, DuckDB write ${write.toFixed(2)} s, read ${read.toFixed(2)} s`);
  return rows;
}

function timeShellOut(script: string): string {
  return execSync(script, { shell: '/bin/bash', maxBuffer: 1 << 20 }).toString().trim();
}

async function countRows(file: string): Promise<number> {
  let n = 0;
  for await (const b of await ArrowReader.open([file])) n += b.numRows;
  return n;
}

/** ../shared/datasets of the checkout, or of a folder above it (worktrees sit deeper). */
function datasets(): string {
  for (let dir = path.dirname(ROOT); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const p = path.join(dir, 'shared', 'datasets');
    if (fs.existsSync(p)) return p;
  }
  return DATASETS;
}

export default async function seqBenchmark(): Promise<BenchResult> {
  const notes: string[] = [];
  const rows: BenchRow[] = [];
  const n = Math.round(10_000_000 * SCALE);
  const gen = await cachedFile(`gen-events-${n}.arrow`, (f) => run(recdata(`gen events --events ${n} -o "${f}"`)));
  rows.push(...(await measure({ name: `gen-events-${n}`, events: gen, user: 'user_id', ts: 'ts', encodeArgs: '' }, notes)));
  const ratingsCsv = path.join(datasets(), 'movielens-latest-small', 'ratings.csv');
  if (fs.existsSync(ratingsCsv)) {
    const ratings = await cachedFile('movielens-ratings.arrow', (f) => run(recdata(`import --format csv "${ratingsCsv}" -o "${f}"`)));
    rows.push(...(await measure({ name: 'movielens-ratings', events: ratings, user: 'userId', ts: 'timestamp', encodeArgs: '--user userId --ts timestamp' }, notes)));
  } else notes.push(`MovieLens rows left out: ${ratingsCsv} is absent`);
  notes.push('bytes: whole files (the seq stream includes its schema metadata: the input schema and the per-stream tables); DuckDB reads the same events from a Parquet copy and writes them sorted; times are medians of 3 runs after a warm-up, each recdata run a whole command with start-up');
  return { name: 'seq', title: 'seq-encode / seq-decode: bytes and speed against DuckDB Parquet, zstd and the entropy', date: new Date().toISOString().slice(0, 10), machine: machine(), scale: SCALE, rows, notes };
}

// `recdata import --format csv` against DuckDB's read_csv on the same file, both on
// this machine's cores: MovieLens ratings repeated to about 100 MB, and the CSV
// export of `recdata gen events` (strings and timestamps).
import fs from 'node:fs';
import path from 'node:path';
import { cachedFile, DATASETS, duckdb, fileBytes, higherIsBetter, machine, mb, median, recdata, run, SCALE, timeShell, type BenchResult } from './lib.ts';

const EVENT_TYPES = 'user_id:uint64,item_id:uint64,ts:timestamp[ms],action:dict,duration_ms:uint32,device:dict,region:dict';

async function ratingsCsv(): Promise<string | null> {
  const source = path.join(DATASETS, 'movielens-latest-small', 'ratings.csv');
  if (!fs.existsSync(source)) return null;
  const copies = Math.max(1, Math.round(40 * SCALE));
  return cachedFile(`ratings-x${copies}.csv`, (file) => {
    const text = fs.readFileSync(source, 'utf8');
    const newline = text.indexOf('\n') + 1;
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, text.slice(0, newline));
    for (let i = 0; i < copies; i++) fs.writeSync(fd, text.slice(newline));
    fs.closeSync(fd);
  });
}

async function eventsCsv(): Promise<string> {
  const events = Math.round(2_000_000 * SCALE);
  return cachedFile(`events-${events}.csv`, (file) => run(`${recdata(`gen events --events ${events} --seed 1`)} | ${recdata('export --format csv')} > "${file}"`));
}

async function compare(label: string, file: string, types: string | null, db: Awaited<ReturnType<typeof duckdb>>) {
  const bytes = fileBytes(file);
  const typeFlag = types ? ` --types '${types}'` : '';
  const ours: number[] = [];
  const theirs: number[] = [];
  const sql = `CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('${file}')`;
  await db.run(sql); // warm
  timeShell(`${recdata(`import --format csv${typeFlag}`)} "${file}" > /dev/null`);
  for (let i = 0; i < 5; i++) {
    ours.push(timeShell(`${recdata(`import --format csv${typeFlag}`)} "${file}" > /dev/null`));
    const start = process.hrtime.bigint();
    await db.run(sql);
    theirs.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return higherIsBetter(`${label}: CSV import (MB/s)`, mb(bytes) / median(ours), "DuckDB read_csv into a table", mb(bytes) / median(theirs), undefined, 'MB/s');
}

export default async function importBenchmark(): Promise<BenchResult> {
  const db = await duckdb();
  const rows = [];
  const notes: string[] = [];
  try {
    const ratings = await ratingsCsv();
    if (ratings) {
      rows.push(await compare(`MovieLens ratings x${Math.max(1, Math.round(40 * SCALE))} (${(fileBytes(ratings) / 1e6).toFixed(0)} MB)`, ratings, null, db));
    } else notes.push('MovieLens ratings.csv is absent: that row is skipped');
    const events = await eventsCsv();
    rows.push(await compare(`gen events as CSV (${(fileBytes(events) / 1e6).toFixed(0)} MB)`, events, EVENT_TYPES, db));
  } finally {
    db.close();
  }
  notes.push(
    'recdata runs as a process (start-up included, about 0.3-0.5 s) writing an Arrow stream to /dev/null; DuckDB runs in process on all cores (threads = cores), materialising a table; medians of 5 alternating runs',
    'recdata parses on one thread (a byte-level tokenizer; csv-parse is the reference implementation in its tests)',
  );
  return { name: 'import', title: 'CSV import: recdata import against DuckDB read_csv', date: new Date().toISOString().slice(0, 10), machine: machine(), scale: SCALE, rows, notes };
}

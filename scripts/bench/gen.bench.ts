// `recdata gen events` throughput (target: at least 3M events/s on this machine,
// start-up included), with DuckDB generating a table of the same shape from
// random() for context.
import { duckdb, higherIsBetter, machine, median, recdata, SCALE, timeShell, type BenchResult } from './lib.ts';

export default async function genBenchmark(): Promise<BenchResult> {
  const events = Math.round(10_000_000 * SCALE);
  const ours: number[] = [];
  for (let i = 0; i < 3; i++) ours.push(timeShell(`${recdata(`gen events --events ${events} --seed ${i + 1}`)} > /dev/null`));
  const db = await duckdb();
  let theirs: number;
  try {
    theirs = await db.time(
      `CREATE OR REPLACE TABLE e AS SELECT (random() * 10000)::UBIGINT AS user_id, (random() * 100000)::UBIGINT AS item_id,
         TIMESTAMP '2026-11-01' + to_milliseconds((random() * 86400000)::BIGINT) AS ts,
         (['impression','click','play','finish','like','share','comment','follow'])[1 + (random() * 7)::INT] AS action,
         (random() * 20000)::UINTEGER AS duration_ms, (['ios','android','web','tv'])[1 + (random() * 3)::INT] AS device,
         (['us','eu','br','in','id','jp'])[1 + (random() * 5)::INT] AS region
       FROM range(${events})`,
      3,
    );
  } finally {
    db.close();
  }
  return {
    name: 'gen',
    title: 'recdata gen events throughput',
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    scale: SCALE,
    rows: [higherIsBetter(`gen events --events ${events} > /dev/null (events/s)`, events / median(ours), 'DuckDB: a random table of the same shape', events / theirs, { text: '>= 3M events/s', min: 3e6, on: 'value' }, 'events/s')],
    notes: [
      'recdata: a process writing the Arrow stream to /dev/null, start-up included (median of 3 seeds); DuckDB: in process, uniform random columns (no Zipf, sessions or per-user order), materialised as a table: context, not an equivalent',
    ],
  };
}

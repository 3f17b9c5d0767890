import { Bool, DateDay, Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { batchStream, column, errors, inTransaction, makeBatch, openDatabase, utf8Column, type BatchStream, type Database } from '@recdata/core';
import { fmt } from './evaluate.js';
import { formatDay, parseDay } from './registry/dates.js';
import { USE_KINDS } from './refs/kinds.js';
import { columns } from './report/table.js';
import type { AuditReport } from './run.js';

/** PRAGMA application_id of a strategy-audit history file: "RDSA". */
export const HISTORY_APPLICATION_ID = 0x52445341;

const SCHEMA = [
  `create table runs (
     run_id integer primary key,
     created_at text not null,
     as_of text not null,
     window_days integer not null,
     confidence real not null,
     registry text not null,
     params text not null
   )`,
  `create table results (
     run_id integer not null references runs(run_id),
     strategy_id text not null,
     decision text not null,
     reasons text not null,
     metric text not null,
     lift real, ci_low real, ci_high real,
     rel_lift real, rel_ci_low real, rel_ci_high real,
     roi real, roi_ci_low real, roi_ci_high real,
     srm_p real,
     stale integer not null,
     decaying integer not null,
     review_due text not null,
     past_review integer not null,
     uses integer,
     primary key (run_id, strategy_id)
   )`,
  'create index results_by_strategy on results (strategy_id, run_id)',
];

export function openHistory(file: string, create: boolean): Database {
  return openDatabase(file, { applicationId: HISTORY_APPLICATION_ID, kind: 'strategy-audit history', create, init: SCHEMA, readonly: !create });
}

const finite = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

/** Appends one run (all strategies) in one transaction; returns its run id. */
export function recordRun(db: Database, report: AuditReport, params: Record<string, unknown>, createdAt = new Date()): number {
  const r = report.result;
  return inTransaction(db, () => {
    const run = db
      .prepare('insert into runs (created_at, as_of, window_days, confidence, registry, params) values (?, ?, ?, ?, ?, ?)')
      .run(createdAt.toISOString(), formatDay(r.asOf), r.windowDays, r.confidence, report.registry.file, JSON.stringify(params));
    const runId = Number(run.lastInsertRowid);
    const insert = db.prepare(
      `insert into results (run_id, strategy_id, decision, reasons, metric, lift, ci_low, ci_high, rel_lift, rel_ci_low, rel_ci_high,
         roi, roi_ci_low, roi_ci_high, srm_p, stale, decaying, review_due, past_review, uses)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const e of r.evaluations) {
      const eff = e.primary.effect;
      const uses = report.refs ? report.refs.references.filter((x) => x.strategyId === e.strategy.id && USE_KINDS.includes(x.kind)).length : null;
      insert.run(
        runId,
        e.strategy.id,
        e.decision,
        JSON.stringify(e.reasons),
        e.strategy.primaryMetric,
        finite(eff?.lift),
        finite(eff?.ci[0]),
        finite(eff?.ci[1]),
        finite(eff?.relLift),
        finite(eff?.relCi[0]),
        finite(eff?.relCi[1]),
        finite(e.roi?.value),
        finite(e.roi?.ci[0]),
        finite(e.roi?.ci[1]),
        finite(e.srm?.pValue),
        e.stale ? 1 : 0,
        e.decay.decaying ? 1 : 0,
        formatDay(e.reviewDue),
        e.pastReview ? 1 : 0,
        uses,
      );
    }
    return runId;
  });
}

export interface HistoryRow {
  run_id: number;
  created_at: string;
  as_of: string;
  strategy_id: string;
  decision: string;
  reasons: string;
  metric: string;
  lift: number | null;
  ci_low: number | null;
  ci_high: number | null;
  rel_lift: number | null;
  rel_ci_low: number | null;
  rel_ci_high: number | null;
  roi: number | null;
  roi_ci_low: number | null;
  roi_ci_high: number | null;
  srm_p: number | null;
  stale: number;
  decaying: number;
  review_due: string;
  past_review: number;
  uses: number | null;
}

/** The runs of one strategy (or all), oldest first; `limit` keeps the last N runs. */
export function readHistory(db: Database, strategy?: string, limit?: number): HistoryRow[] {
  const runs = limit ? (db.prepare('select run_id from runs order by run_id desc limit ?').all(limit) as { run_id: number }[]).map((r) => r.run_id) : null;
  const rows = db
    .prepare(
      `select r.run_id, r.created_at, r.as_of, x.strategy_id, x.decision, x.reasons, x.metric, x.lift, x.ci_low, x.ci_high, x.rel_lift, x.rel_ci_low, x.rel_ci_high,
              x.roi, x.roi_ci_low, x.roi_ci_high, x.srm_p, x.stale, x.decaying, x.review_due, x.past_review, x.uses
         from results x join runs r on r.run_id = x.run_id
        where (? is null or x.strategy_id = ?)
        order by x.strategy_id, r.run_id`,
    )
    .all(strategy ?? null, strategy ?? null) as HistoryRow[];
  const filtered = runs ? rows.filter((r) => runs.includes(r.run_id)) : rows;
  if (strategy !== undefined && filtered.length === 0) {
    const known = (db.prepare('select count(*) as n from results where strategy_id = ?').get(strategy) as { n: number }).n;
    if (known === 0) throw errors.badFlagValue('strategy', 'a strategy recorded in the history', strategy);
  }
  return filtered;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${fmt(x * 100, 3)}%`);

/** The trend as text: one line per run, then how long each strategy has held its current decision. */
export function historyTable(rows: HistoryRow[]): string {
  if (rows.length === 0) return 'no runs recorded\n';
  const table = columns(
    ['run', 'as of', 'strategy', 'decision', 'rel. lift [CI]', 'ROI/day [CI]', 'stale', 'decays'],
    rows.map((r) => [
      String(r.run_id),
      r.as_of,
      r.strategy_id,
      r.decision,
      r.rel_lift === null ? 'n/a' : `${pct(r.rel_lift)} [${pct(r.rel_ci_low)}, ${pct(r.rel_ci_high)}]`,
      r.roi === null ? 'n/a' : `${fmt(r.roi, 3)} [${fmt(r.roi_ci_low, 3)}, ${fmt(r.roi_ci_high, 3)}]`,
      r.stale ? 'yes' : 'no',
      r.decaying ? 'yes' : 'no',
    ]),
  );
  const out = [table, '\n'];
  const byStrategy = new Map<string, HistoryRow[]>();
  for (const r of rows) byStrategy.set(r.strategy_id, [...(byStrategy.get(r.strategy_id) ?? []), r]);
  for (const [id, list] of byStrategy) {
    const last = list[list.length - 1];
    let k = list.length - 1;
    while (k > 0 && list[k - 1].decision === last.decision) k--;
    const held = list.length - k;
    const trend = list.length > 1 && list[0].rel_lift !== null && last.rel_lift !== null ? `; lift ${pct(list[0].rel_lift)} (as of ${list[0].as_of}) -> ${pct(last.rel_lift)}` : '';
    out.push(`${id}: ${last.decision} in the last ${held} run${held === 1 ? '' : 's'} (since ${list[k].as_of})${trend}\n`);
  }
  return out.join('');
}

export function historyJson(rows: HistoryRow[]): string {
  return (
    JSON.stringify(
      { runs: rows.map((r) => ({ ...r, reasons: JSON.parse(r.reasons) as string[], stale: r.stale === 1, decaying: r.decaying === 1, past_review: r.past_review === 1 })) },
      null,
      2,
    ) + '\n'
  );
}

export const HISTORY_SCHEMA = new Schema([
  new Field('run_id', new Int32(), false),
  new Field('created_at', new Utf8(), false),
  new Field('as_of', new DateDay(), false),
  new Field('strategy_id', new Utf8(), false),
  new Field('decision', new Utf8(), false),
  new Field('rel_lift', new Float64(), true),
  new Field('rel_ci_low', new Float64(), true),
  new Field('rel_ci_high', new Float64(), true),
  new Field('roi', new Float64(), true),
  new Field('stale', new Bool(), false),
  new Field('decaying', new Bool(), false),
]);

export function historyArrow(rows: HistoryRow[]): BatchStream {
  const n = rows.length;
  const f = (pick: (r: HistoryRow) => number | null) => {
    const data = new Float64Array(n);
    const valid = new Uint8Array((n + 7) >> 3);
    rows.forEach((r, i) => {
      const v = pick(r);
      if (v !== null) {
        data[i] = v;
        valid[i >> 3] |= 1 << (i & 7);
      }
    });
    return column.float64(data, valid);
  };
  const b = (pick: (r: HistoryRow) => boolean) => {
    const bits = new Uint8Array((n + 7) >> 3);
    rows.forEach((r, i) => {
      if (pick(r)) bits[i >> 3] |= 1 << (i & 7);
    });
    return column.bool(bits, n);
  };
  const batch = makeBatch(HISTORY_SCHEMA, [
    column.int32(Int32Array.from(rows.map((r) => r.run_id))),
    utf8Column(rows.map((r) => r.created_at)),
    column.fixed(new DateDay(), Int32Array.from(rows.map((r) => parseDay(r.as_of)!)), n),
    utf8Column(rows.map((r) => r.strategy_id)),
    utf8Column(rows.map((r) => r.decision)),
    f((r) => r.rel_lift),
    f((r) => r.rel_ci_low),
    f((r) => r.rel_ci_high),
    f((r) => r.roi),
    b((r) => r.stale === 1),
    b((r) => r.decaying === 1),
  ]);
  return batchStream(HISTORY_SCHEMA, n > 0 ? [batch] : []);
}

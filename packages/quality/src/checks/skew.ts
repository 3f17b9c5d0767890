import path from 'node:path';
import { Type, type DataType, type RecordBatch, type Schema } from 'apache-arrow';
import { ArrowReader, errors, makeTempDir, openDatabase, removeTempDir, requireColumn, typeName, type Database } from '@recdata/core';
import { columnKind, displayValue } from '../columns/values.js';
import { statusFor, type CheckResult } from './result.js';
import type { BatchContext, Runner } from './runner.js';
import type { CheckSpec, SkewSpec } from './spec.js';

const APPLICATION_ID = 0x51534b57; // "QSKW"
const EXAMPLES = 5;

/**
 * Training-serving skew: the input (training rows) and --serving FILE joined on
 * --join-key. Both sides go into a temporary SQLite database (bounded memory: SQLite
 * pages to disk), keyed by the join key (the first row of a key wins; later ones
 * are counted as duplicate keys). For each feature both sides share: the share of
 * matched rows whose values differ — exactly for integers, strings, booleans and
 * times, within `tolerance` for floats (|a - b| <= tolerance × max(1, |a|, |b|));
 * null equals null (NaN is stored as null). Plus the rows present on one side only.
 */
export class SkewRunner implements Runner {
  readonly spec: CheckSpec;
  private readonly dir: string;
  private readonly db: Database;
  private readonly keyIndex: number;
  private readonly features: { name: string; index: number; float: boolean; type: string }[];
  private readonly skipped: { name: string; reason: string }[] = [];
  private insertTraining: ReturnType<Database['prepare']>;
  private trainingRows = 0;
  private trainingDuplicates = 0;
  private trainingNullKeys = 0;

  constructor(
    private readonly settings: SkewSpec,
    private readonly servingFile: string,
    servingSchema: Schema,
    schema: Schema,
    private readonly joinKey: string,
    file: string | null,
  ) {
    this.spec = { id: 'skew', kind: 'drift', severity: settings.severity, file, line: settings.line, keyLines: {} };
    this.keyIndex = requireColumn(schema, joinKey);
    const servingKey = servingSchema.fields.find((f) => f.name === joinKey);
    if (!servingKey) throw errors.missingColumn(joinKey, servingSchema.fields.map((f) => f.name));
    checkSameType(joinKey, schema.fields[this.keyIndex].type, servingKey.type);
    const shared = schema.fields.filter((f) => f.name !== joinKey && servingSchema.fields.some((g) => g.name === f.name)).map((f) => f.name);
    const names = settings.features ?? shared;
    this.features = [];
    for (const name of names) {
      const i = schema.fields.findIndex((f) => f.name === name);
      const j = servingSchema.fields.findIndex((f) => f.name === name);
      if (i < 0 || j < 0) {
        throw errors.usage(`skew feature "${name}" is missing from the ${i < 0 ? 'input' : `serving file ${servingFile}`}`, file && settings.line ? { file, line: settings.line } : undefined);
      }
      const t = schema.fields[i].type;
      checkSameType(name, t, servingSchema.fields[j].type);
      if (columnKind(t) === 'other' && t.typeId !== Type.Bool) {
        this.skipped.push({ name, reason: `${typeName(t)} values are not compared` });
        continue;
      }
      this.features.push({ name, index: i, float: t.typeId === Type.Float, type: typeName(t) });
    }
    this.dir = makeTempDir('skew');
    this.db = openDatabase(path.join(this.dir, 'skew.sqlite'), { applicationId: APPLICATION_ID, kind: 'skew join', create: true });
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    const cols = this.features.map((_, k) => `f${k}`);
    for (const t of ['t', 's']) this.db.exec(`CREATE TABLE ${t} (k PRIMARY KEY${cols.map((c) => `, ${c}`).join('')}) WITHOUT ROWID`);
    this.insertTraining = this.db.prepare(`INSERT OR IGNORE INTO t VALUES (?${cols.map(() => ', ?').join('')})`);
  }

  add(batch: RecordBatch, _firstRow: number, _ctx: BatchContext): void {
    const r = insertBatch(this.db, this.insertTraining, batch, this.keyIndex, this.features.map((f) => f.index));
    this.trainingRows += r.rows;
    this.trainingDuplicates += r.duplicates;
    this.trainingNullKeys += r.nullKeys;
  }

  async finish(): Promise<CheckResult[]> {
    try {
      const reader = await ArrowReader.open([this.servingFile]);
      const keyIndex = requireColumn(reader.schema, this.joinKey);
      const indices = this.features.map((f) => requireColumn(reader.schema, f.name));
      const insert = this.db.prepare(`INSERT OR IGNORE INTO s VALUES (?${this.features.map(() => ', ?').join('')})`);
      let servingRows = 0;
      let servingDuplicates = 0;
      let servingNullKeys = 0;
      for await (const batch of reader) {
        const r = insertBatch(this.db, insert, batch, keyIndex, indices);
        servingRows += r.rows;
        servingDuplicates += r.duplicates;
        servingNullKeys += r.nullKeys;
      }
      const one = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
      const matched = one('SELECT count(*) AS n FROM t JOIN s USING (k)');
      const onlyTraining = one('SELECT count(*) AS n FROM t WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.k = t.k)');
      const onlyServing = one('SELECT count(*) AS n FROM s WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.k = s.k)');
      const tol = this.settings.tolerance;
      const results: CheckResult[] = [];
      const sev = this.settings.severity;
      const total = matched + onlyTraining + onlyServing;
      const unmatchedRate = total > 0 ? (onlyTraining + onlyServing) / total : 0;
      results.push({
        id: 'skew:rows',
        kind: 'skew',
        column: this.joinKey,
        metric: 'unmatched_rate',
        value: total > 0 ? unmatchedRate : null,
        threshold: this.settings.maxUnmatchedRate,
        status: total === 0 ? 'skip' : statusFor(unmatchedRate > this.settings.maxUnmatchedRate, sev),
        detail: {
          serving: this.servingFile,
          matched,
          only_in_training: onlyTraining,
          only_in_serving: onlyServing,
          training_rows: this.trainingRows,
          serving_rows: servingRows,
          duplicate_keys_training: this.trainingDuplicates,
          duplicate_keys_serving: servingDuplicates,
          null_keys_training: this.trainingNullKeys,
          null_keys_serving: servingNullKeys,
          examples_only_in_training: this.db.prepare(`SELECT k FROM t WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.k = t.k) ORDER BY k LIMIT ${EXAMPLES}`).all().map((r) => (r as { k: unknown }).k),
          examples_only_in_serving: this.db.prepare(`SELECT k FROM s WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.k = s.k) ORDER BY k LIMIT ${EXAMPLES}`).all().map((r) => (r as { k: unknown }).k),
        },
        severity: sev,
      });
      this.features.forEach((f, k) => {
        const c = `f${k}`;
        const equal = f.float
          ? `(t.${c} IS s.${c} OR (t.${c} IS NOT NULL AND s.${c} IS NOT NULL AND abs(t.${c} - s.${c}) <= ${tol} * max(1.0, abs(t.${c}), abs(s.${c}))))`
          : `(t.${c} IS s.${c})`;
        const mismatches = one(`SELECT count(*) AS n FROM t JOIN s USING (k) WHERE NOT ${equal}`);
        const rate = matched > 0 ? mismatches / matched : 0;
        const examples = this.db.prepare(`SELECT t.k AS key, t.${c} AS training, s.${c} AS serving FROM t JOIN s USING (k) WHERE NOT ${equal} ORDER BY t.k LIMIT ${EXAMPLES}`).all();
        results.push({
          id: `skew:${f.name}`,
          kind: 'skew',
          column: f.name,
          metric: 'mismatch_rate',
          value: matched > 0 ? rate : null,
          threshold: this.settings.maxMismatchRate,
          status: matched === 0 ? 'skip' : statusFor(rate > this.settings.maxMismatchRate, sev),
          detail: { type: f.type, matched, mismatches, comparison: f.float ? `|a - b| <= ${tol} * max(1, |a|, |b|)` : 'exact', examples },
          severity: sev,
        });
      });
      for (const s of this.skipped) {
        results.push({ id: `skew:${s.name}`, kind: 'skew', column: s.name, metric: 'mismatch_rate', value: null, threshold: this.settings.maxMismatchRate, status: 'skip', detail: { reason: s.reason }, severity: sev });
      }
      return results;
    } finally {
      this.db.close();
      removeTempDir(this.dir);
    }
  }
}

function checkSameType(name: string, training: DataType, serving: DataType): void {
  const a = typeName(training);
  const b = typeName(serving);
  if (a !== b) throw errors.schemaMismatch(`column "${name}" is ${a} in the input but ${b} in the serving file`, { column: name });
}

function sqlValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isNaN(v)) return null;
  return v;
}

function insertBatch(db: Database, stmt: ReturnType<Database['prepare']>, batch: RecordBatch, keyIndex: number, indices: number[]): { rows: number; duplicates: number; nullKeys: number } {
  const children = batch.data.children;
  const keyData = children[keyIndex];
  let duplicates = 0;
  let nullKeys = 0;
  const params: unknown[] = new Array(indices.length + 1);
  db.transaction(() => {
    for (let i = 0; i < batch.numRows; i++) {
      const key = displayValue(keyData, i);
      if (key === null) {
        nullKeys++;
        continue;
      }
      params[0] = sqlValue(key);
      for (let j = 0; j < indices.length; j++) params[j + 1] = sqlValue(displayValue(children[indices[j]], i));
      if ((stmt.run as (...a: unknown[]) => { changes: number }).apply(stmt, params).changes === 0) duplicates++;
    }
  })();
  return { rows: batch.numRows, duplicates, nullKeys };
}

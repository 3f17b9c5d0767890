// A cross-check on 100k generated rows against DuckDB computing the same thing in
// SQL: the statistics fit learns (mean, population std, min, max, vocabulary) and
// the transforms (normalize, minmax, log1p, clip, bucketize, fill_missing, the
// bucket arithmetic of hash_bucket) equal under the float rule: given the same
// statistics, DuckDB's float64 expression cast to FLOAT gives the same float32.
// DuckDB has no XXH64, so for hash_bucket it is given dpu-hash's 64-bit hashes
// and takes them mod M. Rules where DuckDB differs (NaN sorts above +Inf in DuckDB)
// are spelled out with CASE, as docs/featurize-ops.md writes them.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { Float64, Int32, Int64, Utf8 } from 'apache-arrow';
import { hashValuesSync } from '@recdata/hash';
import { fit, kllRankError, type FitResult, type FillState, type MinmaxState, type NormalizeState } from '../src/index.ts';
import { jsHashExecutor } from '../src/hashing.ts';
import { batchOf, nativeBackends, prng, spec, streamOf, transformBatches } from './helpers.ts';

const ROWS = 100_000;
const SPEC = `features:
  - { name: x_z, op: normalize, input: x }
  - { name: x_mm, op: minmax, input: x }
  - { name: n_log, op: log1p, input: n }
  - { name: x_clip, op: clip, input: x, min: -1, max: 1 }
  - { name: x_b, op: bucketize, input: x, boundaries: [-10, -1, 0, 0.5, 10] }
  - { name: x_fill, op: fill_missing, input: x, strategy: mean }
  - { name: x_med, op: fill_missing, input: x, strategy: median }
  - { name: n_hash, op: hash_bucket, input: n, buckets: 1000 }
  - { name: w_code, op: categorify, input: w, oov_buckets: 4 }
`;

let duck: { rows(sql: string): Promise<Record<string, unknown>[]>; close(): void } | null = null;
let skip: string | false = false;
try {
  createRequire(import.meta.url).resolve('@duckdb/node-api');
} catch {
  skip = '@duckdb/node-api is not installed';
}

function data() {
  const r = prng(2024);
  const x: (number | null)[] = [];
  const n: (number | null)[] = [];
  const w: (string | null)[] = [];
  for (let i = 0; i < ROWS; i++) {
    const u = r();
    x.push(u < 0.03 ? null : u < 0.04 ? [NaN, Infinity, -Infinity][i % 3] : (r() - 0.4) * 40 * r());
    n.push(r() < 0.02 ? null : Math.floor(r() ** 3 * 1e6));
    w.push(r() < 0.01 ? null : `w${Math.floor(r() ** 2 * 500)}`);
  }
  return { x, n, w };
}

const same = (a: unknown, b: unknown) => a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));

describe('against DuckDB SQL (100k rows)', { skip }, () => {
  const { x, n, w } = data();
  const batch = batchOf({
    id: { type: new Int64(), values: Array.from({ length: ROWS }, (_, i) => BigInt(i)) },
    x: { type: new Float64(), values: x },
    n: { type: new Int32(), values: n },
    w: { type: new Utf8(), values: w },
  });
  let fitted: FitResult;
  const state = (name: string) => fitted.states[fitted.bound.spec.features.findIndex((f) => f.name === name)];

  before(async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run('CREATE TABLE t (id BIGINT, x DOUBLE, n INTEGER, w VARCHAR, h UBIGINT)');
    const hashes = hashValuesSync(batch.getChild('n')!.data[0], { algorithm: 'xxh64' }, jsHashExecutor());
    const appender = await connection.createAppender('t');
    for (let i = 0; i < ROWS; i++) {
      appender.appendBigInt(BigInt(i));
      if (x[i] === null) appender.appendNull();
      else appender.appendDouble(x[i]!);
      if (n[i] === null) appender.appendNull();
      else appender.appendInteger(n[i]!);
      if (w[i] === null) appender.appendNull();
      else appender.appendVarchar(w[i]!);
      if (n[i] === null) appender.appendNull();
      else appender.appendUBigInt((hashes.values as BigUint64Array)[i]);
      appender.endRow();
    }
    appender.closeSync();
    duck = {
      async rows(sql: string) {
        return (await connection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
      },
      close() {
        connection.closeSync();
        instance.closeSync();
      },
    };
    fitted = await fit(streamOf([batch]), spec(SPEC));
  });
  after(() => duck?.close());

  it('fit learns what DuckDB computes: mean, population std, min, max (finite values), median within the sketch error', async () => {
    const [s] = await duck!.rows(`SELECT avg(x) AS mean, stddev_pop(x) AS std, min(x) AS lo, max(x) AS hi, count(x)::INTEGER AS n FROM t WHERE isfinite(x)`);
    const z = state('x_z') as NormalizeState;
    const mm = state('x_mm') as MinmaxState;
    assert.equal(z.count, s.n);
    assert.ok(Math.abs(z.mean - (s.mean as number)) <= 1e-12 * Math.abs(s.mean as number), `mean ${z.mean} vs DuckDB ${s.mean}`);
    assert.ok(Math.abs(z.std - (s.std as number)) <= 1e-12 * (s.std as number), `std ${z.std} vs DuckDB ${s.std}`);
    assert.equal(mm.min, s.lo);
    assert.equal(mm.max, s.hi);
    const med = (state('x_med') as FillState).fill;
    const [r] = await duck!.rows(`SELECT (count(*) FILTER (WHERE x <= '${med}'::DOUBLE))::DOUBLE / count(*) AS rank, quantile_disc(x, 0.5) AS exact FROM t WHERE isfinite(x)`);
    assert.ok(Math.abs((r.rank as number) - 0.5) <= kllRankError(2048), `the median's rank is ${r.rank} (DuckDB's exact median ${r.exact}, ours ${med})`);
  });

  for (const backend of nativeBackends()) {
    it(`transforms equal DuckDB's SQL given the same statistics (${backend})`, async () => {
      const z = state('x_z') as NormalizeState;
      const mm = state('x_mm') as MinmaxState;
      const mean = (state('x_fill') as FillState).fill;
      const d = (v: number) => `'${v}'::DOUBLE`;
      const expected = await duck!.rows(`SELECT
          ((x - ${d(z.mean)}) / ${d(z.std)})::FLOAT AS x_z,
          ((x - ${d(mm.min)}) / (${d(mm.max)} - ${d(mm.min)}))::FLOAT AS x_mm,
          ln(1 + n::DOUBLE)::FLOAT AS n_log,
          (CASE WHEN isnan(x) THEN x WHEN x < -1 THEN -1 WHEN x > 1 THEN 1 ELSE x END)::FLOAT AS x_clip,
          CASE WHEN x IS NULL THEN NULL WHEN isnan(x) THEN 5 ELSE (x >= -10)::BIGINT + (x >= -1)::BIGINT + (x >= 0)::BIGINT + (x >= 0.5)::BIGINT + (x >= 10)::BIGINT END AS x_b,
          (CASE WHEN x IS NULL OR isnan(x) THEN ${d(mean)} ELSE x END)::FLOAT AS x_fill,
          (h % 1000)::BIGINT AS n_hash
        FROM t ORDER BY id`);
      const out = await transformBatches(fitted, [batch], { backend });
      const table = out[0];
      for (const name of ['x_z', 'x_mm', 'n_log', 'x_clip', 'x_b', 'x_fill', 'n_hash']) {
        const col = table.getChild(name)!;
        let mismatches = 0;
        let first = '';
        for (let i = 0; i < ROWS; i++) {
          const ours = col.get(i);
          const theirs = expected[i][name];
          const a = typeof ours === 'bigint' ? Number(ours) : ours;
          const b = typeof theirs === 'bigint' ? Number(theirs) : theirs;
          if (!same(a, b)) {
            mismatches++;
            first ||= `row ${i}: ours ${a}, DuckDB ${b}`;
          }
        }
        assert.equal(mismatches, 0, `${name}: ${mismatches} rows differ, first ${first}`);
      }
    });
  }

  it('the vocabulary is DuckDB GROUP BY ordered by count descending, then value', async () => {
    const vocab = await duck!.rows(`SELECT w, 6 + row_number() OVER (ORDER BY count(*) DESC, w) - 1 AS code FROM t WHERE w IS NOT NULL GROUP BY w ORDER BY code`);
    const out = (await transformBatches(fitted, [batch], { backend: 'js' }))[0];
    const codes = out.getChild('w_code')!;
    const byWord = new Map(vocab.map((v) => [v.w as string, Number(v.code)]));
    for (let i = 0; i < ROWS; i++) {
      const expected = w[i] === null ? 1 : byWord.get(w[i]!)!;
      assert.equal(Number(codes.get(i)), expected, `row ${i} (${w[i]})`);
    }
  });
});

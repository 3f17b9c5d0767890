import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateDay, Dictionary, Float32, Float64, Int32, Int64, makeVector, Table, Utf8, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { batchStream, collect, RecdataError } from '@recdata/core';
import { generateStrategyMetrics, parseDay, readMetrics } from '../src/index.ts';

const D0 = parseDay('2026-06-01')!;

type Columns = Record<string, { type: DataType; values: unknown[] }>;

function rows(n = 4): Columns {
  return {
    strategy_id: { type: new Utf8(), values: Array(n).fill('s') },
    date: { type: new DateDay(), values: Array.from({ length: n }, (_, i) => D0 + (i >> 1)) },
    arm: { type: new Utf8(), values: Array.from({ length: n }, (_, i) => (i % 2 ? 'control' : 'treatment')) },
    metric: { type: new Utf8(), values: Array(n).fill('watch') },
    n: { type: new Int64(), values: Array(n).fill(100n) },
    sum: { type: new Float64(), values: Array(n).fill(3000) },
    sum_sq: { type: new Float64(), values: Array(n).fill(150000) },
  };
}

function vector(type: DataType, values: unknown[]): Vector {
  if (type instanceof DateDay) return makeVector({ type, data: Int32Array.from(values as number[]) });
  return vectorFromArray(values, type);
}

function stream(cols: Columns) {
  const table = new Table(Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, vector(c.type, c.values)])));
  return batchStream(table.schema, table.batches);
}

async function failure(cols: Columns): Promise<RecdataError> {
  try {
    await readMetrics(stream(cols), 'm.arrow');
  } catch (e) {
    assert.ok(e instanceof RecdataError, String(e));
    return e;
  }
  assert.fail('expected the metrics to be rejected');
}

describe('metrics stream', () => {
  it('reads daily totals per strategy, metric, day and arm', async () => {
    const m = await readMetrics(stream(rows()), 'm.arrow');
    const s = m.byStrategy.get('s')!.get('watch')!;
    assert.equal(s.kind, 'mean');
    assert.deepEqual(s.days.get(D0 + 1)!.control, { n: 100, sum: 3000, sumSq: 150000 });
    assert.equal(m.rows, 4);
    assert.equal(m.firstDay, D0);
    assert.equal(m.lastDay, D0 + 1);
  });

  it('accepts dictionary-encoded names, other integer widths for n and float32 sums', async () => {
    const cols = rows();
    cols.arm = { type: new Dictionary(new Utf8(), new Int32()), values: cols.arm.values };
    cols.n = { type: new Int32(), values: [100, 100, 100, 100] };
    cols.sum = { type: new Float32(), values: cols.sum.values };
    const m = await readMetrics(stream(cols), 'm.arrow');
    assert.equal(m.byStrategy.get('s')!.get('watch')!.days.get(D0)!.treatment!.n, 100);
  });

  it('a stream with missing or mistyped columns is exit 65 naming every one', async () => {
    const cols = rows();
    delete (cols as Partial<Columns>).sum_sq;
    cols.n = { type: new Float64(), values: [1, 2, 3, 4] };
    cols.date = { type: new Utf8(), values: ['a', 'b', 'c', 'd'] };
    const e = await failure(cols);
    assert.equal(e.exitCode, 65);
    assert.match(e.describe(), /^metrics stream: column "date" has type utf8, expected date32; column "n" has type float64, expected int64; missing column "sum_sq" \(float64\); the stream has: .* \(m.arrow\)$/);
    const ratio = rows();
    ratio.den_sum = { type: new Float64(), values: [1, 2, 3, 4] };
    assert.match((await failure(ratio)).message, /missing column "den_sum_sq" \(float64; ratio metrics need den_sum, den_sum_sq and num_den_sum\); missing column "num_den_sum"/);
  });

  it('bad values are exit 65 with the row', async () => {
    const arm = rows();
    arm.arm.values[2] = 'variant_b';
    assert.equal((await failure(arm)).describe(), 'metrics stream: expected arm treatment or control, got "variant_b" (m.arrow, column arm, row 2)');
    const dup = rows();
    dup.date.values[2] = D0;
    assert.equal((await failure(dup)).describe(), 'metrics stream: a second row for strategy "s", metric "watch", arm treatment on 2026-06-01 (one row per day and arm) (m.arrow, row 2)');
    const negative = rows();
    negative.n.values[3] = -5n;
    assert.match((await failure(negative)).describe(), /expected a count >= 0 in "n", got -5 \(m.arrow, column n, row 3\)/);
    const nul = rows();
    nul.metric.values[1] = null;
    assert.match((await failure(nul)).describe(), /null in required column "metric" \(m.arrow, column metric, row 1\)/);
    const nan = rows();
    nan.sum.values[0] = NaN;
    assert.match((await failure(nan)).describe(), /expected finite sum and sum_sq >= 0 \(m.arrow, column sum, row 0\)/);
  });

  it('a metric that is a ratio on some rows and a mean on others is exit 65', async () => {
    const cols = rows();
    cols.den_sum = { type: new Float64(), values: [10, null, 10, 10] };
    cols.den_sum_sq = { type: new Float64(), values: [100, null, 100, 100] };
    cols.num_den_sum = { type: new Float64(), values: [50, null, 50, 50] };
    assert.match((await failure(cols)).describe(), /metric "watch" of strategy "s" is a ratio metric in earlier rows but lacks den_sum here \(m.arrow, column den_sum, row 1\)/);
  });

  it('reads the generator’s stream back exactly (rows, kinds, days)', async () => {
    const g = generateStrategyMetrics({ strategies: 6, days: 10, seed: 4, start: D0, units: 1000, batchSize: 7 });
    const batches = await collect(g.stream);
    assert.equal(batches.length, Math.ceil((6 * 10 * 4) / 7));
    const m = await readMetrics(batchStream(g.stream.schema, batches), 'gen');
    assert.equal(m.rows, 240);
    assert.equal(m.byStrategy.size, 6);
    assert.equal(m.byStrategy.get('boost_followed_creators')!.get('ctr')!.kind, 'ratio');
    assert.equal(m.byStrategy.get('boost_fresh_videos')!.get('watch_minutes')!.days.size, 10);
    assert.equal(typeof batches[0].getChild('n')!.get(0), 'bigint');
    assert.deepEqual(
      g.stream.schema.fields.map((f) => `${f.name} ${f.type}`),
      ['strategy_id Utf8', 'date Date32<DAY>', 'arm Utf8', 'metric Utf8', 'n Int64', 'sum Float64', 'sum_sq Float64', 'den_sum Float64', 'den_sum_sq Float64', 'num_den_sum Float64'],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataType, Type } from 'apache-arrow';
import { ACTION_SHARES, ACTIONS, DEVICES, findDefects, REGIONS } from '@recdata/core/gen';
import { generate, ipcBytes } from './gen-helpers.ts';

const DAY = 86_400_000;

describe('gen events: shape and determinism', () => {
  it('has the documented schema and types', async () => {
    const { table } = await generate({ events: '1000' });
    const f = Object.fromEntries(table.schema.fields.map((x) => [x.name, x]));
    assert.deepEqual(table.schema.fields.map((x) => x.name), ['user_id', 'item_id', 'ts', 'action', 'duration_ms', 'device', 'region']);
    assert.ok(DataType.isInt(f.user_id.type) && f.user_id.type.bitWidth === 64 && !f.user_id.type.isSigned);
    assert.ok(DataType.isInt(f.item_id.type) && f.item_id.type.bitWidth === 64 && !f.item_id.type.isSigned);
    assert.equal(f.ts.type.typeId, Type.Timestamp);
    assert.equal(f.ts.type.unit, 1 /* MILLISECOND */);
    assert.equal(f.ts.type.timezone ?? null, null);
    assert.ok(DataType.isInt(f.duration_ms.type) && f.duration_ms.type.bitWidth === 32 && !f.duration_ms.type.isSigned);
    for (const name of ['action', 'device', 'region']) {
      assert.ok(DataType.isDictionary(f[name].type), name);
      assert.equal(f[name].type.indices.bitWidth, 32);
      assert.equal(f[name].type.dictionary.typeId, Type.Utf8);
    }
    assert.equal(f.item_id.nullable, true);
    assert.equal(f.user_id.nullable, false);
  });

  it('writes exactly --events rows, in batches of --batch-size', async () => {
    for (const [events, batchSize, batches] of [
      [0, 65536, 0],
      [1, 65536, 1],
      [1000, 300, 4],
      [65537, 65536, 2],
    ] as const) {
      const g = await generate({ events: String(events), batchSize });
      assert.equal(g.table.numRows, events);
      assert.equal(g.batches.length, batches);
      for (const b of g.batches.slice(0, -1)) assert.equal(b.numRows, batchSize);
    }
  });

  it('gives the same bytes for the same flags and other bytes for another seed', async () => {
    const a = await generate({ events: '20000', seed: '5' });
    const b = await generate({ events: '20000', seed: '5' });
    const c = await generate({ events: '20000', seed: '6' });
    assert.ok(ipcBytes(a.table).equals(ipcBytes(b.table)));
    assert.ok(!ipcBytes(a.table).equals(ipcBytes(c.table)));
  });

  it('gives the same rows whatever the batch size', async () => {
    const a = await generate({ events: '30000', anomalies: 'default', batchSize: 65536 });
    const b = await generate({ events: '30000', anomalies: 'default', batchSize: 7 });
    assert.deepEqual(b.events, a.events);
    // The truth differs only in the batch_size it records.
    assert.equal(b.truth.params.batch_size, 7);
    assert.deepEqual({ ...b.truth, params: null }, { ...a.truth, params: null });
  });

  it('shares one dictionary object per column across batches', async () => {
    const { batches } = await generate({ events: '5000', batchSize: 1000 });
    for (const column of [3, 5, 6]) {
      const first = batches[0].data.children[column].dictionary;
      for (const b of batches) assert.equal(b.data.children[column].dictionary, first);
    }
    assert.deepEqual(batches[0].data.children[3].dictionary!.toArray(), [...ACTIONS]);
  });
});

describe('gen events: what the data looks like', () => {
  const sample = generate({ events: '200000' });

  it("keeps each user's timestamps strictly increasing (no ties in clean data)", async () => {
    const { events } = await sample;
    const last = new Map<number, number>();
    for (let i = 0; i < events.length; i++) {
      const previous = last.get(events.user[i]);
      if (previous !== undefined) assert.ok(events.ts[i] > previous, `row ${i}: ${events.ts[i]} after ${previous}`);
      last.set(events.user[i], events.ts[i]);
    }
  });

  it('spreads sessions over the range from --start, ending within the last session of its end', async () => {
    const { events, generated } = await sample;
    const start = Date.parse('2026-11-01T00:00:00Z');
    assert.equal(generated.range.startMs, start);
    assert.equal(generated.range.endMs, start + DAY);
    assert.equal(events.ts[0], start);
    let min = Infinity;
    let max = -Infinity;
    const perHour = new Array(24).fill(0);
    for (const t of events.ts) {
      min = Math.min(min, t);
      max = Math.max(max, t);
      if (t < start + DAY) perHour[Math.floor((t - start) / 3_600_000)]++;
    }
    assert.equal(min, start);
    assert.ok(max < start + DAY + 3_600_000, `last ts ${new Date(max).toISOString()}`);
    for (const h of perHour.slice(1)) assert.ok(Math.abs(h / (events.length / 24) - 1) < 0.1, `hourly counts ${perHour}`);
  });

  it('has the declared action shares', async () => {
    const { events } = await sample;
    const counts = new Map<string, number>();
    for (const a of events.action) counts.set(a, (counts.get(a) ?? 0) + 1);
    const n = events.length;
    for (const a of ACTIONS) {
      const p = ACTION_SHARES[a];
      // Rows of one view are not independent: allow 7.5 binomial standard deviations.
      const tolerance = 7.5 * Math.sqrt((p * (1 - p)) / n);
      assert.ok(Math.abs((counts.get(a) ?? 0) / n - p) < tolerance, `${a}: ${(counts.get(a) ?? 0) / n} vs ${p}`);
    }
  });

  it('gives plays and finishes a log-normal watch time and other actions 0', async () => {
    const { events } = await sample;
    const plays: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const a = events.action[i];
      if (a === 'play') plays.push(events.duration[i]);
      else if (a !== 'finish') assert.equal(events.duration[i], 0);
      else assert.ok(events.duration[i] >= 250);
    }
    plays.sort((x, y) => x - y);
    const median = plays[plays.length >> 1];
    assert.ok(Math.abs(median - 9000) < 300, `median ${median}`);
    assert.ok(plays[0] >= 250 && plays[plays.length - 1] <= 600_000);
    const p90 = plays[Math.floor(plays.length * 0.9)];
    assert.ok(Math.abs(p90 / median - Math.exp(0.9 * 1.2816)) < 0.15, `p90/median ${p90 / median}`);
  });

  it('is Zipf-skewed: the top 1% of items take most views, the top 1% of users a large share', async () => {
    const { events } = await sample;
    const share = (ids: (number | null)[], top: number) => {
      const counts = new Map<number | null, number>();
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      return [...counts.values()].sort((a, b) => b - a).slice(0, top).reduce((a, b) => a + b, 0) / ids.length;
    };
    const impressions = events.item.filter((_, i) => events.action[i] === 'impression');
    assert.ok(share(impressions, 1000) > 0.6, `top 1% of items: ${share(impressions, 1000)}`);
    assert.ok(share(events.user, 100) > 0.1, `top 1% of users: ${share(events.user, 100)}`);
  });

  it('fixes device and region per user, with every value in use', async () => {
    const { events } = await sample;
    const byUser = new Map<number, string>();
    for (let i = 0; i < events.length; i++) {
      const k = `${events.device[i]}/${events.region[i]}`;
      const before = byUser.get(events.user[i]);
      if (before !== undefined) assert.equal(k, before);
      byUser.set(events.user[i], k);
    }
    assert.deepEqual(new Set(events.device), new Set(DEVICES));
    assert.deepEqual(new Set(events.region), new Set(REGIONS));
  });

  it('has no defect of any kind when clean', async () => {
    const { events, truth } = await sample;
    const found = findDefects(events, truth.time_range.future_after_ms);
    assert.deepEqual(found, { duplicates: [], outOfOrder: [], futureTs: [], nullItem: [], botUsers: [] });
    assert.equal(truth.duplicates.count + truth.out_of_order.count + truth.future_ts.count + truth.null_item.count + truth.bot_users.count, 0);
  });

  it('stays in order, in range and clean when the flags ask for many events per user', async () => {
    for (const flags of [
      { users: '1', events: '10000', days: '0.001' },
      { users: '7', events: '50000', days: '0.01', items: '1' },
      { users: '100', events: '300000' },
    ]) {
      const { events, generated, truth } = await generate(flags);
      assert.ok(generated.pace < 1, 'these flags need a faster pace');
      const last = new Map<number, number>();
      for (let i = 0; i < events.length; i++) {
        const previous = last.get(events.user[i]);
        if (previous !== undefined) assert.ok(events.ts[i] > previous, `${JSON.stringify(flags)} row ${i}`);
        last.set(events.user[i], events.ts[i]);
      }
      assert.ok(events.ts.reduce((a, b) => Math.max(a, b)) < generated.range.endMs + 3_600_000, JSON.stringify(flags));
      const found = findDefects(events, truth.time_range.future_after_ms);
      assert.deepEqual([found.duplicates.length, found.outOfOrder.length, found.futureTs.length, found.nullItem.length], [0, 0, 0, 0]);
    }
  });
});

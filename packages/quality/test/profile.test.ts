import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collect } from '@recdata/core';
import { eventColumnsOf, generateEvents, parseGenEventsFlags } from '@recdata/core/gen';
import { tableFromIPC, tableToIPC, Table } from 'apache-arrow';
import { DEFAULT_SKETCH_OPTIONS, mergeProfiles, Profile, Profiler, profileFromStream, profileToStream, resolveTimeColumn, type PartitionUnit } from '../src/index.ts';
import { batchStream } from '@recdata/core';

async function events(n: number, days: number, seed = 3) {
  const opts = parseGenEventsFlags({ events: String(n), days: String(days), seed: String(seed), anomalies: 'null_item=0.01,future_ts=0.001' });
  const g = generateEvents(opts);
  const batches = await collect(g.stream);
  return { schema: g.stream.schema, batches };
}

async function profileOf(schema: Table['schema'], batches: Table['batches'], partition: PartitionUnit, threads = 1): Promise<Profile> {
  const time = partition === 'none' ? null : resolveTimeColumn(schema, 'ts');
  const p = new Profiler(schema, { ...DEFAULT_SKETCH_OPTIONS, partition, time, maxPartitions: 1000, threads });
  try {
    for (const b of batches) await p.add(b);
    return await p.finish();
  } finally {
    await p.close();
  }
}

describe('profiles', () => {
  it('hold exact counts, nulls, min, max and moments (against a direct computation)', async () => {
    const { schema, batches } = await events(30_000, 3);
    const whole = (await profileOf(schema, batches, 'none')).whole();
    const cols = eventColumnsOf(new Table(batches));
    const items = cols.item.filter((x): x is number => x !== null);
    const p = whole.find((c) => c.name === 'item_id')!;
    assert.equal(p.count, 30_000);
    assert.equal(p.nulls, cols.item.length - items.length);
    assert.ok(p.nulls > 0);
    assert.equal(p.range.min, Math.min(...items));
    assert.equal(p.range.max, Math.max(...items));
    const mean = items.reduce((a, b) => a + b, 0) / items.length;
    const m2 = items.reduce((a, b) => a + (b - mean) ** 2, 0);
    assert.ok(Math.abs(p.moments.mean - mean) < 1e-9 * mean);
    assert.ok(Math.abs(p.moments.m2 - m2) < 1e-9 * m2);
    const actions = whole.find((c) => c.name === 'action')!;
    assert.equal(actions.kind, 'categorical');
    assert.ok(actions.top!.exact);
    const impressions = cols.action.filter((a) => a === 'impression').length;
    assert.equal(actions.top!.top().find((t) => t.value === 'impression')!.count, impressions);
    const distinct = new Set(cols.user).size;
    assert.ok(Math.abs(whole[0].hll!.estimate() / distinct - 1) < 0.03);
  });

  it('merge per-day profiles into the profile of the whole: exact fields exactly, moments to rounding, sketches within their error', async () => {
    const { schema, batches } = await events(60_000, 5, 9);
    const byDay = await profileOf(schema, batches, 'day');
    assert.ok(byDay.partitions.size >= 5);
    const once = (await profileOf(schema, batches, 'none')).whole();
    // Each day as its own profile file, then merged.
    const days = byDay.keys().map((k) => {
      const p = new Profile('day', byDay.columns);
      p.partitions.set(k, byDay.partitions.get(k)!);
      return p;
    });
    const reread = [];
    for (const [i, d] of days.entries()) {
      const stream = profileToStream(d);
      reread.push({ profile: await profileFromStream(batchStream(stream.schema, await collect(stream)), `day${i}`), source: `day${i}` });
    }
    const merged = mergeProfiles(reread);
    assert.equal(merged.partitions.size, days.length);
    const mergedWhole = merged.whole();
    once.forEach((a, i) => {
      const b = mergedWhole[i];
      assert.equal(b.name, a.name);
      for (const f of ['count', 'nulls', 'nan'] as const) assert.equal(b[f], a[f], `${a.name}.${f}`);
      assert.equal(b.moments.n, a.moments.n);
      if (a.kind === 'numeric') {
        assert.equal(b.range.min, a.range.min);
        assert.equal(b.range.max, a.range.max);
        assert.ok(Math.abs(b.moments.mean - a.moments.mean) <= 1e-12 * Math.abs(a.moments.mean), `${a.name} mean`);
        assert.ok(Math.abs(b.moments.m2 - a.moments.m2) <= 1e-9 * a.moments.m2, `${a.name} m2`);
        for (const q of [0.1, 0.5, 0.9]) {
          // Within the sketches' error: compare ranks under the once-profile's sketch.
          const x = b.kll!.quantile(q);
          assert.ok(a.kll!.rank(x, false) <= q + 0.03 && a.kll!.rank(x, true) >= q - 0.03, `${a.name} q${q}`);
        }
      }
      if (a.hll) assert.deepEqual(b.hll!.registers, a.hll.registers, `${a.name} HyperLogLog registers`);
      if (a.top && a.top.exact) assert.deepEqual(b.top!.top(), a.top.top(), `${a.name} top values`);
    });
  });

  it('round-trip through Arrow IPC with readable summary columns', async () => {
    const { schema, batches } = await events(5000, 2);
    const p = await profileOf(schema, batches, 'day');
    const stream = profileToStream(p);
    const t = new Table(await collect(stream));
    assert.equal(t.numRows, p.partitions.size * p.columns.length);
    assert.equal(t.schema.metadata.get('recdata.quality.partition'), 'day');
    const first = t.get(0)!.toJSON();
    assert.equal(first.partition, '2026-11-01');
    assert.equal(first.column, 'user_id');
    const back = await profileFromStream(batchStream(stream.schema, await collect(profileToStream(p))), 'p');
    assert.deepEqual(back.keys(), p.keys());
    const a = p.whole();
    const b = back.whole();
    a.forEach((c, i) => {
      assert.equal(b[i].count, c.count);
      assert.equal(b[i].moments.m2, c.moments.m2);
      assert.deepEqual(b[i].kll?.toBytes(), c.kll?.toBytes());
    });
    void tableFromIPC;
  });

  it('are the same, byte for byte, with numeric columns sketched in worker threads', async () => {
    const { schema, batches } = await events(40_000, 3, 4);
    for (const unit of ['none', 'day'] as const) {
      const one = profileToStream(await profileOf(schema, batches, unit, 1));
      const three = profileToStream(await profileOf(schema, batches, unit, 3));
      const bytes = async (s: typeof one) => Buffer.from(tableToIPC(new Table(await collect(s))));
      assert.ok((await bytes(three)).equals(await bytes(one)), unit);
    }
  });

  it('coarsen day partitions to months past max-partitions, merging exactly', async () => {
    const { schema, batches } = await events(5000, 40);
    const time = resolveTimeColumn(schema, 'ts');
    const p = new Profiler(schema, { ...DEFAULT_SKETCH_OPTIONS, partition: 'day', time, maxPartitions: 20 });
    const seen: string[] = [];
    p.onCoarsen = (u) => seen.push(u);
    for (const b of batches) await p.add(b);
    await p.finish();
    assert.deepEqual(seen, ['month']);
    assert.equal(p.profile.unit, 'month');
    assert.ok(p.profile.keys().map((k) => p.profile.label(k)).includes('2026-12'));
    assert.equal(p.profile.whole()[0].count, 5000);
  });
});

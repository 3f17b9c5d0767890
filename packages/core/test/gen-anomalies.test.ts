import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecdataError } from '@recdata/core';
import { BURST, BURST_RULE, DEFECT_DEFINITIONS, findDefects, formatAnomalies, parseAnomalies } from '@recdata/core/gen';
import { generate, type Events } from './gen-helpers.ts';

function usageError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RecdataError, String(e));
    assert.equal(e.exitCode, 2);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('gen events --anomalies: the flag', () => {
  it('parses kinds, "default" and "none", and writes them back in a fixed order', () => {
    const spec = parseAnomalies('null_item=0.0002, bot_users=3,duplicates=1e-3');
    assert.deepEqual(spec, { duplicates: 0.001, outOfOrder: 0, futureTs: 0, nullItem: 0.0002, botUsers: 3 });
    assert.equal(formatAnomalies(spec), 'duplicates=0.001,out_of_order=0,future_ts=0,null_item=0.0002,bot_users=3');
    assert.equal(formatAnomalies(parseAnomalies('default')), 'duplicates=0.001,out_of_order=0.001,future_ts=0.0005,null_item=0.0002,bot_users=3');
    assert.equal(formatAnomalies(parseAnomalies('none')), 'duplicates=0,out_of_order=0,future_ts=0,null_item=0,bot_users=0');
  });

  it('rejects unknown kinds, rates outside [0, 1], bad counts, repeats and sums above 1 (exit 2)', () => {
    usageError(() => parseAnomalies('typos=0.1'), /^expected KIND=VALUE with KIND one of duplicates, out_of_order, future_ts, null_item, bot_users for --anomalies, got "typos=0.1"$/);
    usageError(() => parseAnomalies('duplicates'), /^expected KIND=VALUE .* got "duplicates"$/);
    usageError(() => parseAnomalies('duplicates=1.5'), /^expected duplicates=RATE with RATE from 0 to 1 for --anomalies, got "duplicates=1.5"$/);
    usageError(() => parseAnomalies('future_ts=-0.1'), /^expected future_ts=RATE with RATE from 0 to 1 for --anomalies, got "future_ts=-0.1"$/);
    usageError(() => parseAnomalies('null_item=abc'), /RATE from 0 to 1/);
    usageError(() => parseAnomalies('bot_users=2.5'), /^expected bot_users=COUNT with COUNT an integer from 0 to 1000 for --anomalies, got "bot_users=2.5"$/);
    usageError(() => parseAnomalies('bot_users=1001'), /COUNT an integer from 0 to 1000/);
    usageError(() => parseAnomalies('duplicates=0.1,duplicates=0.2'), /^expected each KIND at most once for --anomalies, got "duplicates=0.2"$/);
    usageError(() => parseAnomalies('duplicates=0.6,out_of_order=0.5'), /^expected rates that sum to at most 1 for --anomalies/);
  });

  it('documents each kind', () => {
    assert.deepEqual(Object.keys(DEFECT_DEFINITIONS), ['duplicates', 'out_of_order', 'future_ts', 'null_item', 'bot_users']);
  });
});

/**
 * Undoes every injected defect using only the output and its truth file: drops the
 * copies and the bot rows, puts each late event back before its successor, and checks
 * the changed values where a clean row must have had others. What is left must be a
 * prefix of the clean run with the same flags: defects never move the clean events.
 */
function undoDefects(dirty: Events, truth: any, clean: Events): number {
  const copies = new Set<number>(truth.duplicates.events.map((e: any) => e.row));
  const late = new Set<number>(truth.out_of_order.events.map((e: any) => e.row));
  const future = new Set<number>(truth.future_ts.events.map((e: any) => e.row));
  const nulls = new Set<number>(truth.null_item.rows);
  const botRows = new Set<number>();
  for (const b of truth.bot_users.bursts) for (let r = b.first_row; r < b.first_row + b.rows; r++) botRows.add(r);
  const restored: number[] = [];
  for (let r = 0; r < dirty.length; r++) {
    if (copies.has(r) || botRows.has(r)) continue;
    if (late.has(r)) restored.splice(restored.length - 1, 0, r);
    else restored.push(r);
  }
  restored.forEach((r, i) => {
    const where = `output row ${r}, clean row ${i}`;
    assert.equal(dirty.user[r], clean.user[i], where);
    assert.equal(dirty.action[r], clean.action[i], where);
    assert.equal(dirty.duration[r], clean.duration[i], where);
    assert.equal(dirty.device[r], clean.device[i], where);
    if (nulls.has(r)) assert.equal(dirty.item[r], null, where);
    else assert.equal(dirty.item[r], clean.item[i], where);
    if (future.has(r)) assert.ok(dirty.ts[r] > truth.time_range.future_after_ms && dirty.ts[r] - clean.ts[i] > 86_400_000, where);
    else assert.equal(dirty.ts[r], clean.ts[i], where);
  });
  return restored.length;
}

describe('gen events --anomalies: what is injected, and the truth file', () => {
  const flags = { events: '150000', anomalies: 'duplicates=0.01,out_of_order=0.01,future_ts=0.005,null_item=0.002,bot_users=4', seed: '3' };
  const dirtyRun = generate(flags);
  const cleanRun = generate({ events: '150000', seed: '3' });

  it("lists exactly the rows that the definitions find in the output", async () => {
    const { events, truth } = await dirtyRun;
    const found = findDefects(events, truth.time_range.future_after_ms);
    assert.deepEqual(found.duplicates, truth.duplicates.events.map((e: any) => e.row));
    assert.deepEqual(found.outOfOrder, truth.out_of_order.events.map((e: any) => e.row));
    assert.deepEqual(found.futureTs, truth.future_ts.events.map((e: any) => e.row));
    assert.deepEqual(found.nullItem, truth.null_item.rows);
    assert.deepEqual(found.botUsers, truth.bot_users.user_ids);
    assert.equal(truth.duplicates.count, found.duplicates.length);
    assert.equal(truth.out_of_order.count, found.outOfOrder.length);
    assert.equal(truth.future_ts.count, found.futureTs.length);
    assert.equal(truth.null_item.count, found.nullItem.length);
    assert.equal(truth.bot_users.count, found.botUsers.length);
  });

  it('injects each kind at about its rate', async () => {
    const { truth } = await dirtyRun;
    const n = 150_000;
    for (const [kind, rate] of [
      ['duplicates', 0.01],
      ['out_of_order', 0.01],
      ['future_ts', 0.005],
      ['null_item', 0.002],
    ] as const) {
      const expected = n * rate;
      // out_of_order is skipped for a session's last event (about 1 in 25).
      const low = kind === 'out_of_order' ? 0.9 * expected : expected;
      assert.ok(Math.abs(truth[kind].count - low) < 5 * Math.sqrt(expected) + 0.06 * expected, `${kind}: ${truth[kind].count} vs ${expected}`);
    }
    assert.equal(truth.bot_users.count, 4);
  });

  it('records the keys of each defect', async () => {
    const { events, truth } = await dirtyRun;
    for (const d of truth.duplicates.events) {
      assert.equal(d.original_row, d.row - 1);
      for (const r of [d.row, d.original_row]) {
        assert.deepEqual([events.user[r], events.item[r], events.ts[r], events.action[r]], [d.user_id, d.item_id, d.ts, d.action]);
      }
    }
    for (const o of truth.out_of_order.events) {
      assert.equal(events.user[o.row], o.user_id);
      assert.equal(events.ts[o.row], o.ts);
      assert.equal(events.user[o.row - 1], o.user_id);
      assert.equal(events.ts[o.row - 1], o.previous_ts);
      assert.ok(o.ts < o.previous_ts);
    }
    for (const f of truth.future_ts.events) assert.deepEqual([events.user[f.row], events.ts[f.row]], [f.user_id, f.ts]);
  });

  it('makes bot bursts: consecutive rows of one new user, dozens within seconds', async () => {
    const { events, truth } = await dirtyRun;
    assert.deepEqual(truth.bot_users.user_ids, [10001, 10002, 10003, 10004]);
    for (const b of truth.bot_users.bursts) {
      assert.ok(b.rows >= BURST.minRows && b.rows <= BURST.maxRows);
      assert.ok(b.end_ts - b.start_ts <= BURST_RULE.windowMs);
      for (let r = b.first_row; r < b.first_row + b.rows; r++) assert.equal(events.user[r], b.user_id);
      assert.notEqual(events.user[b.first_row - 1], b.user_id);
      assert.equal(events.ts[b.first_row], b.start_ts);
      assert.equal(events.ts[b.first_row + b.rows - 1], b.end_ts);
    }
    const botRows = events.user.filter((u) => u > 10000).length;
    assert.equal(botRows, truth.bot_users.bursts.reduce((a: number, b: any) => a + b.rows, 0));
  });

  it('leaves the clean events where they were: undoing the defects gives the clean run', async () => {
    const dirty = await dirtyRun;
    const clean = await cleanRun;
    const restored = undoDefects(dirty.events, dirty.truth, clean.events);
    assert.ok(restored > 140_000);
  });

  it('writes a stable truth file: fixed key order, exact integers', async () => {
    const { generated, truth } = await dirtyRun;
    const text = generated.truth.toJSON();
    assert.deepEqual(Object.keys(JSON.parse(text)), ['format', 'params', 'anomalies', 'rows', 'time_range', 'definitions', 'duplicates', 'out_of_order', 'future_ts', 'null_item', 'bot_users']);
    assert.equal(truth.rows, 150_000);
    assert.ok(Number.isSafeInteger(truth.future_ts.events[0].ts));
    const again = await generate(flags);
    assert.equal(again.generated.truth.toJSON(), text);
  });

  it('writes each defect only when it made it into the output (a run cut at --events)', async () => {
    // Every event a duplicate: the last row may be an original whose copy was cut.
    const { events, truth } = await generate({ events: '1001', anomalies: 'duplicates=1' });
    assert.equal(truth.duplicates.count, 500);
    assert.equal(events.length, 1001);
    const found = findDefects(events, truth.time_range.future_after_ms);
    assert.equal(found.duplicates.length, 500);
  });
});

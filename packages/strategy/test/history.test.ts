import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { collect, RecdataError } from '@recdata/core';
import { auditStrategies, generateStrategyMetrics, historyArrow, historyJson, historyTable, openHistory, parseDay, parseRegistry, readHistory, readMetrics, recordRun, type AuditReport } from '../src/index.ts';
import { tempDir } from './helpers.ts';

async function report(asOf: string): Promise<AuditReport> {
  const g = generateStrategyMetrics({ strategies: 3, days: 90, seed: 5, start: parseDay('2026-06-01')!, units: 12000, batchSize: 65536 });
  const registry = parseRegistry(g.registryYaml, 'generated.yaml');
  const result = auditStrategies(registry, await readMetrics(g.stream, 'gen'), { asOf: parseDay(asOf)!, windowDays: 28, confidence: 0.95, minSample: 1000 });
  return { registry, result, refs: null, patch: null };
}

describe('audit history (SQLite)', () => {
  it('appends runs and reads the trend back, oldest first', async () => {
    const dir = tempDir('history');
    const file = path.join(dir, 'audit.db');
    const db = openHistory(file, true);
    const first = recordRun(db, await report('2026-08-01'), { window: '28d' }, new Date('2026-08-02T03:00:00Z'));
    const second = recordRun(db, await report('2026-08-29'), { window: '28d' }, new Date('2026-08-30T03:00:00Z'));
    db.close();
    assert.deepEqual([first, second], [1, 2]);

    const ro = openHistory(file, false);
    const rows = readHistory(ro, 'rank_by_watch_time');
    assert.deepEqual(
      rows.map((r) => [r.run_id, r.as_of, r.decision, r.created_at]),
      [
        [1, '2026-08-01', 'retire', '2026-08-02T03:00:00.000Z'],
        [2, '2026-08-29', 'retire', '2026-08-30T03:00:00.000Z'],
      ],
    );
    assert.ok(rows[0].rel_ci_low! < rows[0].rel_lift! && rows[0].rel_lift! < rows[0].rel_ci_high!);
    assert.equal(readHistory(ro).length, 6);
    assert.deepEqual(
      readHistory(ro, undefined, 1).map((r) => r.run_id),
      [2, 2, 2],
    );
    assert.throws(() => readHistory(ro, 'nope'), (e: RecdataError) => e.exitCode === 2);

    const text = historyTable(rows);
    assert.match(text, /^run\s+as of\s+strategy\s+decision\s+rel. lift \[CI\]\s+ROI\/day \[CI\]\s+stale\s+decays\n1\s+2026-08-01\s+rank_by_watch_time\s+retire\s+/);
    assert.match(text, /\nrank_by_watch_time: retire in the last 2 runs \(since 2026-08-01\); lift [-+][\d.]+% \(as of 2026-08-01\) -> [-+][\d.]+%\n$/);
    const json = JSON.parse(historyJson(rows));
    assert.deepEqual(json.runs[1].reasons, JSON.parse(rows[1].reasons));
    assert.equal(json.runs[0].stale, true);
    const table = tableFromIPC(tableToIPC(new Table(await collect(historyArrow(rows)))));
    assert.equal(table.numRows, 2);
    assert.deepEqual(table.getChild('decision')!.toArray(), ['retire', 'retire']);
    ro.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a file that is not a strategy-audit history, and a missing one', () => {
    const dir = tempDir('history-bad');
    const other = path.join(dir, 'other.db');
    fs.writeFileSync(other, 'plain text, not SQLite at all; long enough to look like a header............................................');
    assert.throws(() => openHistory(other, true), (e: RecdataError) => e.exitCode === 65);
    assert.throws(() => openHistory(path.join(dir, 'none.db'), false), (e: RecdataError) => e.exitCode === 66);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

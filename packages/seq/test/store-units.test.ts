// seq-store units: regressions named after their bug, time bounds, the lock,
// checksums (a flipped byte names the file; other partitions still read),
// recovery (a WAL replayed, files not in the manifest deleted).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RecordBatch } from 'apache-arrow';
import { parseTimeBound, SeqStoreReader, SeqStoreWriter, tsRange, verifyStore } from '../src/index.ts';
import { ACTIONS, DAY_MS, eventsBatch, rowsOf, storeSchema, T0, tempStore, type Ev } from './store-helpers.ts';

async function collect(stream: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of stream) out.push(b);
  return out;
}

function openWriter(dir: string) {
  return SeqStoreWriter.open(dir, {
    create: { schema: storeSchema('uint64'), user: 'user_id', ts: 'ts', partition: 'day', tsUnit: 'ms' },
    memtableBytes: 1 << 20,
    sync: 'none',
    threads: 1,
  });
}

async function scanAll(dir: string): Promise<string[][]> {
  const r = await SeqStoreReader.open(dir, { recover: false });
  try {
    return rowsOf(await collect(r.scan(null)));
  } finally {
    await r.close();
  }
}

describe('seq-store units', () => {
  it('regression: two stores in one process whose seq headers differ in one model byte decode their own values (header cache keyed by a CRC residue)', async () => {
    // Every intact header ends in its CRC, so a CRC over it is one constant per length:
    // the second flush used the first one's cached model and 'play' came back as 'finish'.
    for (const action of ['impression', 'play', 'like']) {
      const dir = tempStore('store-header-cache');
      const w = await openWriter(dir);
      await w.append(eventsBatch('uint64', [{ user: 1n, ts: T0, item: null, action, uid: 1n }], 0));
      await w.close();
      assert.equal((await scanAll(dir))[0][3], action);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('time bounds: dates are UTC midnight, ISO times with zones, integers raw; bad text is exit 2', () => {
    assert.deepEqual(tsRange(parseTimeBound('2026-11-01', 'from'), parseTimeBound('2026-11-02T00:00:00+01:00', 'to'), 1000), { from: T0, to: T0 + DAY_MS - 3_600_000n });
    assert.deepEqual(tsRange(parseTimeBound('1793491200000', 'from'), null, 1000), { from: T0, to: null });
    for (const bad of ['2026-02-30', 'yesterday', '2026-11-01T25:00', '']) {
      assert.throws(() => parseTimeBound(bad, 'from'), (e: { exitCode?: number; message: string }) => e.exitCode === 2 && /--from/.test(e.message), bad);
    }
    assert.throws(() => tsRange(parseTimeBound('2026-11-02', 'from'), parseTimeBound('2026-11-01', 'to'), 1000), (e: { exitCode?: number }) => e.exitCode === 2);
  });

  it('a second writer is exit 75 naming the holder; readers need no lock', async () => {
    const dir = tempStore('store-lock');
    const w = await openWriter(dir);
    try {
      await w.append(eventsBatch('uint64', [{ user: 1n, ts: T0, item: 1n, action: 'play', uid: 1n }], 0));
      await w.flush();
      await assert.rejects(openWriter(dir), (e: { exitCode?: number; message: string }) => e.exitCode === 75 && e.message.includes(`pid ${process.pid}`));
      assert.equal((await scanAll(dir)).length, 1);
    } finally {
      await w.close();
    }
    const again = await openWriter(dir);
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a flipped byte in a run file is exit 65 naming the file; other partitions still read; verify reports it', async () => {
    const dir = tempStore('store-corrupt');
    const w = await openWriter(dir);
    const events: Ev[] = [];
    for (let d = 0; d < 3; d++) for (let u = 0; u < 20; u++) events.push({ user: BigInt(u), ts: T0 + BigInt(d) * DAY_MS + BigInt(u), item: BigInt(u), action: ACTIONS[u % 6], uid: BigInt(events.length) });
    await w.append(eventsBatch('uint64', events, 0));
    await w.close();
    assert.deepEqual((await verifyStore(dir)).problems, []);
    const day2 = path.join(dir, 'runs', '2026-11-02');
    const file = path.join(day2, fs.readdirSync(day2)[0]);
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 3)] ^= 0x40;
    fs.writeFileSync(file, bytes);
    const report = await verifyStore(dir);
    assert.ok(report.problems.length > 0);
    assert.ok(report.problems.some((p) => p.describe().includes(path.basename(file))), report.problems.map((p) => p.describe()).join('; '));
    const r = await SeqStoreReader.open(dir, { recover: false });
    try {
      await assert.rejects(collect(r.scan(null)), (e: { exitCode?: number; message: string }) => e.exitCode === 65 && (e as unknown as { describe(): string }).describe().includes(path.basename(file)));
      const day1 = rowsOf(await collect(r.scan({ from: T0, to: T0 + DAY_MS })));
      assert.equal(day1.length, 20);
      const skipped: string[] = [];
      const rest = rowsOf(await collect(r.scan(null, { skipCorrupt: true, onSkip: (p) => skipped.push(p) })));
      assert.equal(rest.length, 40);
      assert.equal(skipped.length, 1);
    } finally {
      await r.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

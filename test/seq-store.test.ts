// seq-store through the built CLI and real pipes: generated events ingested (and a
// second ingest appended), get of one user over a range against the events
// themselves, a one-day scan, compact, stats, verify, drop; the standalone binary;
// a second writer (75 naming the holder); many threads (the flush worker resolves
// inside the bundle); and every bad input: one line, the right exit code.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import type { Table } from 'apache-arrow';
import { CLI, errorLine, readTable, runCli, scratchDir } from './helpers/cli.ts';

const dir = scratchDir('seq-store');
const events = path.join(dir, 'events.arrow');
const more = path.join(dir, 'more.arrow');
const store = path.join(dir, 'store');
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

function rowsOf(t: Table): string[][] {
  const out: string[][] = [];
  for (const b of t.batches) for (let i = 0; i < b.numRows; i++) out.push(b.schema.fields.map((_, k) => String(b.getChildAt(k)!.get(i))));
  return out;
}

function tsOf(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number(v);
}

describe('seq-store (built CLI)', () => {
  before(async () => {
    const a = await runCli(['gen', 'events', '--days', '3', '--events', '60000', '--users', '500', '-o', events]);
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['gen', 'events', '--days', '3', '--events', '20000', '--users', '500', '--seed', '7', '-o', more]);
    assert.equal(b.code, 0, b.stderr);
  });

  it('ingests (created on first use), appends, and gets one user over a range: exactly the input events of that user, in ts order', async () => {
    const a = await runCli(['seq-store', 'ingest', store, events, '--memtable', '1MiB']);
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['seq-store', 'ingest', store, '--sync', 'always'], { input: { file: more } });
    assert.equal(b.code, 0, b.stderr);
    const input = [...rowsOf(readTable(fs.readFileSync(events))), ...rowsOf(readTable(fs.readFileSync(more)))];
    const user = input[0][0];
    const from = T0 + DAY;
    const to = T0 + 2 * DAY;
    const expected = input.filter((r) => r[0] === user && tsOf(r[2]) >= from && tsOf(r[2]) < to);
    // Stable sort by ts: ties keep write order.
    expected.sort((x, y) => tsOf(x[2]) - tsOf(y[2]));
    const got = await runCli(['seq-store', 'get', store, '--user', user, '--from', '2026-11-02', '--to', '2026-11-03T00:00:00Z']);
    assert.equal(got.code, 0, got.stderr);
    assert.ok(expected.length > 0);
    assert.deepEqual(rowsOf(readTable(got.stdout)), expected);
  });

  it('scans one day (every event of it, the other days untouched) and lists per user', async () => {
    const input = [...rowsOf(readTable(fs.readFileSync(events))), ...rowsOf(readTable(fs.readFileSync(more)))];
    const day = input.filter((r) => tsOf(r[2]) >= T0 && tsOf(r[2]) < T0 + DAY).length;
    const scan = await runCli(['seq-store', 'scan', store, '--from', '2026-11-01', '--to', '2026-11-02']);
    assert.equal(scan.code, 0, scan.stderr);
    assert.equal(readTable(scan.stdout).numRows, day);
    const lists = await runCli(['seq-store', 'scan', store, '--from', '2026-11-01', '--to', '2026-11-02', '--format', 'lists']);
    assert.equal(lists.code, 0, lists.stderr);
    const t = readTable(lists.stdout);
    assert.equal(t.schema.fields[1].name, 'partition_start');
    assert.ok(t.numRows > 0 && t.numRows <= 500);
  });

  it('compacts to one run per partition, and stats, verify and the standalone binary agree', async () => {
    const before = await runCli(['seq-store', 'stats', store, '--json']);
    const c = await runCli(['seq-store', 'compact', store]);
    assert.equal(c.code, 0, c.stderr);
    const s = await runCli(['seq-store', 'stats', store, '--json']);
    assert.equal(s.code, 0, s.stderr);
    const stats = JSON.parse(s.stdout.toString());
    assert.equal(stats.events, 80000);
    assert.equal(stats.events, JSON.parse(before.stdout.toString()).events);
    assert.ok(stats.partitionList.length >= 3 && stats.partitionList.every((p: { runs: number }) => p.runs === 1), s.stdout.toString());
    const v = await runCli(['verify', store], { bin: 'seq-store' });
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout.toString(), /^ok: /);
  });

  it('a second writer is exit 75 naming the holder; a reader meanwhile reads', async () => {
    // The holder gets a whole stream but not the end of stdin: it keeps the lock until then.
    // Under load a second writer may take the lock first (the holder then exits 75 itself):
    // the holder is started again until it is the one holding the lock.
    const spawnHolder = () => {
      const child = spawn(process.execPath, [CLI, 'seq-store', 'ingest', store], { stdio: ['pipe', 'ignore', 'pipe'] });
      const state = { child, err: '', code: null as number | null, closed: null as unknown as Promise<number | null> };
      child.stderr.on('data', (d) => (state.err += d));
      child.stdin.on('error', () => {
        /* reported through the exit code and stderr */
      });
      state.closed = new Promise((r) => child.on('close', (code) => r((state.code = code ?? 1))));
      child.stdin.write(fs.readFileSync(more));
      return state;
    };
    let holder = spawnHolder();
    try {
      let second = null;
      for (let i = 0; i < 60; i++) {
        await new Promise((r) => setTimeout(r, 300));
        if (holder.code !== null) {
          holder = spawnHolder();
          continue;
        }
        second = await runCli(['seq-store', 'ingest', store, more]);
        if (second.code === 75 && holder.code === null) break;
      }
      assert.ok(second, 'the holder never stayed up');
      assert.equal(second.code, 75, `${second.stderr} / holder: ${holder.err}`);
      assert.match(errorLine(second), new RegExp(`locked by another writer: pid ${holder.child.pid} `));
      const reader = await runCli(['seq-store', 'get', store, '--user', '1']);
      assert.equal(reader.code, 0, reader.stderr);
      holder.child.stdin.end();
      assert.equal(await holder.closed, 0, holder.err);
    } finally {
      if (holder.child.exitCode === null) holder.child.kill('SIGKILL');
    }
  });

  it('ingests on two threads with a memtable past the pool threshold (the flush runs on a worker, which resolves inside the CLI bundle)', async () => {
    // 300k events in one memtable: past POOL_MIN_EVENTS (2^18), so the flush job goes to the worker pool.
    const input = path.join(dir, 'big.arrow');
    const g = await runCli(['gen', 'events', '--days', '2', '--events', '300000', '-o', input]);
    assert.equal(g.code, 0, g.stderr);
    const big = path.join(dir, 'threads');
    const r = await runCli(['seq-store', 'ingest', big, input, '--threads', '2', '--memtable', '256MiB', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2 threads/);
    const scan = await runCli(['seq-store', 'scan', big]);
    assert.equal(readTable(scan.stdout).numRows, 300000);
  });

  it('drop --before removes whole partitions', async () => {
    const r = await runCli(['seq-store', 'drop', store, '--before', '2026-11-02']);
    assert.equal(r.code, 0, r.stderr);
    const scan = await runCli(['seq-store', 'scan', store, '--to', '2026-11-02']);
    assert.equal(readTable(scan.stdout).numRows, 0);
  });

  describe('bad input: one line, the right exit code', () => {
    const cases: [string, string[], number, RegExp][] = [
      ['a folder that is not a store', ['seq-store', 'stats', dir], 65, /is not a recdata seq-store/],
      ['a missing store', ['seq-store', 'get', path.join(dir, 'nowhere'), '--user', '1'], 66, /cannot open/],
      ['a date that does not parse', ['seq-store', 'get', store, '--user', '1', '--from', '2026-13-01'], 2, /--from/],
      ['a timestamp that does not parse', ['seq-store', 'scan', store, '--to', '12:00 yesterday'], 2, /--to/],
      ['--from after --to', ['seq-store', 'scan', store, '--from', '2026-11-03', '--to', '2026-11-02'], 2, /--from must come before --to/],
      ['a user that is not of the user type', ['seq-store', 'get', store, '--user', 'abc'], 2, /--user/],
      ['an unknown --dedupe-key column', ['seq-store', 'get', store, '--user', '1', '--dedupe', '--dedupe-key', 'nope'], 2, /nope/],
      ['drop without --before', ['seq-store', 'drop', store], 2, /before/],
    ];
    for (const [what, args, code, message] of cases) {
      it(what, async () => {
        const r = await runCli(args);
        assert.equal(r.code, code, r.stderr);
        assert.match(errorLine(r), message);
      });
    }

    it('not Arrow on stdin: 65', async () => {
      const r = await runCli(['seq-store', 'ingest', path.join(dir, 'garbage')], { input: 'not arrow at all' });
      assert.equal(r.code, 65);
      assert.match(errorLine(r), /Arrow/);
      assert.equal(fs.existsSync(path.join(dir, 'garbage', 'manifest.db')), false);
    });

    it('a flipped byte: verify and reads exit 65 naming the file; other partitions still read', async () => {
      const copy = path.join(dir, 'corrupt');
      fs.cpSync(store, copy, { recursive: true });
      const part = path.join(copy, 'runs', '2026-11-03');
      const file = path.join(part, fs.readdirSync(part)[0]);
      const bytes = fs.readFileSync(file);
      bytes[Math.floor(bytes.length / 2)] ^= 0x10;
      fs.writeFileSync(file, bytes);
      const v = await runCli(['seq-store', 'verify', copy]);
      assert.equal(v.code, 65);
      assert.match(errorLine(v), new RegExp(path.basename(file)));
      const scan = await runCli(['seq-store', 'scan', copy, '--from', '2026-11-03', '--to', '2026-11-04']);
      assert.equal(scan.code, 65);
      assert.match(errorLine(scan), new RegExp(path.basename(file)));
      const other = await runCli(['seq-store', 'scan', copy, '--from', '2026-11-02', '--to', '2026-11-03']);
      assert.equal(other.code, 0, other.stderr);
      assert.ok(readTable(other.stdout).numRows > 0);
    });

    it('an input whose columns differ from the store: 65 naming them', async () => {
      const csv = path.join(dir, 'other.csv');
      fs.writeFileSync(csv, 'user_id,ts\n1,5\n');
      const other = path.join(dir, 'other.arrow');
      const g = await runCli(['import', '--format', 'csv', csv, '-o', other]);
      assert.equal(g.code, 0, g.stderr);
      const r = await runCli(['seq-store', 'ingest', store, other]);
      assert.equal(r.code, 65);
      assert.match(errorLine(r), /columns/);
    });
  });
});

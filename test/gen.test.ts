import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { eventColumnsOf, findDefects } from '@recdata/core/gen';
import { errorLine, readTable, runCli, runShell, scratchDir } from './helpers/cli.ts';

const dir = scratchDir('gen');
const hasPyarrow = spawnSync('python3', ['-c', 'import pyarrow'], { stdio: 'ignore' }).status === 0;

describe('recdata gen events (the built CLI)', () => {
  it('pipes into cat --schema (the --help example)', async () => {
    const r = await runShell('recdata gen events --events 1000 --users 50 --seed 7 | recdata cat --schema');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout.toString(),
      /^user_id: uint64 not null\nitem_id: uint64\nts: timestamp\[ms\] not null\naction: dict not null\nduration_ms: uint32 not null\ndevice: dict not null\nregion: dict not null\n/,
    );
    assert.match(r.stdout.toString(), /recdata.command: gen events\n/);
  });

  it('gives the same bytes for the same flags, others for another seed', async () => {
    const a = await runCli(['gen', 'events', '--events', '50000', '--seed', '9']);
    const b = await runCli(['gen', 'events', '--events', '50000', '--seed', '9']);
    const c = await runCli(['gen', 'events', '--events', '50000', '--seed', '10']);
    for (const r of [a, b, c]) assert.equal(r.code, 0, r.stderr);
    assert.ok(a.stdout.equals(b.stdout));
    assert.ok(!a.stdout.equals(c.stdout));
    const t = readTable(a.stdout);
    assert.equal(t.numRows, 50000);
    assert.deepEqual(JSON.parse(t.schema.metadata.get('recdata.params')!), {
      events: 50000,
      users: 10000,
      items: 100000,
      days: 1,
      start: '2026-11-01T00:00:00.000Z',
      seed: 9,
      anomalies: 'duplicates=0,out_of_order=0,future_ts=0,null_item=0,bot_users=0',
      batch_size: 65536,
    });
  });

  it('cuts the same rows into batches of --batch-size', async () => {
    const a = await runCli(['gen', 'events', '--events', '5000']);
    const b = await runCli(['gen', 'events', '--events', '5000', '--batch-size', '1000']);
    const ta = readTable(a.stdout);
    const tb = readTable(b.stdout);
    assert.equal(tb.batches.length, 5);
    assert.deepEqual(eventColumnsOf(tb), eventColumnsOf(ta));
  });

  it('writes -o FILE and a --truth file whose counts match the output', async () => {
    const out = path.join(dir, 'dirty.arrow');
    const truthFile = path.join(dir, 'truth.json');
    const r = await runCli(['gen', 'events', '--events', '200000', '--days', '7', '--anomalies', 'duplicates=0.001,out_of_order=0.001,future_ts=0.0005,bot_users=3,null_item=0.0002', '--truth', truthFile, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0);
    const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8'));
    const table = readTable(fs.readFileSync(out));
    assert.equal(table.numRows, 200000);
    assert.equal(truth.rows, 200000);
    assert.equal(truth.time_range.end_ms - truth.time_range.start_ms, 7 * 86_400_000);
    const found = findDefects(eventColumnsOf(table), truth.time_range.future_after_ms);
    assert.equal(found.duplicates.length, truth.duplicates.count);
    assert.equal(found.outOfOrder.length, truth.out_of_order.count);
    assert.equal(found.futureTs.length, truth.future_ts.count);
    assert.equal(found.nullItem.length, truth.null_item.count);
    assert.deepEqual(found.botUsers, truth.bot_users.user_ids);
    for (const kind of ['duplicates', 'out_of_order', 'future_ts', 'null_item', 'bot_users']) assert.ok(truth[kind].count > 0, kind);
    assert.equal(JSON.parse(table.schema.metadata.get('recdata.gen.time_range')!).end_ms, truth.time_range.end_ms);
  });

  it('writes a clean truth file without --anomalies', async () => {
    const truthFile = path.join(dir, 'clean-truth.json');
    const r = await runCli(['gen', 'events', '--events', '20000', '--truth', truthFile]);
    assert.equal(r.code, 0, r.stderr);
    const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8'));
    const found = findDefects(eventColumnsOf(readTable(r.stdout)), truth.time_range.future_after_ms);
    assert.deepEqual(found, { duplicates: [], outOfOrder: [], futureTs: [], nullItem: [], botUsers: [] });
    for (const kind of ['duplicates', 'out_of_order', 'future_ts', 'null_item', 'bot_users']) assert.equal(truth[kind].count, 0, kind);
  });

  it('--events 0 gives a valid empty stream', async () => {
    const r = await runCli(['gen', 'events', '--events', '0']);
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(r.stdout);
    assert.equal(t.numRows, 0);
    assert.equal(t.schema.fields.length, 7);
  });

  it('ends quietly when the reader closes the pipe', async () => {
    const r = await runShell('recdata gen events --events 3000000 | head -c 1000 > /dev/null');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('documents itself: rates, definitions and working examples in --help', async () => {
    const r = await runCli(['gen', 'events', '--help']);
    assert.equal(r.code, 0, r.stderr);
    const help = r.stdout.toString();
    assert.match(help, /Share of rows: impression 47\.5%, click 1\.4%, play 35\.6%/);
    assert.match(help, /out_of_order: a row whose ts is earlier than the latest ts/);
    assert.match(help, /EXAMPLES/);
    assert.match(help, /recdata gen events --events 1000 --users 50 --seed 7 \| recdata cat/);
    const ex = await runShell('recdata gen events --events 200000 --days 7 --anomalies duplicates=0.001,out_of_order=0.001,future_ts=0.0005,bot_users=3,null_item=0.0002 --truth truth.json -o dirty.arrow', { cwd: dir });
    assert.equal(ex.code, 0, ex.stderr);
    assert.ok(fs.existsSync(path.join(dir, 'truth.json')) && fs.existsSync(path.join(dir, 'dirty.arrow')));
  });

  it('rejects bad flag values with exit 2 and one line', async () => {
    for (const [args, message] of [
      [['--events', '-1'], 'recdata gen events: expected an integer from 0 to 1000000000000 for --events, got "-1"'],
      [['--anomalies', 'spam=0.1'], 'recdata gen events: expected KIND=VALUE with KIND one of duplicates, out_of_order, future_ts, null_item, bot_users for --anomalies, got "spam=0.1"'],
      [['--anomalies', 'duplicates=2'], 'recdata gen events: expected duplicates=RATE with RATE from 0 to 1 for --anomalies, got "duplicates=2"'],
      [['--seed', 'abc'], 'recdata gen events: expected an integer from 0 to 4294967295 for --seed, got "abc"'],
      [['--start', 'soon'], 'recdata gen events: expected an ISO 8601 UTC date or time after 1970, e.g. 2026-11-01 or 2026-11-01T00:00:00Z for --start, got "soon"'],
    ] as const) {
      const r = await runCli(['gen', 'events', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(errorLine(r), message);
      assert.equal(r.stdout.length, 0);
    }
  });

  it('leaves no output file behind when it cannot write the truth file', async () => {
    const out = path.join(dir, 'never.arrow');
    const r = await runCli(['gen', 'events', '--events', '100', '-o', out, '--truth', path.join(dir, 'no-such-dir', 't.json')]);
    assert.equal(r.code, 74, r.stderr);
    assert.match(errorLine(r), /^recdata gen events: cannot write /);
    assert.equal(fs.existsSync(out), false);
  });

  it('is read by pyarrow with full validation', { skip: hasPyarrow ? false : 'python3 has no pyarrow (pip install pyarrow to run this check)' }, async () => {
    const file = path.join(dir, 'for-pyarrow.arrow');
    const r = await runCli(['gen', 'events', '--events', '100000', '--anomalies', 'default', '--batch-size', '30000', '-o', file]);
    assert.equal(r.code, 0, r.stderr);
    const py = spawnSync('python3', ['-c', `
import pyarrow as pa, pyarrow.ipc as ipc, pyarrow.compute as pc, sys
t = ipc.open_stream(open(sys.argv[1], 'rb')).read_all()
t.validate(full=True)
print(t.num_rows, len(t.to_batches()), t.schema.field('ts').type, t.schema.field('action').type, pc.count(t['item_id'], mode='only_null').as_py())
`, file], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.match(py.stdout, /^100000 4 timestamp\[ms\] dictionary<values=string, indices=int32, ordered=0> \d+\n$/);
  });
});

// seq-encode / seq-decode through the built CLI and real pipes: exact round trips
// on generated events (--partition day) and on MovieLens ratings and tags (real
// data from ../shared/datasets; skipped when absent), the same bytes whatever the
// backend, thread count or memory limit, temporary runs removed on success and
// failure, and every bad input as one line with exit 65 (data), 2 (usage) or 69.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RecordBatchStreamWriter, tableFromIPC, tableToIPC, Table, type RecordBatch } from 'apache-arrow';
import { datasetPath, errorLine, readTable, runCli, runShell, scratchDir } from './helpers/cli.ts';
import { cell } from '../packages/seq/test/logs.ts';

const dir = scratchDir('seq');
const events = path.join(dir, 'events.arrow');
const ratings = datasetPath('movielens-latest-small', 'ratings.csv');
const tags = datasetPath('movielens-latest-small', 'tags.csv');

function rows(table: Table): string[][] {
  const out: string[][] = [];
  for (const b of table.batches) for (let i = 0; i < b.numRows; i++) out.push(b.data.children.map((d) => cell(d, i)));
  return out;
}

/** The input's rows stably ordered by (user, ts): what seq-decode must give back. */
function sortedRows(table: Table, user: string, ts: string): string[][] {
  const all = rows(table);
  const u = table.schema.fields.findIndex((f) => f.name === user);
  const t = table.schema.fields.findIndex((f) => f.name === ts);
  const key = (r: string[], k: number) => (/^-?\d+$/.test(r[k]) ? BigInt(r[k]) : r[k]);
  const idx = all.map((_, i) => i);
  idx.sort((a, b) => {
    for (const k of [u, t]) {
      const x = key(all[a], k);
      const y = key(all[b], k);
      if (x !== y) return x < y ? -1 : 1;
    }
    return a - b;
  });
  return idx.map((i) => all[i]);
}

function typesOf(table: Table): string[] {
  return table.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`);
}

async function roundTrip(input: Buffer, encodeArgs: string[], user: string, ts: string): Promise<Buffer> {
  const enc = await runCli(['seq-encode', ...encodeArgs], { input });
  assert.equal(enc.code, 0, enc.stderr);
  const dec = await runCli(['seq-decode'], { input: enc.stdout });
  assert.equal(dec.code, 0, dec.stderr);
  const original = tableFromIPC(input);
  const back = tableFromIPC(dec.stdout);
  assert.deepEqual(typesOf(back), typesOf(original));
  assert.deepEqual(rows(back), sortedRows(original, user, ts));
  return enc.stdout;
}

describe('seq-encode / seq-decode: round trips', () => {
  it('gen events with --partition day: exact, with the output row layout of the issue', async () => {
    const gen = await runCli(['gen', 'events', '--events', '30000', '--users', '300', '--days', '3', '--anomalies', 'null_item=0.01,duplicates=0.01,out_of_order=0.01', '-o', events]);
    assert.equal(gen.code, 0, gen.stderr);
    const input = fs.readFileSync(events);
    const encoded = await roundTrip(input, ['--partition', 'day'], 'user_id', 'ts');
    const t = tableFromIPC(encoded);
    assert.deepEqual(
      t.schema.fields.map((f) => `${f.name}: ${f.type}${f.nullable ? '' : ' not null'}`),
      ['user_id: Uint64 not null', 'partition_start: Timestamp<MILLISECOND> ', 'n_events: Uint32 not null', 'ts_first: Timestamp<MILLISECOND> not null', 'ts_last: Timestamp<MILLISECOND> not null', 'payload: Binary not null'].map((s) => s.trimEnd()),
    );
    assert.ok(t.numRows >= 300 && t.numRows <= 900, `${t.numRows} user-days`);
    assert.equal(t.schema.metadata.get('recdata.seq.format'), 'recdata-seq/1');
    const columns = JSON.parse(t.schema.metadata.get('recdata.seq.columns')!);
    assert.deepEqual(columns.map((c: { name: string; type: string; role: string }) => `${c.name} ${c.type} ${c.role}`), [
      'user_id uint64 user',
      'item_id uint64 encoded',
      'ts timestamp[ms] ts',
      'action dict encoded',
      'duration_ms uint32 encoded',
      'device dict encoded',
      'region dict encoded',
    ]);
    assert.ok(encoded.length < input.length / 5, `${encoded.length} bytes for ${input.length}`);
  });

  it('MovieLens ratings (real data): exact, and smaller than the zstd of the sorted input would suggest', { skip: ratings ? false : 'dataset absent: ../shared/datasets/movielens-latest-small' }, async () => {
    const imported = await runCli(['import', '--format', 'csv', ratings!]);
    assert.equal(imported.code, 0, imported.stderr);
    const encoded = await roundTrip(imported.stdout, ['--user', 'userId', '--ts', 'timestamp'], 'userId', 'timestamp');
    assert.equal(tableFromIPC(encoded).numRows, 610);
    // 100,836 ratings: about 3.2 bytes each (DuckDB's Parquet-ZSTD takes about 3.9).
    assert.ok(encoded.length < 340_000, `${encoded.length} bytes`);
  });

  it('MovieLens tags (real data, free-text utf8): exact, and --format lists', { skip: tags ? false : 'dataset absent: ../shared/datasets/movielens-latest-small' }, async () => {
    const imported = await runCli(['import', '--format', 'csv', tags!]);
    assert.equal(imported.code, 0, imported.stderr);
    const encoded = await roundTrip(imported.stdout, ['--user', 'userId', '--ts', 'timestamp', '--partition', 'day'], 'userId', 'timestamp');
    const lists = await runCli(['seq-decode', '--format', 'lists'], { input: encoded });
    assert.equal(lists.code, 0, lists.stderr);
    const t = tableFromIPC(lists.stdout);
    assert.deepEqual(t.schema.fields.map((f) => f.name), ['userId', 'partition_start', 'movieId', 'tag', 'timestamp']);
    assert.equal(t.numRows, tableFromIPC(encoded).numRows);
    let events = 0;
    for (const b of t.batches) {
      const o = b.data.children[2].valueOffsets as Int32Array;
      events += o[b.numRows] - o[0];
    }
    assert.equal(events, 3683);
  });

  it('the same bytes for every backend, thread count and memory limit; spilled runs are removed', async () => {
    const input = fs.readFileSync(events);
    const tmp = path.join(dir, 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    const outputs: Buffer[] = [];
    for (const args of [
      ['--backend', 'js', '--threads', '1'],
      ['--backend', 'native', '--threads', '4'],
      ['--memory-limit', '200KiB', '--threads', '2'],
    ]) {
      const r = await runCli(['seq-encode', '--partition', 'day', ...args], { input, env: { TMPDIR: tmp } });
      assert.equal(r.code, 0, r.stderr);
      outputs.push(strip(r.stdout));
      assert.deepEqual(fs.readdirSync(tmp), [], `no temporary files left after ${args.join(' ')}`);
    }
    assert.ok(outputs.every((o) => o.equals(outputs[0])));
  });

  // Regression: inside the CLI's bundle the seq worker module was looked up next to
  // a bundle chunk. The pool starts at the fourth chunk of 64K events.
  it('the worker pool runs inside the built CLI: 300k events, --threads 2 gives the bytes of --threads 1', async () => {
    const r = await runShell(
      'recdata gen events --events 300000 --seed 5 > big.arrow && recdata seq-encode --threads 2 big.arrow > two.seq && recdata seq-encode --threads 1 big.arrow > one.seq && recdata seq-decode --threads 2 two.seq | recdata cat > back.arrow',
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(strip(fs.readFileSync(path.join(dir, 'two.seq'))).equals(strip(fs.readFileSync(path.join(dir, 'one.seq')))));
    assert.equal(readTable(fs.readFileSync(path.join(dir, 'back.arrow'))).numRows, 300000);
  });

  it('--presorted streams sorted input to the same output; a row out of order is exit 65 naming it', async () => {
    const input = fs.readFileSync(events);
    const sorted = await runShell(`recdata seq-encode "${events}" | recdata seq-decode`);
    assert.equal(sorted.code, 0, sorted.stderr);
    const a = await runCli(['seq-encode', '--presorted', '--memory-limit', '1MiB'], { input: sorted.stdout });
    const b = await runCli(['seq-encode'], { input: sorted.stdout });
    assert.equal(a.code, 0, a.stderr);
    assert.ok(strip(a.stdout).equals(strip(b.stdout)));
    const r = await runCli(['seq-encode', '--presorted'], { input });
    assert.equal(r.code, 65);
    assert.match(errorLine(r), /^recdata seq-encode: --presorted input must be grouped by user_id .* \(row \d+\)$/);
  });

  it('standalone binaries, -o, and a closed stdout', async () => {
    const out = path.join(dir, 'seqs.arrow');
    const r = await runCli(['--user', 'user_id', events, '-o', out], { bin: 'seq-encode' });
    assert.equal(r.code, 0, r.stderr);
    const d = await runCli([out], { bin: 'seq-decode' });
    assert.equal(d.code, 0, d.stderr);
    assert.equal(tableFromIPC(d.stdout).numRows, 30000);
    const head = await runShell(`recdata seq-decode "${out}" | head -c 100 > /dev/null`);
    assert.equal(head.code, 0, head.stderr);
    assert.equal(head.stderr, '');
  });
});

/** The stream without the provenance (which names the flags). */
function strip(ipc: Buffer): Buffer {
  const t = tableFromIPC(ipc);
  return Buffer.from(rows(t).map((r) => r.join('|')).join('\n'));
}

function tableWith(ipc: Buffer, edit: (payload: Uint8Array, offsets: Int32Array, row: number) => void, row: number): Buffer {
  const t = tableFromIPC(ipc);
  let seen = 0;
  for (const b of t.batches as RecordBatch[]) {
    if (row < seen + b.numRows) {
      const p = b.data.children[5];
      edit(p.values as Uint8Array, p.valueOffsets as Int32Array, row - seen);
      break;
    }
    seen += b.numRows;
  }
  const w = RecordBatchStreamWriter.writeAll(t);
  return Buffer.from(w.toUint8Array(true));
}

describe('seq-encode / seq-decode: bad input', () => {
  it('a missing --user or --ts column: exit 65 naming it and listing the columns', async () => {
    const input = fs.readFileSync(events);
    for (const [flag, name] of [
      ['--user', 'uid'],
      ['--ts', 'time'],
    ]) {
      const r = await runCli(['seq-encode', flag, name], { input });
      assert.equal(r.code, 65);
      assert.equal(errorLine(r), `recdata seq-encode: missing column "${name}"; the input has: user_id, item_id, ts, action, duration_ms, device, region (column ${name})`);
    }
    const t = await runCli(['seq-encode', '--ts', 'action'], { input });
    assert.equal(t.code, 65);
    assert.match(errorLine(t), /column "action" has type dict, expected a timestamp or integer ts column/);
  });

  it('a null user or ts: exit 65 naming the row, or --drop-null-keys drops and counts them', async () => {
    const csv = path.join(dir, 'nulls.csv');
    fs.writeFileSync(csv, 'u,ts,v\n1,10,a\n1,11,b\n,12,c\n2,,d\n2,13,e\n');
    const imported = await runCli(['import', '--format', 'csv', '--types', 'u:int64,ts:int64', '--empty-as-null', csv]);
    assert.equal(imported.code, 0, imported.stderr);
    const r = await runCli(['seq-encode', '--user', 'u'], { input: imported.stdout });
    assert.equal(r.code, 65);
    assert.equal(errorLine(r), 'recdata seq-encode: u is null; --drop-null-keys drops such rows (column u, row 2)');
    const ok = await runCli(['seq-encode', '--user', 'u', '--drop-null-keys'], { input: imported.stdout });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr.trim(), 'recdata seq-encode: dropped 2 rows with a null u or ts');
    const back = await runCli(['seq-decode'], { input: ok.stdout });
    assert.equal(tableFromIPC(back.stdout).numRows, 3);
  });

  it('a corrupted payload: exit 65 naming the row and the byte offset, no partial output file', async () => {
    const encoded = fs.readFileSync(path.join(dir, 'seqs.arrow'));
    const cases: [string, (p: Uint8Array, o: Int32Array, row: number) => void, RegExp][] = [
      ['a flipped bit', (p, o, row) => (p[o[row] + 7] ^= 0x10), /corrupt payload: payload checksum mismatch \(row 3, byte offset \d+\)$/],
      ['a length past the end', (p, o, row) => (p[o[row] + 2] = 0xff), /corrupt payload: .* \(row 3, byte offset \d+\)$/],
    ];
    for (const [what, edit, pattern] of cases) {
      const bad = tableWith(encoded, edit, 3);
      const out = path.join(dir, 'bad-out.arrow');
      for (const backend of ['native', 'js']) {
        const r = await runCli(['seq-decode', '--backend', backend, '-', '-o', out], { input: bad });
        assert.equal(r.code, 65, `${what}: ${r.stderr}`);
        assert.match(errorLine(r), pattern, what);
        assert.equal(fs.existsSync(out), false);
      }
    }
    const truncated = await runCli(['seq-decode'], { input: encoded.subarray(0, encoded.length - 100) });
    assert.equal(truncated.code, 65);
    errorLine(truncated);
  });

  it('regression: pieces decoded on the worker pool keep their counts (lists output, row checks)', async () => {
    const small = await runCli(['seq-encode', '--batch-size', '20', '--partition', 'day', events]);
    assert.equal(small.code, 0, small.stderr);
    const lists = await runCli(['seq-decode', '--format', 'lists', '--threads', '2'], { input: small.stdout });
    assert.equal(lists.code, 0, lists.stderr);
    assert.equal(tableFromIPC(lists.stdout).numRows, tableFromIPC(small.stdout).numRows);
    // ts_first of row 45 (in the third batch) no longer matches its payload.
    const t = tableFromIPC(small.stdout);
    const b = t.batches[2];
    (b.data.children[3].values as BigInt64Array)[5] += 1n;
    const tampered = Buffer.from(RecordBatchStreamWriter.writeAll(t).toUint8Array(true));
    const r = await runCli(['seq-decode', '--threads', '2'], { input: tampered });
    assert.equal(r.code, 65);
    assert.equal(errorLine(r), 'recdata seq-decode: corrupt row: ts_first does not match its payload (column ts_first, row 45)');
  });

  it('not a seq-encode stream, empty stdin, bad flags, unavailable backends', async () => {
    const plain = await runCli(['seq-decode', events]);
    assert.equal(plain.code, 65);
    assert.match(errorLine(plain), /not a seq-encode stream: the schema metadata has no recdata.seq.header/);
    const empty = await runCli(['seq-encode']);
    assert.equal(empty.code, 65);
    assert.equal(errorLine(empty), 'recdata seq-encode: no Arrow stream on stdin');
    const size = await runCli(['seq-encode', '--memory-limit', 'lots', events]);
    assert.equal(size.code, 2);
    assert.equal(errorLine(size), 'recdata seq-encode: expected a size such as 512MiB, 1GiB or 100MB for --memory-limit, got "lots"');
    const cuda = await runCli(['seq-encode', '--backend', 'cuda', events]);
    assert.equal(cuda.code, 69);
    errorLine(cuda);
    const part = await runCli(['seq-encode', '--partition', 'week', events]);
    assert.equal(part.code, 2);
    errorLine(part);
  });

  it('a failure after runs were spilled removes them and writes no output', async () => {
    const csv = path.join(dir, 'late-null.csv');
    const lines = ['u,ts,v'];
    for (let i = 0; i < 20000; i++) lines.push(`${i % 97},${i},${i % 13}`);
    lines.push(',5,x');
    fs.writeFileSync(csv, lines.join('\n') + '\n');
    const tmp = path.join(dir, 'tmp-fail');
    fs.mkdirSync(tmp, { recursive: true });
    const out = path.join(dir, 'never.arrow');
    const r = await runShell(`recdata import --format csv --types u:int64,ts:int64,v:utf8 --empty-as-null --batch-size 1000 "${csv}" | recdata seq-encode --user u --memory-limit 64KiB -o "${out}"`, { env: { TMPDIR: tmp } });
    assert.equal(r.code, 65, r.stderr);
    assert.match(r.stderr, /u is null; --drop-null-keys drops such rows \(column u, row 20000\)/);
    assert.deepEqual(fs.readdirSync(tmp), []);
    assert.equal(fs.existsSync(out), false);
  });
});

void tableToIPC;

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tableToIPC } from 'apache-arrow';
import { sampleTable } from '../packages/core/test/ipc-helpers.ts';
import { errorLine, readTable, runCli, runShell, scratchDir } from './helpers/cli.ts';

const dir = scratchDir('cat');
const good = tableToIPC(sampleTable(5000), 'stream');
const goodFile = path.join(dir, 'good.arrow');
fs.writeFileSync(goodFile, good);

describe('recdata cat: streams', () => {
  it('relays a stream unchanged in values, adding provenance', async () => {
    const r = await runCli(['cat'], { input: good });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const t = readTable(r.stdout);
    assert.equal(t.numRows, 5000);
    assert.equal(t.schema.metadata.get('recdata.command'), 'cat');
  });

  it('concatenates files, IPC files and streams on one pipe', async () => {
    const file = path.join(dir, 'file-format.arrow');
    fs.writeFileSync(file, tableToIPC(sampleTable(10), 'file'));
    const r = await runCli(['cat', goodFile, file, '-'], { input: Buffer.concat([good, good]) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readTable(r.stdout).numRows, 5000 + 10 + 10000);
  });

  it('--head and --select', async () => {
    const r = await runCli(['cat', '--head', '7', '--select', 'uid,s', goodFile]);
    assert.equal(r.code, 0, r.stderr);
    const t = readTable(r.stdout);
    assert.equal(t.numRows, 7);
    assert.deepEqual(t.schema.fields.map((f) => f.name), ['uid', 's']);
    assert.equal(t.getChild('uid')!.get(0), 18446744073709551615n);
  });

  it('--schema prints the schema as text', async () => {
    const r = await runCli(['cat', '--schema', goodFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /^id: int64 not null\nuid: uint64 not null\nts: timestamp\[ms\]\n/);
    assert.match(r.stdout.toString(), /action: dict\n/);
  });

  it('-o writes a file only when complete', async () => {
    const out = path.join(dir, 'out.arrow');
    const r = await runCli(['cat', goodFile, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readTable(fs.readFileSync(out)).numRows, 5000);
    const bad = path.join(dir, 'bad-out.arrow');
    const r2 = await runCli(['cat', '-', '-o', bad], { input: good.subarray(0, good.length - 50) });
    assert.equal(r2.code, 65);
    assert.equal(fs.existsSync(bad), false);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp')), []);
  });

  it('-o /dev/null writes to the device instead of renaming over it', async () => {
    for (const flags of [[], ['--validate']]) {
      const r = await runCli(['cat', ...flags, goodFile, '-o', '/dev/null']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(fs.statSync('/dev/null').isCharacterDevice(), '/dev/null is still a device');
    }
  });

  it('a stream with a schema and no batches gives a valid empty stream', async () => {
    const empty = tableToIPC(sampleTable(0), 'stream');
    for (const args of [['cat'], ['cat', '--select', 'id']]) {
      const r = await runCli(args, { input: empty });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readTable(r.stdout).numRows, 0);
    }
  });

  it('a closed stdout (| head -c 100) is success, silently', async () => {
    const big = path.join(dir, 'big.arrow');
    fs.writeFileSync(big, Buffer.concat(Array.from({ length: 40 }, () => good)));
    for (const flags of ['', '--validate']) {
      const r = await runShell(`recdata cat ${flags} "${big}" "${big}" | head -c 100 > /dev/null; echo "status=\${PIPESTATUS[0]}" >&2`);
      assert.equal(r.stderr.trim(), 'status=0');
    }
  });
});

describe('recdata cat: bad input', () => {
  const cases: [string, Buffer | Uint8Array, RegExp][] = [
    ['empty stdin', Buffer.alloc(0), /^recdata cat: no Arrow stream on stdin$/],
    ['bytes that are not Arrow', Buffer.from('user_id,item_id\n1,2\n'), /not an Arrow IPC stream.*stdin, byte offset 0/],
    ['truncated in the schema', good.subarray(0, 30), /truncated Arrow stream: input ended inside a message header/],
    ['truncated in a message header', good.subarray(0, schemaEnd(good) + 12), /input ended inside a message header/],
    ['truncated in a body', good.subarray(0, good.length - 100), /input ended inside a message body/],
  ];
  for (const [name, bytes, pattern] of cases) {
    for (const flags of [[], ['--validate']]) {
      it(`${name}${flags.length ? ' (decoding)' : ''}: exit 65 and one line`, async () => {
        const r = await runCli(['cat', ...flags], { input: bytes });
        assert.equal(r.code, 65, r.stderr);
        assert.match(errorLine(r), pattern);
      });
    }
  }

  it('a truncated IPC file: exit 65', async () => {
    const file = tableToIPC(sampleTable(1000), 'file');
    const p = path.join(dir, 'truncated-file.arrow');
    fs.writeFileSync(p, file.subarray(0, Math.floor(file.length * 0.6)));
    const r = await runCli(['cat', p]);
    assert.equal(r.code, 65, r.stderr);
    assert.match(errorLine(r), /truncated/);
  });

  it('a missing input file: exit 66', async () => {
    const r = await runCli(['cat', path.join(dir, 'nope.arrow')]);
    assert.equal(r.code, 66);
    assert.match(errorLine(r), /cannot open .*nope\.arrow: no such file/);
  });

  it('an unknown flag: exit 2', async () => {
    const r = await runCli(['cat', '--bogus']);
    assert.equal(r.code, 2);
    assert.match(errorLine(r), /Nonexistent flag: --bogus/);
  });

  it('a missing column for --select: exit 65 listing the columns', async () => {
    const r = await runCli(['cat', '--select', 'nope', goodFile]);
    assert.equal(r.code, 65);
    assert.match(errorLine(r), /missing column "nope"; the input has: id, uid, ts/);
  });

  it('streams with different schemas: exit 65 naming the difference', async () => {
    const other = tableToIPC(sampleTable(3).selectAt([1, 0]), 'stream');
    const r = await runCli(['cat'], { input: Buffer.concat([good, other]) });
    assert.equal(r.code, 65);
    assert.match(errorLine(r), /schema differs from the first: expected columns \[id, uid/);
  });
});

function schemaEnd(bytes: Uint8Array): number {
  return 8 + new DataView(bytes.buffer, bytes.byteOffset).getInt32(4, true);
}

// blob-store through the built CLI: put files (deduplicated, sharded, metadata
// columns), put from an Arrow stream with a binary column, get by key (the exact
// bytes, to stdout and -o), ls with filters as text and as Arrow, rm and gc, the
// standalone binary; and every bad input: one line, the right exit code.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Binary, Int64, makeData, makeVector, tableToIPC, Table, Utf8 } from 'apache-arrow';
import { errorLine, readTable, runCli, scratchDir } from './helpers/cli.ts';

const dir = scratchDir('blob-store');
const store = path.join(dir, 'blobs');
const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
const text = Buffer.from('a caption, with "quotes" and \'apostrophes\'');
fs.writeFileSync(path.join(dir, 'a.jpg'), jpeg);
fs.writeFileSync(path.join(dir, 'same.jpg'), jpeg);
fs.writeFileSync(path.join(dir, 'caption.txt'), text);

function keysOf(stdout: Buffer): string[] {
  return stdout.toString().trim().split('\n').map((l) => l.split('\t')[0]);
}

/** An Arrow stream of (item_id int64, vector binary, modality utf8). */
function embeddings(): Uint8Array {
  const vectors = [new Uint8Array([1, 2, 3, 4]), new Uint8Array([9, 9]), new Uint8Array([1, 2, 3, 4])];
  const offsets = new Int32Array([0, 4, 6, 10]);
  const bytes = new Uint8Array(10);
  vectors.forEach((v, i) => bytes.set(v, offsets[i]));
  const n = vectors.length;
  const enc = new TextEncoder().encode('embeddingembeddingembedding');
  const cols = [
    makeData({ type: new Int64(), length: n, data: new BigInt64Array([7n, 8n, 9n]), nullCount: 0 }),
    makeData({ type: new Binary(), length: n, valueOffsets: offsets, data: bytes, nullCount: 0 }),
    makeData({ type: new Utf8(), length: n, valueOffsets: new Int32Array([0, 9, 18, 27]), data: enc, nullCount: 0 }),
  ];
  return tableToIPC(new Table({ item_id: makeVector(cols[0]), vector: makeVector(cols[1]), modality: makeVector(cols[2]) }), 'stream');
}

describe('blob-store (built CLI)', () => {
  it('puts files once per content (sharded, renamed into place) with metadata, and gets the exact bytes back', async () => {
    const r = await runCli(['blob-store', 'put', store, path.join(dir, 'a.jpg'), path.join(dir, 'same.jpg'), path.join(dir, 'caption.txt'), '--meta', 'item_id=42', '--meta', 'modality=image']);
    assert.equal(r.code, 0, r.stderr);
    const keys = keysOf(r.stdout);
    assert.deepEqual(keys, [sha(jpeg), sha(jpeg), sha(text)]);
    const object = path.join(store, 'objects', keys[0].slice(0, 2), keys[0].slice(2, 4), keys[0]);
    assert.deepEqual(fs.readFileSync(object), jpeg);
    const files = fs.readdirSync(path.join(store, 'objects'), { recursive: true }).filter((f) => String(f).length > 60);
    assert.equal(files.length, 2, 'deduplicated: two objects for three puts');
    assert.ok(!fs.readdirSync(path.dirname(object)).some((f) => f.startsWith('.tmp-')));
    const got = await runCli(['blob-store', 'get', store, keys[2]]);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(got.stdout, text);
    const out = path.join(dir, 'x.jpg');
    const toFile = await runCli(['get', store, keys[0].toUpperCase(), '-o', out], { bin: 'blob-store' });
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.deepEqual(fs.readFileSync(out), jpeg);
  });

  it('puts the rows of an Arrow binary column, the other columns as metadata', async () => {
    const r = await runCli(['blob-store', 'put', store, '--arrow', '-', '--column', 'vector', '--mime', 'application/x-float32'], { input: Buffer.from(embeddings()) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(keysOf(r.stdout), [sha(new Uint8Array([1, 2, 3, 4])), sha(new Uint8Array([9, 9])), sha(new Uint8Array([1, 2, 3, 4]))]);
  });

  it('ls filters on metadata, as text and as Arrow', async () => {
    const jpegs = await runCli(['blob-store', 'ls', store, '--where', "mime = 'image/jpeg' and item_id = 42"]);
    assert.equal(jpegs.code, 0, jpegs.stderr);
    const lines = jpegs.stdout.toString().trim().split('\n');
    assert.equal(lines[0], 'key\tsize\tmime\tcreated\tname\titem_id\tmodality');
    assert.deepEqual(lines.slice(1).map((l) => l.split('\t')[4]), ['a.jpg', 'same.jpg']);
    const arrow = await runCli(['blob-store', 'ls', store, '--where', "modality = 'embedding' and (item_id in (7, 9) or size < 3) and not name is not null", '--format', 'arrow']);
    assert.equal(arrow.code, 0, arrow.stderr);
    const t = readTable(arrow.stdout);
    assert.deepEqual(t.getChild('item_id')!.toArray(), new BigInt64Array([7n, 8n, 9n]));
    assert.equal(t.getChild('mime')!.get(0), 'application/x-float32');
    // A filter's text is data, never SQL: a quote in a value matches literally.
    const quoted = await runCli(['blob-store', 'ls', store, '--where', "name = 'x'' or ''1''=''1'"]);
    assert.equal(quoted.stdout.toString().trim().split('\n').length, 1);
  });

  it('rm forgets rows; gc deletes only objects no row references', async () => {
    const rm = await runCli(['blob-store', 'rm', store, '--where', "name = 'a.jpg' or item_id = 8"]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.match(rm.stdout.toString(), /removed 2 rows/);
    const gc = await runCli(['blob-store', 'gc', store]);
    assert.equal(gc.code, 0, gc.stderr);
    assert.match(gc.stdout.toString(), /removed 1 objects \(2 bytes\), kept 3/);
    const still = await runCli(['blob-store', 'get', store, sha(jpeg)]);
    assert.deepEqual(still.stdout, jpeg, 'same.jpg still references the jpeg');
  });

  describe('bad input: one line, the right exit code', () => {
    const key = sha(jpeg);
    const cases: [string, string[], number, RegExp][] = [
      ['a key with ..', ['blob-store', 'get', store, '../../../etc/passwd'], 65, /"\.\."/],
      ['a key with a slash', ['blob-store', 'get', store, `ab/${key.slice(3)}`], 65, /"\/"/],
      ['a key of 63 hex characters', ['blob-store', 'get', store, key.slice(1)], 65, /not 64 hex characters/],
      ['a key that is not hex', ['blob-store', 'get', store, 'g'.repeat(64)], 65, /not 64 hex characters/],
      ['a key the index does not list', ['blob-store', 'get', store, '0'.repeat(64)], 65, /no object with key/],
      ['a folder that is not a blob store', ['blob-store', 'ls', path.join(store, 'objects')], 65, /is not a recdata blob-store/],
      ['a missing store', ['blob-store', 'ls', path.join(dir, 'nowhere')], 66, /cannot open/],
      ['a filter that does not parse', ['blob-store', 'ls', store, '--where', "item_id = = 1"], 2, /--where: .* at offset 10/],
      ['a filter on an unknown column', ['blob-store', 'ls', store, '--where', 'colour = 1'], 2, /colour/],
      ['SQL in a filter', ['blob-store', 'ls', store, '--where', "1 = 1; drop table blobs"], 2, /unexpected character ";"/],
      ['a metadata name that is not a plain name', ['blob-store', 'put', store, path.join(dir, 'a.jpg'), '--meta', 'x y=1'], 2, /not a plain name/],
      ['a metadata name that is built in', ['blob-store', 'put', store, path.join(dir, 'a.jpg'), '--meta', 'size=1'], 2, /built-in/],
      ['--meta without =', ['blob-store', 'put', store, path.join(dir, 'a.jpg'), '--meta', 'item_id'], 2, /NAME=VALUE/],
      ['a file that does not exist', ['blob-store', 'put', store, path.join(dir, 'missing.jpg')], 66, /missing\.jpg/],
      ['nothing to put', ['blob-store', 'put', store], 2, /give files/],
    ];
    for (const [what, args, code, message] of cases) {
      it(what, async () => {
        const r = await runCli(args);
        assert.equal(r.code, code, r.stderr);
        assert.match(errorLine(r), message);
      });
    }

    it('an Arrow stream without a binary column: 65', async () => {
      const r = await runCli(['blob-store', 'ls', store, '--format', 'arrow']);
      const put = await runCli(['blob-store', 'put', store, '--arrow', '-'], { input: r.stdout });
      assert.equal(put.code, 65);
      assert.match(errorLine(put), /no binary columns/);
    });

    it('an object changed on disk: get is 65 naming its file', async () => {
      const k = sha(text);
      const file = path.join(store, 'objects', k.slice(0, 2), k.slice(2, 4), k);
      fs.chmodSync(file, 0o644);
      fs.writeFileSync(file, 'tampered');
      const r = await runCli(['blob-store', 'get', store, k]);
      assert.equal(r.code, 65);
      assert.match(errorLine(r), new RegExp(`${k}.*damaged`));
    });
  });
});

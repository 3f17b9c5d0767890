import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { Message, MessageHeader, RecordBatch, RecordBatchStreamWriter, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { ArrowReader, batchStream, collect, RecdataError, relayArrow, writeBatchStream } from '@recdata/core';
import { rowsOf, sampleTable, tempFile } from './ipc-helpers.ts';

async function readAll(paths: string[]): Promise<{ reader: ArrowReader; batches: RecordBatch[] }> {
  const reader = await ArrowReader.open(paths);
  return { reader, batches: await collect(reader) };
}

async function expectError(p: Promise<unknown>, kind: string, pattern: RegExp): Promise<RecdataError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RecdataError, `expected a RecdataError, got ${e}`);
    assert.equal(e.kind, kind, e.describe());
    assert.match(e.describe(), pattern);
    return e;
  }
  assert.fail(`expected an error of kind ${kind}`);
}

describe('Arrow IPC reader and writer', () => {
  it('reads what apache-arrow writes, every column shape', async () => {
    const table = sampleTable(300);
    const file = tempFile('in.arrow', tableToIPC(table, 'stream'));
    const { reader, batches } = await readAll([file]);
    assert.deepEqual(reader.schema.fields.map((f) => f.name), table.schema.fields.map((f) => f.name));
    assert.deepEqual(rowsOf(batches), rowsOf(table));
  });

  it('writes what apache-arrow reads back identically', async () => {
    const table = sampleTable(300);
    const out = tempFile('out.arrow');
    await writeBatchStream(batchStream(table.schema, table.batches), { file: out, provenance: { command: 'test', params: { x: 1 } } });
    const back = tableFromIPC(fs.readFileSync(out));
    assert.deepEqual(rowsOf(back), rowsOf(table));
    assert.equal(back.schema.metadata.get('recdata.command'), 'test');
    assert.deepEqual(JSON.parse(back.schema.metadata.get('recdata.lineage')!), [{ command: 'test', version: '0.1.0', params: { x: 1 } }]);
  });

  it('keeps upstream metadata and appends to the lineage', async () => {
    const table = sampleTable(10);
    const first = tempFile('a.arrow');
    await writeBatchStream(batchStream(table.schema, table.batches), { file: first, provenance: { command: 'one', params: {} } });
    const { reader, batches } = await readAll([first]);
    const second = tempFile('b.arrow');
    await writeBatchStream(batchStream(reader.schema, batches), { file: second, provenance: { command: 'two', params: {} } });
    const meta = tableFromIPC(fs.readFileSync(second)).schema.metadata;
    assert.equal(meta.get('recdata.command'), 'two');
    assert.deepEqual(JSON.parse(meta.get('recdata.lineage')!).map((s: { command: string }) => s.command), ['one', 'two']);
  });

  it('reads the IPC file format (ARROW1 magic) as a stream', async () => {
    const table = sampleTable(200);
    const file = tempFile('in.arrow', tableToIPC(table, 'file'));
    const { batches } = await readAll([file]);
    assert.deepEqual(rowsOf(batches), rowsOf(table));
  });

  it('reads several streams on one input and several files as one stream', async () => {
    const a = sampleTable(50, 0);
    const b = sampleTable(70, 50);
    const both = Buffer.concat([tableToIPC(a, 'stream'), tableToIPC(b, 'stream')]);
    const one = tempFile('two-streams.arrow', both);
    const { batches } = await readAll([one]);
    assert.equal(batches.reduce((n, x) => n + x.numRows, 0), 120);
    assert.deepEqual(rowsOf(batches), [...rowsOf(a), ...rowsOf(b)]);
    const fa = tempFile('a.arrow', tableToIPC(a, 'stream'));
    const fb = tempFile('b.arrow', tableToIPC(b, 'file'));
    const two = await readAll([fa, fb, one]);
    assert.equal(two.batches.reduce((n, x) => n + x.numRows, 0), 240);
  });

  it('gives a valid empty output for a schema with no batches', async () => {
    const table = sampleTable(5);
    const writer = new RecordBatchStreamWriter();
    writer.reset(undefined, table.schema);
    writer.finish();
    const file = tempFile('empty.arrow', writer.toUint8Array(true));
    const { batches } = await readAll([file]);
    assert.equal(batches.length, 0);
    const out = tempFile('out.arrow');
    await writeBatchStream(await ArrowReader.open([file]), { file: out });
    const back = tableFromIPC(fs.readFileSync(out));
    assert.equal(back.numRows, 0);
    assert.equal(back.schema.fields.length, table.schema.fields.length);
  });

  it('writes dictionary replacements when a dictionary changes between batches', async () => {
    const a = sampleTable(10, 0);
    const b = sampleTable(10, 1); // a different dictionary order
    const out = tempFile('dict.arrow');
    await writeBatchStream(batchStream(a.schema, [...a.batches, ...b.batches]), { file: out });
    const back = tableFromIPC(fs.readFileSync(out));
    assert.deepEqual(back.getChild('action')!.toArray(), [...a.getChild('action')!.toArray(), ...b.getChild('action')!.toArray()]);
  });

  it('rejects a later stream whose schema differs, naming the column', async () => {
    const a = sampleTable(5);
    const b = new Table({ id: a.getChild('s')! });
    const file = tempFile('mixed.arrow', Buffer.concat([tableToIPC(a, 'stream'), tableToIPC(b, 'stream')]));
    await expectError(readAll([file]), 'schema-mismatch', /expected columns/);
  });
});

describe('bad input to the reader', () => {
  const good = tableToIPC(sampleTable(100), 'stream');

  it('an empty file', async () => {
    await expectError(readAll([tempFile('empty', new Uint8Array(0))]), 'not-arrow', /file is empty/);
  });

  it('bytes that are not Arrow', async () => {
    await expectError(readAll([tempFile('text.csv', Buffer.from('user_id,item_id\n1,2\n'))]), 'not-arrow', /not an Arrow IPC stream/);
  });

  it('a stream truncated in its schema', async () => {
    await expectError(readAll([tempFile('t', good.subarray(0, 40))]), 'truncated', /inside a message header.*byte offset 0/);
  });

  it('a stream truncated in a message header', async () => {
    const schemaEnd = firstMessageEnd(good);
    await expectError(readAll([tempFile('t', good.subarray(0, schemaEnd + 20))]), 'truncated', /inside a message header/);
  });

  it('a stream truncated in a body', async () => {
    await expectError(readAll([tempFile('t', good.subarray(0, good.length - 100))]), 'truncated', /inside a message body/);
  });

  it('a truncated IPC file', async () => {
    const file = tableToIPC(sampleTable(100), 'file');
    await expectError(readAll([tempFile('t', file.subarray(0, file.length / 2))]), 'truncated', /truncated/);
  });

  it('a corrupted buffer length is caught, not read out of bounds', async () => {
    const bytes = Uint8Array.from(good);
    // Make a buffer region in the first record batch header point far past its body.
    const at = findRecordBatchBufferLength(bytes);
    new DataView(bytes.buffer).setBigInt64(at, 1n << 40n, true);
    await expectError(readAll([tempFile('t', bytes)]), 'bad-input', /outside the message body/);
  });

  it('a missing file is exit 66', async () => {
    const e = await expectError(readAll(['/nonexistent/x.arrow']), 'cannot-open', /no such file/);
    assert.equal(e.exitCode, 66);
  });
});

describe('relay', () => {
  it('relays streams, files and concatenations to the same rows as decoding', async () => {
    const a = sampleTable(64, 0);
    const b = sampleTable(33, 64);
    const fa = tempFile('a.arrow', tableToIPC(a, 'file'));
    const fb = tempFile('b.arrow', Buffer.concat([tableToIPC(b, 'stream'), tableToIPC(a, 'stream')]));
    const out = tempFile('relayed.arrow');
    const summary = await relayArrow([fa, fb], { file: out, provenance: { command: 'cat', params: {} } });
    assert.equal(summary.rows, 64 + 33 + 64);
    const back = tableFromIPC(fs.readFileSync(out));
    assert.deepEqual(rowsOf(back), [...rowsOf(a), ...rowsOf(b), ...rowsOf(a)]);
    assert.equal(back.schema.metadata.get('recdata.command'), 'cat');
  });

  it('leaves no output file behind when the input is bad', async () => {
    const good = tableToIPC(sampleTable(100), 'stream');
    const out = tempFile('never.arrow');
    await expectError(relayArrow([tempFile('t', good.subarray(0, good.length - 10))], { file: out }), 'truncated', /message body/);
    assert.equal(fs.existsSync(out), false);
    const dir = fs.readdirSync(out.replace(/\/[^/]+$/, ''));
    assert.deepEqual(dir, [], 'no temporary file is left either');
  });

  it('checks each record batch header against the schema', async () => {
    const bytes = Uint8Array.from(tableToIPC(sampleTable(100), 'stream'));
    const at = findRecordBatchBufferLength(bytes);
    new DataView(bytes.buffer).setBigInt64(at, 1n << 40n, true);
    await expectError(relayArrow([tempFile('t', bytes)], { file: tempFile('o.arrow') }), 'bad-input', /outside the message body/);
  });
});

/** Byte offset just past the first (schema) message. */
function firstMessageEnd(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const len = view.getInt32(4, true);
  return 8 + len;
}

/**
 * Finds, in the first record batch message, the 8-byte length field of its last
 * non-empty buffer region: decode the header with apache-arrow, then find that
 * region's (offset, length) pair among the header's bytes.
 */
function findRecordBatchBufferLength(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let pos = 0;
  for (;;) {
    const metaLen = view.getInt32(pos + 4, true);
    const start = pos + 8;
    const end = start + metaLen;
    const message = Message.decode(bytes.subarray(start, end));
    if (message.headerType === MessageHeader.RecordBatch) {
      const regions = (message.header() as { buffers: { offset: number; length: number }[] }).buffers.filter((r) => r.length > 0);
      const last = regions[regions.length - 1];
      for (let p = start; p + 16 <= end; p += 8) {
        if (Number(view.getBigInt64(p, true)) === last.offset && Number(view.getBigInt64(p + 8, true)) === last.length) return p + 8;
      }
      throw new Error('buffer region not found in the header bytes');
    }
    pos = end + Number(message.bodyLength);
  }
}

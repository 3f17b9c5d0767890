// The table view of `export --format table`: alignment, terminal row limit, the
// "... N more rows" line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Field, Schema } from 'apache-arrow';
import { batchStream, column, makeBatch, utf8Column } from '@recdata/core';
import { exportStream, parseTypeName } from '@recdata/core/formats';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recdata-table-'));

function events(rows: number) {
  const schema = new Schema([new Field('user_id', parseTypeName('uint64')!, true), new Field('note', parseTypeName('utf8')!, true), new Field('score', parseTypeName('float64')!, true)]);
  const notes = Array.from({ length: rows }, (_, i) => (i === 1 ? null : i === 2 ? 'two\nlines' : i === 3 ? 'x'.repeat(80) : `n${i}`));
  const batch = makeBatch(schema, [column.uint64(BigUint64Array.from({ length: rows }, (_, i) => BigInt(i) * 1000n)), utf8Column(notes), column.float64(Float64Array.from({ length: rows }, (_, i) => i / 4))], rows);
  return batchStream(schema, [batch.slice(0, Math.min(rows, 10)), batch.slice(Math.min(rows, 10))]);
}

async function view(rows: number, options: { limit?: number; tty: boolean }): Promise<string[]> {
  const file = path.join(dir, `${rows}-${options.limit}-${options.tty}.txt`);
  await exportStream(events(rows), { format: 'table', file, ...options });
  return fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

describe('table view', () => {
  it('aligns columns under a header, numbers to the right, null as null, long or multi-line values made to fit', async () => {
    const lines = await view(5, { tty: false });
    assert.deepEqual(lines, [
      'user_id  note                                                          score',
      '-------  ------------------------------------------------------------  -----',
      '      0  n0                                                                0',
      '   1000  null                                                           0.25',
      '   2000  two\\nlines                                                      0.5',
      `   3000  ${'x'.repeat(59)}…   0.75`,
      '   4000  n4                                                                1',
    ]);
  });

  it('shows 20 rows on a terminal, then how many more there are; --limit changes it, 0 shows all', async () => {
    const tty = await view(50, { tty: true });
    assert.equal(tty.length, 2 + 20 + 1);
    assert.equal(tty.at(-1), '... 30 more rows');
    const three = await view(50, { tty: false, limit: 3 });
    assert.equal(three.length, 2 + 3 + 1);
    assert.equal(three.at(-1), '... 47 more rows');
    const all = await view(50, { tty: true, limit: 0 });
    assert.equal(all.length, 2 + 50);
    const piped = await view(50, { tty: false });
    assert.equal(piped.length, 2 + 50);
  });

  it('says so when there are no rows', async () => {
    assert.deepEqual(await view(0, { tty: false }), ['user_id  note  score', '-------  ----  -----', '(no rows)']);
  });
});

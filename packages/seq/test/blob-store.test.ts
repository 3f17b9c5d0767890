// blob-store units: the filter language (any text either fails with exit 2 or
// compiles to SQL made only of quoted known columns, keywords, operators and `?`:
// user text never becomes SQL), filters against a JS model of the rows, keys,
// dedupe, and gc (never an object a row references).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BlobStore, checkKey, compileWhere, keyOf, parseWhere } from '../src/index.ts';
import { tempStore } from './store-helpers.ts';

const COLUMNS = ['key', 'size', 'mime', 'created', 'name', 'item_id', 'modality'];
const SQL_WORDS = /\b(and|or|not|is|null|like|in|between)\b/g;

function onlySafeSql(sql: string): boolean {
  let rest = sql;
  for (const c of COLUMNS) rest = rest.split(`"${c}"`).join(' ');
  rest = rest.replace(SQL_WORDS, ' ').replace(/!=|<=|>=|[=<>(),?]/g, ' ');
  return rest.trim() === '';
}

describe('blob-store filters', () => {
  it('any text: exit 2, or SQL with every value a parameter', () => {
    const piece = fc.constantFrom('item_id', 'mime', 'name', '=', '!=', '<', '>=', 'and', 'or', 'not', 'in', '(', ')', ',', 'like', 'is', 'null', 'between', "'x'", "'a''b'", "'; drop table blobs; --'", '42', '-1.5', '"', ';', 'select', 'nope');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(piece, { maxLength: 12 }).map((p) => p.join(' '))), (text) => {
        let compiled;
        try {
          compiled = compileWhere(parseWhere(text), COLUMNS);
        } catch (e) {
          assert.equal((e as { exitCode?: number }).exitCode, 2, String(e));
          return;
        }
        assert.ok(onlySafeSql(compiled.sql), `${text} -> ${compiled.sql}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('filters select what a JS model of the rows selects', () => {
    const dir = tempStore('blob-filters');
    const store = BlobStore.open(dir, { create: true });
    try {
      const rows = [
        { item_id: 1, modality: 'image', body: 'a' },
        { item_id: 2, modality: 'text', body: 'b' },
        { item_id: 42, modality: 'image', body: 'c' },
        { item_id: 42, modality: "it's", body: 'a' },
      ];
      for (const r of rows) store.put(Buffer.from(r.body), { name: `${r.body}.bin`, meta: { item_id: r.item_id, modality: r.modality } });
      const cases: [string, (r: (typeof rows)[number]) => boolean][] = [
        ['item_id = 42', (r) => r.item_id === 42],
        ["modality = 'image' and not item_id = 1", (r) => r.modality === 'image' && r.item_id !== 1],
        ['item_id in (1, 2) or item_id > 40', () => true],
        ['item_id between 2 and 42 and modality like \'i%\'', (r) => r.item_id >= 2 && r.modality.startsWith('i')],
        ["modality = 'it''s'", (r) => r.modality === "it's"],
        ['name is null', () => false],
        ['(item_id < 2 or item_id >= 42) and size = 1', (r) => r.item_id < 2 || r.item_id >= 42],
      ];
      for (const [where, keep] of cases) {
        assert.deepEqual(
          store.list(where).map((r) => r.item_id),
          rows.filter(keep).map((r) => r.item_id),
          where,
        );
      }
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('blob-store objects', () => {
  it('keys: 64 hex characters only, checked before any path', () => {
    const k = keyOf(Buffer.from('x'));
    assert.equal(checkKey(k.toUpperCase()), k);
    for (const bad of ['..', `../${k.slice(3)}`, `${k.slice(0, 10)}/${k.slice(11)}`, k.slice(1), `${k}0`, 'z'.repeat(64), '']) {
      assert.throws(() => checkKey(bad), (e: { exitCode?: number }) => e.exitCode === 65, bad);
    }
  });

  it('equal bytes are stored once; gc deletes only unreferenced objects and leftovers', () => {
    const dir = tempStore('blob-gc');
    const store = BlobStore.open(dir, { create: true });
    try {
      const a = store.put(Buffer.from('same'), { meta: { item_id: 1 } });
      const b = store.put(Buffer.from('same'), { meta: { item_id: 2 } });
      const c = store.put(Buffer.from('other'), { meta: { item_id: 3 } });
      assert.equal(a.key, b.key);
      assert.equal(a.stored, true);
      assert.equal(b.stored, false);
      const leftover = path.join(dir, 'objects', c.key.slice(0, 2), c.key.slice(2, 4), `.tmp-${c.key}-1-dead`);
      fs.writeFileSync(leftover, 'half');
      assert.equal(store.remove('item_id = 1 or item_id = 3'), 2);
      const r = store.gc();
      assert.deepEqual({ removed: r.removed, kept: r.kept }, { removed: 2, kept: 1 });
      assert.deepEqual(Buffer.from(store.get(a.key)), Buffer.from('same'));
      assert.throws(() => store.get(c.key), (e: { exitCode?: number }) => e.exitCode === 65);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

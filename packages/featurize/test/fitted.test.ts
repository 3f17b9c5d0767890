// The fitted file: written and read back to the same transform, large vocabularies
// in checked sidecars, fingerprints that catch edits, and the training-serving
// check that refuses a stream with other columns.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { RecdataError } from '@recdata/core';
import { bindFitted, fit, INLINE_LIMIT, readFitted, writeFitted, type CategorifyState } from '../src/index.ts';
import { EVERY_OP, generated } from './data.ts';
import { batchOf, ipc, spec, streamOf, transformBatches } from './helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'featurize-fitted-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function expectBad(fn: () => unknown, code: number, pattern: RegExp): void {
  assert.throws(fn, (e: RecdataError) => {
    assert.ok(e instanceof RecdataError, String(e));
    assert.equal(e.exitCode, code, e.describe());
    assert.match(e.describe(), pattern);
    return true;
  });
}

async function expectBadAsync(p: Promise<unknown>, code: number, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: RecdataError) => {
    assert.ok(e instanceof RecdataError, String(e));
    assert.equal(e.exitCode, code, e.describe());
    assert.match(e.describe(), pattern);
    return true;
  });
}

describe('the fitted file', () => {
  const batch = generated(3000, 21);
  // Enough distinct values for a sidecar.
  const wide = batchOf({
    id: { type: new Int32(), values: Array.from({ length: 6000 }, (_, i) => (i * 7919) % (INLINE_LIMIT * 3)) },
    word: { type: new Utf8(), values: Array.from({ length: 6000 }, (_, i) => `w${i % (INLINE_LIMIT + 500)}`) },
    y: { type: new Float64(), values: Array.from({ length: 6000 }, (_, i) => i % 3) },
  });
  const WIDE = 'features:\n  - { name: id_code, op: categorify, input: id, oov_buckets: 3 }\n  - { name: word_te, op: target_encode, input: word, target: y }\n  - { name: word_code, op: categorify, input: word, max_size: 10 }\n';

  for (const [label, input, yaml] of [
    ['every op, inline', batch, EVERY_OP],
    ['large vocabularies in sidecars', wide, WIDE],
  ] as const) {
    it(`reads back to the same transform (${label})`, async () => {
      const fitted = await fit(streamOf([input]), spec(yaml));
      const file = path.join(dir, `${label.replace(/\W+/g, '-')}.json`);
      await writeFitted(fitted, 'spec.yaml', file);
      const model = readFitted(file);
      const again = await bindFitted(model, input.schema);
      for (const training of [false, true]) {
        const direct = ipc(await transformBatches(fitted, [input], { training }));
        const read = ipc(await transformBatches({ ...fitted, bound: again.bound, states: again.states }, [input], { training }));
        assert.ok(direct.equals(read), 'the transform differs after a round trip through the file');
      }
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(doc.format, 'recdata-featurize-fitted');
      assert.equal(doc.version, 1);
      assert.match(doc.spec_fingerprint, /^xxh64:[0-9a-f]{16}$/);
      assert.match(doc.schema_fingerprint, /^xxh64:[0-9a-f]{16}$/);
      const sidecars = doc.features.filter((f: { fitted: { sidecar?: string } }) => f.fitted.sidecar).map((f: { fitted: { sidecar: string } }) => f.fitted.sidecar);
      assert.equal(sidecars.length, label.startsWith('large') ? 2 : 0);
      for (const s of sidecars) assert.ok(fs.existsSync(path.join(dir, s)));
    });
  }

  it('catches edits: features, schema, sidecars', async () => {
    const fitted = await fit(streamOf([wide]), spec(WIDE));
    const file = path.join(dir, 'tamper.json');
    await writeFitted(fitted, 'spec.yaml', file);
    const text = fs.readFileSync(file, 'utf8');
    const doc = JSON.parse(text);

    fs.writeFileSync(file, text.replace('"oov_buckets": 3', '"oov_buckets": 4'));
    expectBad(() => readFitted(file), 65, /its features were edited after fit/);
    fs.writeFileSync(file, JSON.stringify({ ...doc, schema: [{ name: 'id', type: 'int64' }, ...doc.schema.slice(1)] }));
    expectBad(() => readFitted(file), 65, /its "schema" was edited after fit/);
    fs.writeFileSync(file, JSON.stringify({ ...doc, version: 2 }));
    expectBad(() => readFitted(file), 65, /version 2, this recdata reads version 1/);
    fs.writeFileSync(file, 'features:\n  - { name: a, op: log1p, input: x }\n');
    expectBad(() => readFitted(file), 65, /not a valid fitted file: it is not JSON/);
    fs.writeFileSync(file, JSON.stringify({ features: [] }));
    expectBad(() => readFitted(file), 65, /this is a feature spec, not a fitted file/);
    expectBad(() => readFitted(path.join(dir, 'absent.json')), 66, /cannot open .*absent\.json: no such file/);

    fs.writeFileSync(file, text);
    const sidecar = path.join(dir, doc.features[0].fitted.sidecar);
    const bytes = fs.readFileSync(sidecar);
    const changed = Buffer.from(bytes);
    changed[changed.length - 20] ^= 1;
    fs.writeFileSync(sidecar, changed);
    await expectBadAsync(bindFitted(readFitted(file), wide.schema), 65, /its sidecar .* changed after fit \(XXH64 differs\) \(.*tamper\.json:\d+\)/);
    fs.rmSync(sidecar);
    await expectBadAsync(bindFitted(readFitted(file), wide.schema), 65, /its sidecar .* is missing/);
    fs.writeFileSync(sidecar, bytes);
    await bindFitted(readFitted(file), wide.schema);
  });

  it('refuses a stream whose columns differ from the fitted ones, naming the difference', async () => {
    const fitted = await fit(streamOf([wide]), spec(WIDE));
    const file = path.join(dir, 'serving.json');
    await writeFitted(fitted, 'spec.yaml', file);
    const model = readFitted(file);
    const retyped = new Schema([new Field('id', new Float64()), new Field('word', new Utf8()), new Field('y', new Float64())]);
    await expectBadAsync(bindFitted(model, retyped), 65, /column "id" is float64 in the stream but was int32 when fitted/);
    const missing = new Schema([new Field('id', new Int32()), new Field('y', new Float64())]);
    await expectBadAsync(bindFitted(model, missing), 65, /the stream has no column "word" \(utf8 when fitted, read by word_te, word_code\); it has: id, y/);
    // The target is read by fit only: serving streams need not have it; extra columns are fine.
    const serving = new Schema([new Field('extra', new Utf8()), new Field('word', new Utf8()), new Field('id', new Int32())]);
    await bindFitted(model, serving);
  });

  it('counts approximately past --memory-limit, and says so', async () => {
    const exact = await fit(streamOf([wide]), spec(WIDE));
    const capped = await fit(streamOf([wide]), spec(WIDE), { memoryLimit: 1 << 16 });
    const e = exact.states[0] as CategorifyState;
    const c = capped.states[0] as CategorifyState;
    assert.equal(e.exact, true);
    assert.equal(c.exact, false);
    assert.ok(c.distinct < e.distinct && c.count_error > 0);
  });

  it('a failed write leaves nothing behind (exit 74)', async () => {
    const fitted = await fit(streamOf([wide]), spec(WIDE));
    const target = path.join(dir, 'no-such-dir', 'fitted.json');
    await expectBadAsync(writeFitted(fitted, 'spec.yaml', target), 74, /cannot write/);
    assert.ok(!fs.existsSync(path.dirname(target)));
  });
});

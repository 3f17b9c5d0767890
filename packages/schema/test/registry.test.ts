import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@recdata/core';
import { canonicalText, fingerprint, loadProtoFile, modelFromFile, parseProtoSource, SchemaRegistry } from '../src/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'fixtures', 'schema', 'examples');
const FEAST = path.join(ROOT, 'fixtures', 'schema', 'rules', 'feast_reuse');

function scratch(name: string): string {
  const base = process.env.RECDATA_TEST_OUTPUT ?? path.join(ROOT, 'test-output');
  const dir = path.join(base, `schema-registry-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const example = (v: number) => {
  const file = path.join(EXAMPLES, `user_features_v${v}.proto`);
  return { model: modelFromFile(loadProtoFile(file), 'UserFeatures'), source: { text: fs.readFileSync(file, 'utf8'), name: file } };
};

describe('schema registry', () => {
  it('registers versions in order, with canonical text, fingerprint, mode and time', () => {
    const db = path.join(scratch('order'), 'reg.db');
    const reg = SchemaRegistry.open(db, { create: true });
    for (const v of [1, 2, 3]) {
      const { model, source } = example(v);
      const r = reg.register('user_features', model, source, { now: new Date(Date.UTC(2024, 0, v)) });
      assert.equal(r.outcome, 'registered');
      assert.equal(r.version, v);
      assert.equal(r.fingerprint, fingerprint(model));
    }
    const rows = reg.versions('user_features');
    assert.deepEqual(
      rows.map((r) => [r.version, r.message, r.mode, r.registeredAt]),
      [1, 2, 3].map((v) => [v, 'rec.v1.UserFeatures', 'backward_transitive', `2024-01-0${v}T00:00:00.000Z`]),
    );
    assert.equal(rows[2].canonical, canonicalText(example(3).model));
    assert.equal(rows[2].source, example(3).source.text);
    assert.deepEqual(reg.subjects(), [{ name: 'user_features', versions: 3, latest: 3 }]);
    reg.close();
  });

  it('the same schema again (other comments, other layout) is a no-op naming the version', () => {
    const db = path.join(scratch('same'), 'reg.db');
    const reg = SchemaRegistry.open(db, { create: true });
    const { model, source } = example(1);
    reg.register('s', model, source);
    const relaid = `// reformatted\n${source.text.replace(/\n\n/g, '\n').replace(/  /g, '    ')}`;
    const again = modelFromFile(parseProtoSource(relaid, 'again.proto'), 'UserFeatures');
    const r = reg.register('s', again, { text: relaid, name: 'again.proto' });
    assert.equal(r.outcome, 'unchanged');
    assert.equal(r.version, 1);
    assert.equal(reg.versions('s').length, 1);
    reg.close();
  });

  it('refuses an incompatible version and writes nothing', () => {
    const db = path.join(scratch('refuse'), 'reg.db');
    const reg = SchemaRegistry.open(db, { create: true });
    const load = (f: string) => ({ model: modelFromFile(loadProtoFile(path.join(FEAST, f)), undefined), source: { text: fs.readFileSync(path.join(FEAST, f), 'utf8'), name: f } });
    const v1 = load('v1.proto');
    const v2 = load('v2.proto');
    const v3 = load('v3.proto');
    assert.equal(reg.register('driver', v1.model, v1.source).outcome, 'registered');
    const refused = reg.register('driver', v2.model, v2.source);
    assert.equal(refused.check.compatible, false);
    assert.deepEqual(refused.check.violations.map((v) => v.rule), ['FIELD_NO_DELETE_UNLESS_NAME_RESERVED', 'FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED']);
    assert.equal(reg.versions('driver').length, 1);
    // Feast's history: the deletion accepted without checks ...
    assert.equal(reg.register('driver', v2.model, v2.source, { mode: 'none' }).version, 2);
    // ... then the re-added number: plain backward misses it, backward_transitive does not.
    const transitive = reg.register('driver', v3.model, v3.source, { mode: 'backward_transitive' });
    assert.equal(transitive.check.compatible, false);
    assert.deepEqual(transitive.check.violations.map((v) => v.rule), ['FIELD_NUMBER_REUSED', 'FIELD_SAME_TYPE']);
    assert.deepEqual(transitive.check.violations.map((v) => v.against), [['version 2'], ['version 1']]);
    assert.equal(reg.versions('driver').length, 2);
    const plain = reg.register('driver', v3.model, v3.source, { mode: 'backward' });
    assert.equal(plain.outcome, 'registered');
    assert.equal(plain.version, 3);
    reg.close();
  });

  it('a file that is not a recdata registry is exit 65; a missing one (not created) is exit 66', () => {
    const dir = scratch('notreg');
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'this is not a database, it is a text file long enough to be read as one\n'.repeat(20));
    assert.throws(() => SchemaRegistry.open(text), (e: Error & { exitCode?: number }) => e.exitCode === 65 && /is not a recdata schema registry/.test(e.message));
    const other = path.join(dir, 'other.db');
    const db = openDatabase(other, { applicationId: 0x12345678, kind: 'other', create: true, init: ['create table t (x)'] });
    db.close();
    assert.throws(() => SchemaRegistry.open(other), (e: Error & { exitCode?: number }) => e.exitCode === 65 && /is not a recdata schema registry/.test(e.message));
    assert.throws(() => SchemaRegistry.open(path.join(dir, 'absent.db')), (e: Error & { exitCode?: number }) => e.exitCode === 66);
  });

  it('a crash part-way through a register leaves the registry as it was', () => {
    const dir = scratch('crash');
    const db = path.join(dir, 'reg.db');
    const reg = SchemaRegistry.open(db, { create: true });
    const { model, source } = example(1);
    reg.register('user_features', model, source);
    reg.close();
    // A child process registers v2 and is killed (SIGKILL) inside the transaction, after its inserts.
    const script = `
      const s = await import(${JSON.stringify(path.join(HERE, '..', 'src', 'index.ts'))});
      const fs = await import('node:fs');
      const file = ${JSON.stringify(path.join(EXAMPLES, 'user_features_v2.proto'))};
      const reg = s.SchemaRegistry.open(${JSON.stringify(db)});
      const model = s.modelFromFile(s.loadProtoFile(file), 'UserFeatures');
      reg.register('user_features', model, { text: fs.readFileSync(file, 'utf8'), name: file }, { beforeCommit: () => process.kill(process.pid, 'SIGKILL') });
      console.log('committed');
    `;
    const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: ROOT });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    assert.doesNotMatch(r.stdout, /committed/);
    const after = SchemaRegistry.open(db);
    assert.deepEqual(after.versions('user_features').map((v) => v.version), [1]);
    // and it still takes the next version
    const v2 = example(2);
    assert.equal(after.register('user_features', v2.model, v2.source).version, 2);
    after.close();
  });

  it('an unknown subject or version is exit 65 naming what there is', () => {
    const db = path.join(scratch('unknown'), 'reg.db');
    const reg = SchemaRegistry.open(db, { create: true });
    const { model, source } = example(1);
    reg.register('a', model, source);
    assert.throws(() => reg.requireVersions('b'), (e: Error & { exitCode?: number }) => e.exitCode === 65 && /no subject "b".*its subjects are: a/.test(e.message));
    assert.throws(() => reg.version('a', 7), (e: Error & { exitCode?: number }) => e.exitCode === 65 && /no version 7; it has 1/.test(e.message));
    reg.close();
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkCompatibility, loadProtoFile, modelFromFile, parseMode, parseProtoSource, RULES, type Mode, type Version } from '../src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURES = path.join(ROOT, 'fixtures', 'schema');
const RULE_CASES = path.join(FIXTURES, 'rules');

interface ExpectedCheck {
  files: string[];
  mode: Mode;
  compatible: boolean;
  violations: { rule: string; message: string; field: string; line: number; column: number }[];
}

function versions(dir: string, files: string[]): Version[] {
  return files.map((f) => ({ model: modelFromFile(loadProtoFile(path.join(dir, f)), undefined), label: f }));
}

describe('rule fixtures (fixtures/schema/rules/*/expected.json)', () => {
  const cases = fs.readdirSync(RULE_CASES).sort();
  for (const name of cases) {
    const dir = path.join(RULE_CASES, name);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { checks: ExpectedCheck[] };
    for (const check of expected.checks) {
      it(`${name}: ${check.files.join(' -> ')} under ${check.mode}`, () => {
        const all = versions(dir, check.files);
        const result = checkCompatibility(all.slice(0, -1), all[all.length - 1], check.mode);
        const got = result.violations.map((v) => ({ rule: v.rule, message: v.message, field: v.field, line: v.line, column: v.column }));
        assert.deepEqual(got, check.violations);
        assert.equal(result.compatible, check.compatible);
        for (const v of result.violations) assert.equal(v.file, path.join(dir, check.files[check.files.length - 1]));
      });
    }
  }

  it('every rule ID has a fixture that expects it', () => {
    const seen = new Set<string>();
    for (const name of cases) {
      const expected = JSON.parse(fs.readFileSync(path.join(RULE_CASES, name, 'expected.json'), 'utf8')) as { checks: ExpectedCheck[] };
      for (const c of expected.checks) for (const v of c.violations) seen.add(v.rule);
    }
    assert.deepEqual(RULES.filter((r) => !seen.has(r)), []);
  });

  it('the Feast scenario: caught by backward_transitive (FIELD_NUMBER_REUSED and FIELD_SAME_TYPE), missed by plain backward', () => {
    const all = versions(path.join(RULE_CASES, 'feast_reuse'), ['v1.proto', 'v2.proto', 'v3.proto']);
    const plain = checkCompatibility(all.slice(0, 2), all[2], 'backward');
    assert.equal(plain.compatible, true);
    const transitive = checkCompatibility(all.slice(0, 2), all[2], 'backward_transitive');
    assert.deepEqual(transitive.violations.map((v) => v.rule).sort(), ['FIELD_NUMBER_REUSED', 'FIELD_SAME_TYPE']);
    const reuse = transitive.violations.find((v) => v.rule === 'FIELD_NUMBER_REUSED')!;
    assert.match(reuse.detail, /deleted in v2\.proto \(was "trips_today" int64 in v1\.proto\) and is used again by "trips_today" string/);
  });
});

describe('compatibility modes', () => {
  const v = (source: string, label: string): Version => ({ model: modelFromFile(parseProtoSource(source, label), undefined), label });
  const v1 = v('syntax = "proto3";\nmessage M {\n  int64 a = 1;\n  int32 b = 2;\n}\n', 'v1');
  const v2 = v('syntax = "proto3";\nmessage M {\n  reserved 2;\n  reserved "b";\n  int64 a = 1;\n}\n', 'v2');
  const v3 = v('syntax = "proto3";\nmessage M {\n  reserved "b";\n  int64 a = 1;\n  int32 b2 = 2;\n}\n', 'v3');

  it('FIELD_NUMBER_REUSED fires whatever the type now (re-added with the same type)', () => {
    const r = checkCompatibility([v1, v2], v3, 'backward_transitive');
    assert.ok(r.violations.some((x) => x.rule === 'FIELD_NUMBER_REUSED' && x.field === 'b2'));
    assert.equal(r.violations.some((x) => x.rule === 'FIELD_SAME_TYPE'), false);
  });

  it('none accepts anything', () => {
    assert.equal(checkCompatibility([v1, v2], v3, 'none').compatible, true);
  });

  it('promotions run one way: backward allows widening, forward narrowing, full neither', () => {
    const wide = v('syntax = "proto3";\nmessage M {\n  int64 a = 1;\n  int64 b = 2;\n}\n', 'wide');
    assert.equal(checkCompatibility([v1], wide, 'backward').compatible, true);
    assert.deepEqual(checkCompatibility([v1], wide, 'forward').violations.map((x) => x.rule), ['FIELD_SAME_TYPE']);
    assert.deepEqual(checkCompatibility([v1], wide, 'full').violations.map((x) => x.rule), ['FIELD_SAME_TYPE']);
    assert.equal(checkCompatibility([wide], v1, 'forward').compatible, true);
  });

  it('transitive modes merge one violation found against several versions', () => {
    const s = v('syntax = "proto3";\nmessage M {\n  int64 a = 1;\n  int32 b = 2;\n  string c = 3;\n}\n', 's');
    const t = v('syntax = "proto3";\nmessage M {\n  int64 a = 1;\n  int32 b = 2;\n  string c = 3;\n  bool d = 4;\n}\n', 't');
    const u = v('syntax = "proto3";\nmessage M {\n  int64 a = 1;\n  int32 b = 2;\n  bytes c = 3;\n  bool d = 4;\n}\n', 'u');
    const r = checkCompatibility([s, t], u, 'backward_transitive');
    assert.equal(r.violations.length, 1);
    assert.deepEqual(r.violations[0].against, ['s', 't']);
  });

  it('an unknown mode is a usage error (exit 2)', () => {
    assert.throws(() => parseMode('sideways'), (e: Error & { exitCode?: number }) => e.exitCode === 2 && /expected none\|backward/.test(e.message));
  });
});

describe('fixtures are valid protobuf (protoc)', () => {
  const protoc = spawnSync('sh', ['-c', 'command -v protoc'], { encoding: 'utf8' }).stdout.trim();
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.proto') && !p.includes(`${path.sep}include${path.sep}`)) files.push(p);
    }
  };
  walk(FIXTURES);

  it(`protoc accepts every fixture .proto (${files.length} files)`, (t) => {
    if (!protoc) {
      t.skip('protoc is not installed (Debian: apt-get install protobuf-compiler; npm test installs it)');
      return;
    }
    assert.ok(files.length >= 40);
    for (const f of files) {
      const r = spawnSync(protoc, ['-I', path.join(FIXTURES, 'include'), '-I', path.dirname(f), '--descriptor_set_out=/dev/null', f], { encoding: 'utf8' });
      assert.equal(r.status, 0, `protoc rejects ${path.relative(ROOT, f)}: ${r.stderr}`);
    }
  });

  it('protoc and recdata agree on rejecting what protobufjs alone would accept', (t) => {
    if (!protoc) {
      t.skip('protoc is not installed (Debian: apt-get install protobuf-compiler; npm test installs it)');
      return;
    }
    const dir = fs.mkdtempSync(path.join(ROOT, 'test-output', 'protoc-'));
    const bad = {
      'zero.proto': 'syntax = "proto3";\nmessage M {\n  int32 a = 0;\n}\n',
      'reserved.proto': 'syntax = "proto3";\nmessage M {\n  reserved 3;\n  int32 a = 3;\n}\n',
      'default3.proto': 'syntax = "proto3";\nmessage M {\n  int32 a = 1 [default = 2];\n}\n',
      'enum3.proto': 'syntax = "proto3";\nenum E {\n  A = 1;\n}\nmessage M { E e = 1; }\n',
    };
    for (const [name, source] of Object.entries(bad)) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, source);
      const r = spawnSync(protoc, ['-I', dir, '--descriptor_set_out=/dev/null', file], { encoding: 'utf8' });
      assert.notEqual(r.status, 0, `protoc accepts ${name}`);
      assert.throws(() => loadProtoFile(file), (e: Error & { exitCode?: number }) => e.exitCode === 65, `recdata accepts ${name}`);
    }
    fs.rmSync(dir, { recursive: true });
  });
});

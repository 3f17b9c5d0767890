import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { typeName } from '@recdata/core';
import {
  arrowSchemaText,
  canonicalText,
  diffSchemas,
  fingerprint,
  FIELD_ID_KEY,
  formatDiff,
  loadProtoFile,
  modelFromCanonical,
  modelFromFile,
  parseProtoSource,
  toArrowSchema,
} from '../src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'fixtures', 'schema', 'examples');
const EXPECTED = path.join(ROOT, 'fixtures', 'schema', 'expected');

const model = (source: string, message?: string) => modelFromFile(parseProtoSource(source, 'm.proto'), message);

describe('Arrow mapping (docs/schema-mapping.md)', () => {
  const m = model(`syntax = "proto3";
package t;
import "google/protobuf/timestamp.proto";
message R {
  int32 i32 = 1; sint32 s32 = 2; sfixed32 sf32 = 3;
  int64 i64 = 4; sint64 s64 = 5; sfixed64 sf64 = 6;
  uint32 u32 = 7; fixed32 f32 = 8; uint64 u64 = 9; fixed64 f64 = 10;
  float fl = 11; double db = 12; bool b = 13; string s = 14; bytes by = 15;
  E e = 16; repeated int32 ri = 17; map<string, int64> m = 18; Sub sub = 19;
  google.protobuf.Timestamp ts = 20; repeated Sub rs = 21; map<int32, Sub> ms = 22;
  enum E { E0 = 0; E1 = 1; }
  message Sub { string x = 1; repeated E es = 2; }
}`);
  const schema = toArrowSchema(m);
  const types = Object.fromEntries(schema.fields.map((f) => [f.name, typeName(f.type)]));

  it('maps every scalar, enum, repeated, map, message and Timestamp as the issue lists', () => {
    assert.deepEqual(types, {
      i32: 'int32',
      s32: 'int32',
      sf32: 'int32',
      i64: 'int64',
      s64: 'int64',
      sf64: 'int64',
      u32: 'uint32',
      f32: 'uint32',
      u64: 'uint64',
      f64: 'uint64',
      fl: 'float32',
      db: 'float64',
      b: 'bool',
      s: 'utf8',
      by: 'binary',
      e: 'dict',
      ri: 'list<int32>',
      m: 'map<utf8, int64>',
      sub: 'struct<x: utf8, es: list<dict>>',
      ts: 'timestamp[us, UTC]',
      rs: 'list<struct<x: utf8, es: list<dict>>>',
      ms: 'map<int32, struct<x: utf8, es: list<dict>>>',
    });
  });

  it('every field carries its number under PARQUET:field_id, nested fields too; all are nullable', () => {
    assert.deepEqual(
      schema.fields.map((f) => f.metadata.get(FIELD_ID_KEY)),
      Array.from({ length: 22 }, (_, i) => String(i + 1)),
    );
    assert.ok(schema.fields.every((f) => f.nullable));
    const sub = schema.fields.find((f) => f.name === 'sub')!;
    assert.deepEqual(
      sub.type.children.map((c: any) => c.metadata.get(FIELD_ID_KEY)),
      ['1', '2'],
    );
  });

  it('gives each enum column its own dictionary id', () => {
    const ids = new Set([...schema.dictionaries.keys()]);
    assert.equal(ids.size, 4); // e, sub.es, rs[].es, ms{}.es: none shared
  });

  it('prints the schema with field numbers', () => {
    const text = arrowSchemaText(toArrowSchema(model('syntax = "proto3";\nmessage A {\n  int64 id = 1;\n  B b = 2;\n  message B { repeated string tags = 3; }\n}\n')));
    assert.equal(text, 'id: int64  [field 1]\nb: struct  [field 2]\n  tags: list<utf8>  [field 3]\n-- metadata --\nrecdata.schema.message: A\n');
  });

  it('a recursive message is exit 65 (Arrow has no recursive types)', () => {
    const r = model('syntax = "proto3";\nmessage Node {\n  int64 id = 1;\n  repeated Node children = 2;\n}\n');
    assert.throws(() => toArrowSchema(r), (e: Error & { exitCode?: number }) => e.exitCode === 65 && /recursive \(Node -> Node\)/.test(e.message));
  });
});

describe('canonical text and fingerprint', () => {
  const base = `syntax = "proto3";
package p;
message M {
  reserved 7, 5;
  reserved "z", "y";
  int64 a = 1;
  Inner b = 2;
  message Inner { string s = 1; }
  enum Unused { U0 = 0; }
}`;
  const reformatted = `// comments and layout change nothing
syntax="proto3";   package p;
message M
{
  enum Unused { U0 = 0; }   /* declarations moved */
  message Inner {
    string s = 1;
  }
  reserved 5, 7; reserved "y", "z";
  int64   a = 1;   // same field
  Inner b = 2;
}
message Unrelated { int32 q = 1; }`;

  it('ignores comments, whitespace, where nested types are declared, the order of reserved ranges and unrelated messages', () => {
    assert.equal(canonicalText(model(base, 'M')), canonicalText(model(reformatted, 'M')));
    assert.equal(fingerprint(model(base, 'M')), fingerprint(model(reformatted, 'M')));
  });

  it('changes with anything the data depends on: field order, a type, a name, a default', () => {
    const fp = fingerprint(model(base, 'M'));
    for (const changed of [
      base.replace('int64 a = 1;\n  Inner b = 2;', 'Inner b = 2;\n  int64 a = 1;'),
      base.replace('int64 a', 'int32 a'),
      base.replace('int64 a', 'int64 a2'),
      base.replace('reserved 7, 5;', 'reserved 7;'),
      base.replace('string s = 1;', 'string s = 1; bool t = 2;'),
    ]) {
      assert.notEqual(fingerprint(model(changed, 'M')), fp, changed);
    }
    const p2 = (d: string) => model(`syntax = "proto2";\nmessage M { optional int32 a = 1${d}; }`);
    assert.notEqual(fingerprint(p2(' [default = 1]')), fingerprint(p2(' [default = 2]')));
    assert.equal(fingerprint(p2(' [default = 0x10]')), fingerprint(p2(' [default = 16]')));
  });

  it('round-trips: the model rebuilt from canonical text renders the same text', () => {
    for (const f of fs.readdirSync(EXAMPLES)) {
      const m = modelFromFile(loadProtoFile(path.join(EXAMPLES, f)), 'UserFeatures');
      const text = canonicalText(m);
      assert.equal(canonicalText(modelFromCanonical(text, 'registry')), text);
    }
  });

  it('matches the golden canonical text of user_features_v3.proto', () => {
    const m = modelFromFile(loadProtoFile(path.join(EXAMPLES, 'user_features_v3.proto')), 'UserFeatures');
    assert.equal(canonicalText(m), fs.readFileSync(path.join(EXPECTED, 'user_features_v3.canonical.json'), 'utf8'));
  });

  it('refuses text that is not canonical schema text (exit 65)', () => {
    assert.throws(() => modelFromCanonical('{"format": "other"}', 'row 1'), (e: Error & { exitCode?: number }) => e.exitCode === 65);
    assert.throws(() => modelFromCanonical('not json', 'row 1'), (e: Error & { exitCode?: number }) => e.exitCode === 65);
  });
});

describe('diff', () => {
  it('summarises v1 -> v3 of the example (golden)', () => {
    const v1 = modelFromFile(loadProtoFile(path.join(EXAMPLES, 'user_features_v1.proto')), 'UserFeatures');
    const v3 = modelFromFile(loadProtoFile(path.join(EXAMPLES, 'user_features_v3.proto')), 'UserFeatures');
    assert.equal(formatDiff(diffSchemas(v1, v3), 'v1', 'v3'), fs.readFileSync(path.join(EXPECTED, 'user_features_v1_v3.diff.txt'), 'utf8'));
  });

  it('tells renames, retypes (safe or not) and removals (reserved or not) apart', () => {
    const a = model('syntax = "proto3";\nmessage M { int32 a = 1; string b = 2; int64 c = 3; float d = 4; }');
    const b = model('syntax = "proto3";\nmessage M { reserved 4; int32 a1 = 1; bytes b = 2; int64 c = 3; bool e = 5; }');
    const d = diffSchemas(a, b).messages[0];
    assert.deepEqual(d.renamed, [{ number: 1, name: 'a1', from: 'a' }]);
    assert.deepEqual(d.retyped, [{ number: 2, name: 'b', oldType: 'string', newType: 'bytes', relation: 'unsafe' }]);
    assert.deepEqual(d.removed, [{ number: 4, name: 'd', oldType: 'float', numberReserved: true, nameReserved: false }]);
    assert.deepEqual(d.added, [{ number: 5, name: 'e', newType: 'bool' }]);
  });
});

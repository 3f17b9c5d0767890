import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RecdataError } from '@recdata/core';
import { loadProtoFile, modelFromFile, parseProtoSource, recordMessage, selectMessage } from '../src/index.js';
import { tokenize } from '../src/proto/tokenize.js';

function errorOf(fn: () => unknown): RecdataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RecdataError, `expected a RecdataError, got ${e}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('tokenizer', () => {
  it('keeps line and column of every token, skipping comments', () => {
    const tokens = tokenize('syntax = "proto3";\n// a comment\n/* block\n comment */ message  M {\n\tint32 a = 1;\n}\n');
    const at = (text: string) => tokens.find((t) => t.text === text)!;
    assert.deepEqual([at('syntax').line, at('syntax').column], [1, 1]);
    assert.deepEqual([at('message').line, at('message').column], [4, 13]);
    assert.deepEqual([at('M').line, at('M').column], [4, 22]);
    assert.deepEqual([at('int32').line, at('int32').column], [5, 2]);
    assert.equal(tokens.some((t) => t.text.includes('comment')), false);
  });

  it('reads dotted names, strings with escapes and signed exponents as single tokens', () => {
    const texts = tokenize('.google.protobuf.Timestamp "a\\"b" 1.5e-3 0x1F').map((t) => t.text);
    assert.deepEqual(texts, ['.google.protobuf.Timestamp', '"a\\"b"', '1.5e-3', '0x1F']);
  });
});

describe('parsing .proto files', () => {
  const source = `syntax = "proto3";
package rec.v1;
import "google/protobuf/timestamp.proto";

message UserFeatures {
  reserved 5, 9 to 11;
  reserved "old";
  uint64 user_id = 1;
  optional string name = 2;
  repeated float emb = 3;
  map<string, int64> counts = 4;
  oneof kind { string a = 6; int32 b = 7; }
  google.protobuf.Timestamp seen = 8;
  Color color = 12;
  Inner inner = 13;
  enum Color { RED = 0; GREEN = 1; }
  message Inner { int32 x = 1; }
}

message Other { int32 y = 1; }
`;
  const file = parseProtoSource(source, 'features.proto');

  it('keeps field names as written (keepCase) and declaration order', () => {
    const m = file.messages.get('rec.v1.UserFeatures')!;
    assert.deepEqual(
      m.fields.map((f) => f.name),
      ['user_id', 'name', 'emb', 'counts', 'a', 'b', 'seen', 'color', 'inner'],
    );
  });

  it('maps types, cardinality, real oneofs and reserved ranges; proto3 optional is not a oneof', () => {
    const m = file.messages.get('rec.v1.UserFeatures')!;
    const f = (n: string) => m.fields.find((x) => x.name === n)!;
    assert.deepEqual(f('user_id').type, { kind: 'scalar', name: 'uint64' });
    assert.equal(f('name').proto3Optional, true);
    assert.equal(f('name').oneof, undefined);
    assert.equal(f('emb').cardinality, 'repeated');
    assert.deepEqual(f('counts').type, { kind: 'map', key: 'string', value: { kind: 'scalar', name: 'int64' } });
    assert.equal(f('counts').cardinality, 'optional');
    assert.equal(f('a').oneof, 'kind');
    assert.deepEqual(f('seen').type, { kind: 'message', name: 'google.protobuf.Timestamp' });
    assert.deepEqual(f('color').type, { kind: 'enum', name: 'rec.v1.UserFeatures.Color' });
    assert.deepEqual(f('inner').type, { kind: 'message', name: 'rec.v1.UserFeatures.Inner' });
    assert.deepEqual(m.reservedNumbers, [
      { from: 5, to: 5 },
      { from: 9, to: 11 },
    ]);
    assert.deepEqual(m.reservedNames, ['old']);
  });

  it('locates messages, fields, enums and enum values at line:col', () => {
    const m = file.messages.get('rec.v1.UserFeatures')!;
    assert.deepEqual(m.at, { line: 5, column: 1 });
    assert.deepEqual(m.reservedAt, { line: 6, column: 3 });
    assert.deepEqual(m.fields.find((x) => x.name === 'name')!.at, { line: 9, column: 3 });
    assert.deepEqual(m.fields.find((x) => x.name === 'b')!.at, { line: 12, column: 30 });
    const e = file.enums.get('rec.v1.UserFeatures.Color')!;
    assert.deepEqual(e.at, { line: 16, column: 3 });
    assert.deepEqual(e.values.map((v) => [v.name, v.number, v.at!.line, v.at!.column]), [
      ['RED', 0, 16, 16],
      ['GREEN', 1, 16, 25],
    ]);
  });

  it('takes the record model: the message, what it declares and what it reaches, not its neighbours', () => {
    const model = modelFromFile(file, 'UserFeatures');
    assert.equal(model.record, 'rec.v1.UserFeatures');
    assert.deepEqual([...model.messages.keys()], ['rec.v1.UserFeatures', 'rec.v1.UserFeatures.Inner']);
    assert.deepEqual([...model.enums.keys()], ['rec.v1.UserFeatures.Color']);
    assert.equal(recordMessage(model).fields.length, 9);
  });

  it('reads proto2 defaults exactly, 64-bit integers and joined strings included', () => {
    const p2 = parseProtoSource(
      `syntax = "proto2";
message M {
  optional int64 a = 1 [default = -9223372036854775808];
  optional uint64 b = 2 [default = 0xFFFFFFFFFFFFFFFF];
  optional string s = 3 [default = "x\\ty" "z"];
  optional Col c = 4 [default = B];
  optional double d = 5 [default = -inf];
  optional float f = 6 [default = 1.5e3];
  optional bool t = 7 [default = true];
  optional bytes by = 8 [default = "\\001\\377"];
  enum Col { A = 1; B = 2; }
}`,
      'p2.proto',
    );
    const defaults = Object.fromEntries(p2.messages.get('M')!.fields.map((f) => [f.name, f.default]));
    assert.deepEqual(defaults, {
      a: '-9223372036854775808',
      b: '18446744073709551615',
      s: JSON.stringify('x\tyz'),
      c: 'B',
      d: '-inf',
      f: '1500',
      t: 'true',
      by: JSON.stringify('\u0001\u00ff'),
    });
  });

  it('reads proto2 groups as a field and a nested message', () => {
    const p = parseProtoSource('syntax = "proto2";\nmessage M {\n  optional group Result = 1 {\n    optional string url = 2;\n  }\n}\n', 'g.proto');
    const m = p.messages.get('M')!;
    assert.deepEqual(m.fields.map((f) => [f.name, f.number, f.type]), [['result', 1, { kind: 'message', name: 'M.Result' }]]);
    assert.equal(p.messages.get('M.Result')!.group, true);
  });

  it('resolves a relative import', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proto-import-'));
    fs.writeFileSync(path.join(dir, 'common.proto'), 'syntax = "proto3";\npackage common;\nmessage Money { int64 micros = 1; string currency = 2; }\n');
    fs.writeFileSync(path.join(dir, 'order.proto'), 'syntax = "proto3";\npackage shop;\nimport "common.proto";\nmessage Order { common.Money total = 1; }\n');
    const model = modelFromFile(loadProtoFile(path.join(dir, 'order.proto')), 'Order');
    assert.deepEqual([...model.messages.keys()], ['common.Money', 'shop.Order']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('bad .proto input', () => {
  // Every unusable file is exit 65 with file:line:col.
  const cases: [string, string, RegExp, number, number][] = [
    ['missing field number', 'syntax = "proto3";\nmessage M {\n  int32 a = ;\n}\n', /illegal id ';'/, 3, 13],
    ['missing semicolon', 'syntax = "proto3";\nmessage M {\n  int32 a = 1\n}\n', /illegal token '}'/, 4, 1],
    ['unknown type', 'syntax = "proto3";\nmessage M {\n  Foo a = 1;\n}\n', /no such Type or Enum 'Foo'/, 3, 3],
    ['duplicate number', 'syntax = "proto3";\nmessage M {\n  int32 a = 1;\n  int32 b = 1;\n}\n', /duplicate id 1/, 4, 13],
    ['unterminated string', 'syntax = "proto3";\nmessage M {\n  string a = 1 [json_name = "x];\n}\n', /unterminated string/, 3, 29],
    ['unterminated comment', 'syntax = "proto3";\n/* never closed\nmessage M {}\n', /unterminated block comment/, 2, 1],
    ['end of input', 'syntax = "proto3";\nmessage M {\n  int32 a = 1;\n', /unexpected end of input/, 3, 15],
    ['field number zero', 'syntax = "proto3";\nmessage M {\n  int32 a = 0;\n}\n', /field number 0 is out of range/, 3, 3],
    ['implementation range', 'syntax = "proto3";\nmessage M {\n  int32 a = 19500;\n}\n', /19000\.\.19999/, 3, 3],
    ['reserved number', 'syntax = "proto3";\nmessage M {\n  reserved 3;\n  int32 a = 3;\n}\n', /id 3 is reserved/, 4, 13],
    ['reserved name', 'syntax = "proto3";\nmessage M {\n  reserved "a";\n  int32 a = 3;\n}\n', /name 'a' is reserved/, 4, 9],
    ['proto3 default', 'syntax = "proto3";\nmessage M {\n  int32 a = 1 [default = 2];\n}\n', /explicit default values are not allowed in proto3/, 3, 3],
    ['proto3 enum not starting at zero', 'syntax = "proto3";\nenum E {\n  A = 1;\n}\nmessage M { E e = 1; }\n', /first value of a proto3 enum must be zero/, 3, 3],
    ['default out of range', 'syntax = "proto2";\nmessage M {\n  optional int32 a = 1 [default = 3000000000];\n}\n', /invalid default/, 3, 3],
  ];
  for (const [name, source, message, line, column] of cases) {
    it(`${name}: exit 65 at ${line}:${column}`, () => {
      const e = errorOf(() => parseProtoSource(source, 'bad.proto'));
      assert.equal(e.exitCode, 65);
      assert.match(e.message, message);
      assert.deepEqual([e.where?.file, e.where?.line, e.where?.columnNumber], ['bad.proto', line, column], e.describe());
    });
  }

  it('a missing file is exit 66', () => {
    const e = errorOf(() => loadProtoFile('/nonexistent/x.proto'));
    assert.equal(e.exitCode, 66);
  });

  it('a missing import names the import at its position', () => {
    const e = errorOf(() => parseProtoSource('syntax = "proto3";\nimport "nowhere/x.proto";\nmessage M {}\n', '/tmp/imp.proto'));
    assert.equal(e.exitCode, 65);
    assert.match(e.message, /import "nowhere\/x.proto" not found/);
    assert.deepEqual([e.where?.line, e.where?.columnNumber], [2, 8]);
  });
});

describe('--message', () => {
  const file = parseProtoSource(
    'syntax = "proto3";\npackage rec.v1;\nmessage UserFeatures { int32 a = 1; message Inner { int32 b = 1; } }\nmessage ItemFeatures { int32 c = 1; }\nmessage Other { message Inner { int32 d = 1; } }\n',
    'two.proto',
  );
  it('takes full names and unambiguous short names', () => {
    assert.equal(selectMessage(file, 'rec.v1.UserFeatures'), 'rec.v1.UserFeatures');
    assert.equal(selectMessage(file, '.rec.v1.ItemFeatures'), 'rec.v1.ItemFeatures');
    assert.equal(selectMessage(file, 'UserFeatures'), 'rec.v1.UserFeatures');
    assert.equal(selectMessage(file, 'UserFeatures.Inner'), 'rec.v1.UserFeatures.Inner');
  });
  it('an unknown name is exit 2 listing the messages', () => {
    const e = errorOf(() => selectMessage(file, 'Nope'));
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /no message "Nope" in two\.proto; its messages are: rec\.v1\.UserFeatures, .*rec\.v1\.ItemFeatures/);
  });
  it('an ambiguous short name is exit 2 naming the candidates', () => {
    const e = errorOf(() => selectMessage(file, 'Inner'));
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /ambiguous.*rec\.v1\.UserFeatures\.Inner, rec\.v1\.Other\.Inner/);
  });
  it('no name: the only top-level message, else exit 2', () => {
    const one = parseProtoSource('syntax = "proto3";\nmessage A { int32 a = 1; message B { int32 b = 1; } }\n', 'one.proto');
    assert.equal(selectMessage(one, undefined), 'A');
    const e = errorOf(() => selectMessage(file, undefined));
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /pass --message/);
  });
});

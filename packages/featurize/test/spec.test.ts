// Spec mistakes are exit 2 with the spec's file:line and the op; a column of a type
// the op cannot take is exit 65 naming op, column and type.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Field, FixedSizeList, Float32, Float64, Int64, List, Schema, Utf8 } from 'apache-arrow';
import { RecdataError } from '@recdata/core';
import { bindSpec, parseSpecText } from '../src/index.ts';

function specError(yaml: string): RecdataError {
  try {
    parseSpecText(yaml, 'features.yaml');
  } catch (e) {
    assert.ok(e instanceof RecdataError, `not a RecdataError: ${e}`);
    return e;
  }
  throw new Error('the spec was accepted');
}

function expectSpecError(yaml: string, line: number, pattern: RegExp): void {
  const e = specError(yaml);
  assert.equal(e.exitCode, 2, e.describe());
  assert.equal(e.where?.file, 'features.yaml');
  assert.equal(e.where?.line, line, e.describe());
  assert.match(e.describe(), pattern);
}

const schema = new Schema([
  new Field('x', new Float64()),
  new Field('name', new Utf8()),
  new Field('ids', new Int64()),
  new Field('hist', new List(new Field('item', new Utf8(), true))),
  new Field('emb', new FixedSizeList(4, new Field('item', new Float64(), true))),
]);

function bindError(yaml: string): RecdataError {
  const spec = parseSpecText(yaml, 'features.yaml').spec;
  try {
    bindSpec(spec, schema, true);
  } catch (e) {
    assert.ok(e instanceof RecdataError);
    return e;
  }
  throw new Error('the spec was bound');
}

describe('spec errors (exit 2, file:line and op)', () => {
  it('unknown op, with the ops listed', () => {
    expectSpecError('features:\n  - { name: a, op: normalize, input: x }\n  - { name: b, op: standardize, input: x }\n', 3, /feature "b": unknown op "standardize" \(one of normalize, minmax,.*\) \(features.yaml:3\)/);
  });

  it('a parameter of the wrong type names it, its expected type and the op', () => {
    expectSpecError('features:\n  - name: b\n    op: bucketize\n    input: x\n    boundaries: [1, "two", 3]\n', 5, /feature "b" \(op bucketize\): parameter "boundaries" must be a non-empty list of finite numbers, got a list/);
    expectSpecError('features:\n  - { name: h, op: hash_bucket, input: x, buckets: many }\n', 2, /\(op hash_bucket\): parameter "buckets" must be an integer from 1 to 2\^64-1/);
    expectSpecError('features:\n  - { name: c, op: categorify, input: x, min_freq: 0 }\n', 2, /parameter "min_freq" must be an integer from 1/);
    expectSpecError('features:\n  - { name: q, op: quantize, input: emb, to: bfloat16 }\n', 2, /parameter "to" must be one of float16, int8, got "bfloat16"/);
  });

  it('unknown and missing parameters', () => {
    expectSpecError('features:\n  - { name: c, op: clip, input: x, minimum: 0 }\n', 2, /\(op clip\): unknown parameter "minimum" \(clip takes min, max\)/);
    expectSpecError('features:\n  - { name: s, op: seq_pad, input: hist }\n', 2, /\(op seq_pad\): missing parameter "length"/);
    expectSpecError('features:\n  - { name: z, op: normalize, input: x, scale: 2 }\n', 2, /unknown parameter "scale" \(normalize takes none\)/);
  });

  it('rules across parameters', () => {
    expectSpecError('features:\n  - { name: c, op: clip, input: x }\n', 2, /clip needs "min", "max" or both/);
    expectSpecError('features:\n  - { name: c, op: clip, input: x, min: 5, max: 1 }\n', 2, /"min" \(5\) is above "max" \(1\)/);
    expectSpecError('features:\n  - { name: b, op: bucketize, input: x, boundaries: [1, 3, 3] }\n', 2, /must increase strictly, but 3 is followed by 3/);
    expectSpecError('features:\n  - { name: f, op: fill_missing, input: x }\n', 2, /strategy constant needs "value"/);
    expectSpecError('features:\n  - { name: f, op: fill_missing, input: x, strategy: mean, value: 1 }\n', 2, /"value" is only for strategy constant/);
    expectSpecError('features:\n  - { name: c, op: hashed_cross, input: x, buckets: 10 }\n', 2, /hashed_cross needs a list of two or more input columns/);
    expectSpecError('features:\n  - { name: c, op: normalize, input: [x, ids] }\n', 2, /"input" must be one column \(only hashed_cross takes a list\)/);
    expectSpecError('features:\n  - { name: h, op: hash_bucket, input: x, buckets: 10, algorithm: murmur3, seed: 4294967296 }\n', 2, /murmur3 takes a seed from 0 to 2\^32-1/);
  });

  it('names: present and unique, the quantize scale column included', () => {
    expectSpecError('features:\n  - { op: log1p, input: x }\n', 2, /\(op log1p\): "name" must be a non-empty string/);
    expectSpecError('features:\n  - { name: a, op: log1p, input: x }\n  - { name: a, op: normalize, input: x }\n', 3, /the output column "a" is already made by the feature on line 2/);
    expectSpecError('features:\n  - { name: q, op: quantize, input: emb, to: int8 }\n  - { name: q_scale, op: log1p, input: x }\n', 3, /"q_scale" is already made/);
  });

  it('not a spec at all', () => {
    expectSpecError('features: [\n', 2, /not a valid YAML or JSON spec/);
    expectSpecError('- a\n- b\n', 1, /expected a map with a "features:" list/);
    expectSpecError('features:\n  - { name: a, op: log1p, input: x }\nextra: 1\n', 3, /unknown top-level key "extra"/);
    expectSpecError('features: []\n', 1, /"features:" is empty/);
    expectSpecError('{"features": [{"name": "a", "op": "log1p", "input": "x", "base": 10}]}', 1, /unknown parameter "base"/);
  });

  it('an unknown column is exit 2 at its feature\'s line, listing the columns', () => {
    const e = bindError('features:\n  - { name: a, op: log1p, input: x }\n  - { name: b, op: normalize, input: rating }\n');
    assert.equal(e.exitCode, 2);
    assert.equal(e.where?.line, 3);
    assert.match(e.describe(), /feature "b" \(op normalize\): unknown column "rating"; the input has: x, name, ids, hist, emb \(features.yaml:3\)/);
    const t = bindError('features:\n  - { name: t, op: target_encode, input: name, target: label }\n');
    assert.equal(t.exitCode, 2);
    assert.match(t.message, /unknown column "label"/);
  });
});

describe('column types (exit 65 naming op, column and type)', () => {
  for (const [label, yaml, pattern] of [
    ['normalize of utf8', 'features:\n  - { name: a, op: normalize, input: name }\n', /feature "a" \(op normalize\): column "name" has type utf8, expected an integer or float column/],
    ['seq_pad of a list of strings', 'features:\n  - { name: a, op: seq_pad, input: hist, length: 3 }\n', /\(op seq_pad\): column "hist" has type list<utf8>, expected a list of integers or floats/],
    ['quantize of float64 embeddings', 'features:\n  - { name: a, op: quantize, input: emb, to: int8 }\n', /\(op quantize\): column "emb" has type fixed_size_list<float64>\[4\], expected a fixed_size_list<float32>/],
    ['categorify of an embedding', 'features:\n  - { name: a, op: categorify, input: emb }\n', /\(op categorify\): column "emb" has type fixed_size_list<float64>\[4\]/],
    ['hashed_cross with a list', 'features:\n  - { name: a, op: hashed_cross, input: [x, hist], buckets: 4 }\n', /\(op hashed_cross\): column "hist" has type list<utf8>, expected a hashable column that is not a list/],
    ['target_encode with a string target', 'features:\n  - { name: a, op: target_encode, input: x, target: name }\n', /\(op target_encode\): column "name" has type utf8, expected a numeric or bool target column/],
    ['difference_lag of strings', 'features:\n  - { name: a, op: difference_lag, input: name, by: x }\n', /\(op difference_lag\): column "name" has type utf8/],
  ] as const) {
    it(label, () => {
      const e = bindError(yaml);
      assert.equal(e.exitCode, 65, e.describe());
      assert.match(e.describe(), pattern);
      assert.match(e.describe(), /features\.yaml:2/);
    });
  }

  it('seq_pad of integers needs an integer pad', () => {
    const wide = new Schema([new Field('l', new List(new Field('item', new Int64(), true)))]);
    const spec = parseSpecText('features:\n  - { name: p, op: seq_pad, input: l, length: 2, pad: 0.5 }\n', 'f.yaml').spec;
    assert.throws(() => bindSpec(spec, wide, false), (e: RecdataError) => e.exitCode === 2 && /"pad" must be an integer/.test(e.message));
    const floats = new Schema([new Field('l', new List(new Field('item', new Float32(), true)))]);
    assert.doesNotThrow(() => bindSpec(spec, floats, false));
  });
});

// Reading a feature spec (YAML or JSON; JSON is YAML) with the line of every
// entry, so that each mistake is reported as `file:line` with the op (exit 2).
import fs from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { errors, openError } from '@recdata/core';
import { OPS, SPEC_ALGORITHMS, type Feature, type FeatureSpec, type OpName } from './spec.js';

type ParamKind = 'number' | 'int' | 'uint64' | 'enum' | 'numbers' | 'column' | 'string';

interface ParamDef {
  kind: ParamKind;
  required?: boolean;
  default?: unknown;
  min?: number;
  max?: number;
  values?: readonly string[];
}

const ALGORITHM: ParamDef = { kind: 'enum', values: SPEC_ALGORITHMS, default: 'xxh64' };
const SEED: ParamDef = { kind: 'uint64', default: 0n };
const HASH_BUCKETS: Record<string, ParamDef> = {
  buckets: { kind: 'uint64', required: true, min: 1 },
  algorithm: ALGORITHM,
  seed: SEED,
  null_hash: { kind: 'uint64', default: null },
};
const SKETCH_K: ParamDef = { kind: 'int', min: 8, max: 65536, default: 2048 };

/** Every op's parameters: kind, default, bounds. */
export const PARAMS: Record<OpName, Record<string, ParamDef>> = {
  normalize: {},
  minmax: {},
  log1p: {},
  clip: { min: { kind: 'number', default: null }, max: { kind: 'number', default: null } },
  bucketize: { boundaries: { kind: 'numbers', required: true } },
  quantile_bucketize: { boundaries: { kind: 'int', required: true, min: 1, max: 65535 }, sketch_k: SKETCH_K },
  categorify: {
    min_freq: { kind: 'int', min: 1, default: 1 },
    max_size: { kind: 'int', min: 1, default: null },
    oov_buckets: { kind: 'int', min: 1, max: 2 ** 31, default: 1 },
    algorithm: ALGORITHM,
    seed: SEED,
  },
  hash_bucket: HASH_BUCKETS,
  hashed_cross: HASH_BUCKETS,
  fill_missing: {
    strategy: { kind: 'enum', values: ['constant', 'mean', 'median'], default: 'constant' },
    value: { kind: 'number', default: null },
    sketch_k: SKETCH_K,
  },
  seq_pad: {
    length: { kind: 'int', required: true, min: 1, max: 1 << 20 },
    keep: { kind: 'enum', values: ['last', 'first'], default: 'last' },
    pad: { kind: 'number', default: 0 },
    pad_side: { kind: 'enum', values: ['end', 'start'], default: 'end' },
  },
  quantize: { to: { kind: 'enum', values: ['float16', 'int8'], required: true }, scale_name: { kind: 'string', default: null } },
  target_encode: {
    target: { kind: 'column', required: true },
    folds: { kind: 'int', min: 2, max: 1000, default: 3 },
    smoothing: { kind: 'number', min: 0, default: 20 },
    seed: { kind: 'uint64', default: 42n },
  },
  difference_lag: { by: { kind: 'column', default: 'user_id' } },
};

const UINT64_MAX = (1n << 64n) - 1n;

export interface SpecSource {
  file: string;
  lines: LineCounter;
}

function lineOf(src: SpecSource, node: Node | Pair | null | undefined): number | undefined {
  const range = node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
  if (!range) return undefined;
  return src.lines.linePos(range[0]).line;
}

function fail(src: SpecSource, line: number | undefined, message: string): never {
  throw errors.usage(message, line !== undefined ? { file: src.file, line } : { file: src.file });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a map' : String(value);
}

function readParam(src: SpecSource, where: string, key: string, def: ParamDef, node: Node, line: number | undefined): unknown {
  const value = (node as { toJSON(): unknown }).toJSON();
  const bad = (expected: string): never => fail(src, line, `${where}: parameter "${key}" must be ${expected}, got ${describe(value)}`);
  const bounds = (v: number, expected: string) => {
    if ((def.min !== undefined && v < def.min) || (def.max !== undefined && v > def.max)) bad(expected);
    return v;
  };
  switch (def.kind) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) bad('a finite number');
      return bounds(value as number, def.min !== undefined ? `a number >= ${def.min}` : 'a finite number');
    }
    case 'int': {
      const range = `an integer from ${def.min ?? 0} to ${def.max ?? Number.MAX_SAFE_INTEGER}`;
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) bad(range);
      return bounds(value as number, range);
    }
    case 'uint64': {
      const range = `an integer from ${def.min ?? 0} to 2^64-1`;
      let v: bigint;
      if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
      else if (typeof value === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) v = BigInt(value);
      else return bad(`${range} (a quoted string above 2^53)`);
      if (v < BigInt(def.min ?? 0) || v > UINT64_MAX) bad(range);
      return v;
    }
    case 'enum':
      if (typeof value !== 'string' || !def.values!.includes(value)) bad(`one of ${def.values!.join(', ')}`);
      return value;
    case 'numbers': {
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) bad('a non-empty list of finite numbers');
      return value;
    }
    case 'column':
    case 'string':
      if (typeof value !== 'string' || value.length === 0) bad(def.kind === 'column' ? 'a column name' : 'a non-empty string');
      return value;
  }
}

function checkBuckets(src: SpecSource, buckets: bigint, where: string, lineOfKey: (k: string) => number | undefined): void {
  if (buckets > 1n << 63n) fail(src, lineOfKey('buckets'), `${where}: parameter "buckets" must be an integer from 1 to 2^63, got ${buckets}`);
}

function checkMurmurSeed(src: SpecSource, algorithm: string, seed: bigint, nullHash: bigint | null, where: string, lineOfKey: (k: string) => number | undefined): void {
  if (algorithm !== 'murmur3') return;
  if (seed > 0xffffffffn) fail(src, lineOfKey('seed'), `${where}: murmur3 takes a seed from 0 to 2^32-1, got ${seed}`);
  if (nullHash !== null && nullHash > 0xffffffffn) fail(src, lineOfKey('null_hash'), `${where}: murmur3 hashes are 32-bit: "null_hash" must be at most 2^32-1`);
}

/** Checks that involve several parameters (or the op's own rules). */
function checkFeature(src: SpecSource, f: Feature, where: string, lineOfKey: (k: string) => number | undefined): void {
  const p = f.params as unknown as Record<string, unknown>;
  switch (f.op) {
    case 'clip':
      if (f.params.min === null && f.params.max === null) fail(src, f.line, `${where}: clip needs "min", "max" or both`);
      if (f.params.min !== null && f.params.max !== null && f.params.min > f.params.max) fail(src, lineOfKey('max'), `${where}: "min" (${f.params.min}) is above "max" (${f.params.max})`);
      break;
    case 'bucketize': {
      const b = f.params.boundaries;
      for (let i = 1; i < b.length; i++) {
        if (!(b[i] > b[i - 1])) fail(src, lineOfKey('boundaries'), `${where}: "boundaries" must increase strictly, but ${b[i - 1]} is followed by ${b[i]}`);
      }
      break;
    }
    case 'fill_missing':
      if (f.params.strategy === 'constant' && f.params.value === null) fail(src, f.line, `${where}: strategy constant needs "value"`);
      if (f.params.strategy !== 'constant' && f.params.value !== null) fail(src, lineOfKey('value'), `${where}: "value" is only for strategy constant, not ${f.params.strategy}`);
      break;
    case 'hashed_cross':
      if (f.input.length < 2) fail(src, lineOfKey('input'), `${where}: hashed_cross needs a list of two or more input columns`);
      if (new Set(f.input).size !== f.input.length) fail(src, lineOfKey('input'), `${where}: hashed_cross names a column twice`);
      checkBuckets(src, f.params.buckets, where, lineOfKey);
      checkMurmurSeed(src, f.params.algorithm, f.params.seed, f.params.null_hash, where, lineOfKey);
      break;
    case 'hash_bucket':
      checkBuckets(src, f.params.buckets, where, lineOfKey);
      checkMurmurSeed(src, f.params.algorithm, f.params.seed, f.params.null_hash, where, lineOfKey);
      break;
    case 'categorify':
      checkMurmurSeed(src, f.params.algorithm, f.params.seed, null, where, lineOfKey);
      break;
    case 'quantize':
      if (f.params.scale_name === null) (f.params as { scale_name: string }).scale_name = `${f.name}_scale`;
      if (f.params.to !== 'int8' && p.scale_name !== `${f.name}_scale`) fail(src, lineOfKey('scale_name'), `${where}: "scale_name" is only for to: int8`);
      break;
    default:
      break;
  }
}

/** One entry of `features:`. */
function parseFeature(src: SpecSource, node: Node, index: number, ignore: ReadonlySet<string>): Feature {
  const line = lineOf(src, node);
  if (!isMap(node)) fail(src, line, `features[${index}]: expected a map with name, op and input, got ${describe((node as { toJSON?(): unknown }).toJSON?.() ?? node)}`);
  const map = node as YAMLMap;
  const entries = new Map<string, { node: Node; line: number | undefined }>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    entries.set(key, { node: pair.value as Node, line: lineOf(src, pair.key as Node) ?? line });
  }
  const scalar = (key: string): unknown => {
    const e = entries.get(key);
    return e ? (e.node as { toJSON(): unknown } | null)?.toJSON?.() ?? null : undefined;
  };
  const name = scalar('name');
  const opText = scalar('op');
  const label = typeof name === 'string' ? `feature "${name}"` : `features[${index}]`;
  if (opText === undefined) fail(src, line, `${label}: no "op" (one of ${OPS.join(', ')})`);
  if (typeof opText !== 'string' || !(OPS as readonly string[]).includes(opText)) {
    fail(src, entries.get('op')?.line ?? line, `${label}: unknown op ${describe(opText)} (one of ${OPS.join(', ')})`);
  }
  const op = opText as OpName;
  const where = `${label} (op ${op})`;
  if (typeof name !== 'string' || name.length === 0) fail(src, entries.get('name')?.line ?? line, `${where}: "name" must be a non-empty string (the output column), got ${describe(name)}`);
  const inputValue = scalar('input');
  if (inputValue === undefined) fail(src, line, `${where}: no "input" column`);
  let input: string[];
  if (typeof inputValue === 'string' && inputValue.length > 0) input = [inputValue];
  else if (Array.isArray(inputValue) && inputValue.length > 0 && inputValue.every((v) => typeof v === 'string' && v.length > 0)) input = inputValue as string[];
  else fail(src, entries.get('input')?.line, `${where}: "input" must be a column name${op === 'hashed_cross' ? ' list' : ''}, got ${describe(inputValue)}`);
  if (input.length > 1 && op !== 'hashed_cross') fail(src, entries.get('input')?.line, `${where}: "input" must be one column (only hashed_cross takes a list)`);

  const defs = PARAMS[op];
  const params: Record<string, unknown> = {};
  for (const [key, e] of entries) {
    if (key === 'name' || key === 'op' || key === 'input' || ignore.has(key)) continue;
    const def = defs[key];
    if (!def) {
      const known = Object.keys(defs);
      fail(src, e.line, `${where}: unknown parameter "${key}"${known.length ? ` (${op} takes ${known.join(', ')})` : ` (${op} takes none)`}`);
    }
    params[key] = readParam(src, where, key, def, e.node, e.line);
  }
  for (const [key, def] of Object.entries(defs)) {
    if (key in params) continue;
    if (def.required) fail(src, line, `${where}: missing parameter "${key}"`);
    params[key] = def.default;
  }
  const feature = { name, op, input, params, line: line ?? 0 } as Feature;
  checkFeature(src, feature, where, (k) => entries.get(k)?.line ?? line);
  return feature;
}

export interface ParsedDocument {
  src: SpecSource;
  /** The top-level map's values as JSON (besides `features`). */
  top: Record<string, unknown>;
  spec: FeatureSpec;
  /** Each feature's extra keys (those in `ignore`), as JSON. */
  extras: Record<string, unknown>[];
}

/**
 * Parses spec text. `ignore` names extra per-feature keys that are read as plain
 * JSON (the fitted file's state); anything else unknown is an error.
 */
export function parseSpecText(text: string, file: string, ignore: ReadonlySet<string> = new Set(), topKeys: ReadonlySet<string> = new Set(['features', 'version'])): ParsedDocument {
  const lines = new LineCounter();
  const src: SpecSource = { file, lines };
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, intAsBigInt: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    fail(src, e.pos ? lines.linePos(e.pos[0]).line : undefined, `not a valid YAML or JSON spec: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents as Node | null;
  if (!root || !isMap(root)) fail(src, 1, 'expected a map with a "features:" list at the top');
  const top: Record<string, unknown> = {};
  let featuresNode: Node | null = null;
  for (const pair of (root as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!topKeys.has(key)) fail(src, lineOf(src, pair.key as Node), `unknown top-level key "${key}" (expected ${[...topKeys].join(', ')})`);
    if (key === 'features') featuresNode = pair.value as Node;
    else top[key] = (pair.value as { toJSON?(): unknown } | null)?.toJSON?.() ?? null;
  }
  if (!featuresNode || !isSeq(featuresNode)) fail(src, featuresNode ? lineOf(src, featuresNode) : 1, '"features:" must be a list of features');
  const features: Feature[] = [];
  const extras: Record<string, unknown>[] = [];
  const names = new Map<string, number>();
  featuresNode.items.forEach((item, i) => {
    const f = parseFeature(src, item as Node, i, ignore);
    const outputs = f.op === 'quantize' && f.params.to === 'int8' ? [f.name, f.params.scale_name] : [f.name];
    for (const out of outputs) {
      const previous = names.get(out);
      if (previous !== undefined) fail(src, f.line, `feature "${f.name}" (op ${f.op}): the output column "${out}" is already made by the feature on line ${previous}`);
      names.set(out, f.line);
    }
    features.push(f);
    const extra: Record<string, unknown> = {};
    if (isMap(item)) {
      for (const pair of (item as YAMLMap).items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (ignore.has(key)) extra[key] = (pair.value as { toJSON?(): unknown } | null)?.toJSON?.() ?? null;
      }
    }
    extras.push(extra);
  });
  if (features.length === 0) fail(src, lineOf(src, featuresNode), '"features:" is empty: nothing to compute');
  return { src, top, spec: { file, features }, extras };
}

/** Reads a spec file (exit 66 when it cannot be opened, 2 when it is not a spec). */
export function readSpecFile(file: string): FeatureSpec {
  return parseSpecText(readText(file), file).spec;
}

export function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw openError(file, e);
  }
}

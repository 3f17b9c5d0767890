import fs from 'node:fs';
import { errors, openError } from '@recdata/core';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import { parseDay, type Day } from './dates.js';

export const STRATEGY_KINDS = ['rank', 'boost', 'filter', 'recall', 'experiment'] as const;
export type StrategyKind = (typeof STRATEGY_KINDS)[number];

/** A non-inferiority margin: in the metric's unit, or relative to the control's value ("1%"). */
export interface Margin {
  value: number;
  relative: boolean;
}

export interface Guardrail {
  metric: string;
  margin: Margin;
}

/** One registered strategy (docs/strategy-stats.md explains how each field is used). */
export interface Strategy {
  id: string;
  name: string;
  owner: string;
  kind: StrategyKind;
  /** Config keys or flag names that guard it. */
  keys: string[];
  /** Other spellings in code. */
  aliases: string[];
  launchedAt: Day;
  lastChangedAt: Day;
  reviewAfterDays: number;
  /** Share of traffic that gets the strategy (outside the holdout). */
  rollout: number;
  /** Share of traffic held back as control whatever the rollout (default 0). */
  holdout: number;
  costPerDay: number;
  primaryMetric: string;
  guardrails: Guardrail[];
  margin: Margin;
  valuePerUnit: number;
  /** 1-based line of the entry in the registry file. */
  line: number;
}

export interface Registry {
  file: string;
  strategies: Strategy[];
  /** Flag-reading functions (`isEnabled`, `flags.get`): the first string argument is the key. */
  flagFunctions: string[];
}

const REQUIRED = [
  'id',
  'name',
  'owner',
  'kind',
  'keys',
  'launched_at',
  'last_changed_at',
  'review_after_days',
  'rollout',
  'cost_per_day',
  'primary_metric',
  'margin',
  'value_per_unit',
] as const;
const OPTIONAL = ['aliases', 'guardrails', 'holdout'] as const;
const ID_PATTERN = /^[A-Za-z0-9_.-]+$/;
const FLAG_FUNCTION_PATTERN = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** Reads and validates a registry file; every problem is exit 65 with file:line (66 when it cannot be read). */
export function loadRegistry(file: string): Registry {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw openError(file, e);
  }
  return parseRegistry(text, file);
}

export function parseRegistry(text: string, file: string): Registry {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined): number | undefined =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  const fail = (message: string, node?: { range?: [number, number, number] | null } | null, line?: number): never => {
    throw errors.badInput(`registry: ${message}`, { file, line: line ?? lineOf(node) });
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    fail(`not valid YAML: ${e.message.split('\n')[0]}`, undefined, lines.linePos(e.pos[0]).line);
  }
  const root = doc.contents;
  if (!isMap(root)) fail('expected a mapping with "strategies:" at the top', root as YamlNode, 1);
  const top = root as YAMLMap;
  for (const pair of top.items) {
    const key = keyOf(pair);
    if (key !== 'strategies' && key !== 'code') fail(`unknown top-level key "${key}" (expected strategies, code)`, pair.key as YamlNode);
  }
  const strategiesNode = top.get('strategies', true) as YamlNode | undefined;
  if (!strategiesNode) fail('missing the top-level "strategies:" list', top, 1);
  if (!isSeq(strategiesNode)) fail('expected a list under "strategies:"', strategiesNode);

  const strategies: Strategy[] = [];
  const ids = new Map<string, number>();
  const keyOwners = new Map<string, string>();
  for (const [index, entry] of (strategiesNode as { items: unknown[] }).items.entries()) {
    const where = entry as YamlNode;
    if (!isMap(entry)) fail(`strategy entry ${index + 1} is not a mapping`, where);
    const map = entry as YAMLMap;
    const fields = new Map<string, Pair>();
    for (const pair of map.items) {
      const key = keyOf(pair);
      if (!(REQUIRED as readonly string[]).includes(key) && !(OPTIONAL as readonly string[]).includes(key)) {
        fail(`unknown field "${key}" in strategy entry ${index + 1} (fields: ${[...REQUIRED, ...OPTIONAL].join(', ')})`, pair.key as YamlNode);
      }
      fields.set(key, pair);
    }
    const idPair = fields.get('id');
    const label = idPair && isScalar(idPair.value) ? `strategy "${String(idPair.value.value)}"` : `strategy entry ${index + 1}`;
    for (const name of REQUIRED) if (!fields.has(name)) fail(`${label} is missing the required field "${name}"`, map);
    const node = (name: string) => fields.get(name)!.value as YamlNode;
    const at = (name: string) => fields.get(name)?.value ?? fields.get(name)?.key;

    const str = (name: string): string => {
      const v = node(name);
      if (!isScalar(v) || typeof v.value !== 'string' || v.value.trim() === '') fail(`${label}: expected a non-empty string for ${name}, got ${describe(v)}`, at(name) as YamlNode);
      return (v as { value: string }).value;
    };
    const num = (name: string, check: (x: number) => boolean, expected: string): number => {
      const v = node(name);
      if (!isScalar(v) || typeof v.value !== 'number' || !Number.isFinite(v.value) || !check(v.value)) fail(`${label}: expected ${expected} for ${name}, got ${describe(v)}`, at(name) as YamlNode);
      return (v as { value: number }).value;
    };
    const day = (name: string): Day => {
      const v = node(name);
      const d = isScalar(v) && typeof v.value === 'string' ? parseDay(v.value) : null;
      if (d === null) fail(`${label}: expected a date YYYY-MM-DD for ${name}, got ${describe(v)}`, at(name) as YamlNode);
      return d as Day;
    };
    const list = (name: string): string[] => {
      const v = fields.get(name)?.value as YamlNode | undefined;
      if (v === undefined || (isScalar(v) && v.value === null)) return [];
      if (isScalar(v) && typeof v.value === 'string' && v.value !== '') return [v.value];
      if (!isSeq(v)) fail(`${label}: expected a list of strings for ${name}, got ${describe(v)}`, at(name) as YamlNode);
      return (v as { items: unknown[] }).items.map((item) => {
        if (!isScalar(item) || typeof item.value !== 'string' || item.value === '') fail(`${label}: expected a list of strings for ${name}, got ${describe(item as YamlNode)}`, item as YamlNode);
        return (item as { value: string }).value;
      });
    };

    const id = str('id');
    if (!ID_PATTERN.test(id)) fail(`expected an id of letters, digits, _ . -, got "${id}"`, at('id') as YamlNode);
    if (ids.has(id)) fail(`duplicate strategy id "${id}" (first at line ${ids.get(id)})`, at('id') as YamlNode);
    const line = lineOf(map) ?? 1;
    ids.set(id, line);
    const kind = str('kind');
    if (!(STRATEGY_KINDS as readonly string[]).includes(kind)) fail(`${label}: expected kind ${STRATEGY_KINDS.join('|')}, got "${kind}"`, at('kind') as YamlNode);
    const keys = list('keys');
    if (keys.length === 0) fail(`${label}: keys must name at least one config key or flag`, at('keys') as YamlNode);
    const aliases = list('aliases');
    for (const k of [...keys, ...aliases]) {
      const owner = keyOwners.get(k);
      if (owner !== undefined && owner !== id) fail(`${label}: key or alias "${k}" also belongs to strategy "${owner}"`, at(keys.includes(k) ? 'keys' : 'aliases') as YamlNode);
      keyOwners.set(k, id);
    }
    const launchedAt = day('launched_at');
    const lastChangedAt = day('last_changed_at');
    if (lastChangedAt < launchedAt) fail(`${label}: last_changed_at is before launched_at`, at('last_changed_at') as YamlNode);
    const rollout = num('rollout', (x) => x >= 0 && x <= 1, 'a share of traffic from 0 to 1');
    const holdout = fields.has('holdout') ? num('holdout', (x) => x >= 0 && x < 1, 'a share of traffic from 0 to below 1') : 0;
    const margin = parseMargin(node('margin'));
    if (!margin) fail(`${label}: expected a positive number or percentage (e.g. 0.05 or 1%) for margin, got ${describe(node('margin'))}`, at('margin') as YamlNode);
    strategies.push({
      id,
      name: str('name'),
      owner: str('owner'),
      kind: kind as StrategyKind,
      keys,
      aliases,
      launchedAt,
      lastChangedAt,
      reviewAfterDays: num('review_after_days', (x) => Number.isInteger(x) && x >= 0, 'a whole number of days'),
      rollout,
      holdout,
      costPerDay: num('cost_per_day', (x) => x >= 0, 'a number >= 0'),
      primaryMetric: str('primary_metric'),
      guardrails: parseGuardrails(fields.get('guardrails')?.value as YamlNode | undefined, label, fail),
      margin: margin as Margin,
      valuePerUnit: num('value_per_unit', (x) => x >= 0, 'a number >= 0'),
      line,
    });
  }

  let flagFunctions: string[] = [];
  const code = top.get('code', true) as YamlNode | undefined;
  if (code !== undefined && !(isScalar(code) && code.value === null)) {
    if (!isMap(code)) fail('expected a mapping under "code:" (with flag_functions)', code);
    for (const pair of (code as YAMLMap).items) {
      if (keyOf(pair) !== 'flag_functions') fail(`unknown key "${keyOf(pair)}" under code: (expected flag_functions)`, pair.key as YamlNode);
    }
    const fns = (code as YAMLMap).get('flag_functions', true) as YamlNode | undefined;
    if (fns !== undefined) {
      if (!isSeq(fns)) fail('expected a list under code.flag_functions, e.g. [isEnabled, flags.get]', fns);
      flagFunctions = (fns as { items: unknown[] }).items.map((item) => {
        if (!isScalar(item) || typeof item.value !== 'string' || !FLAG_FUNCTION_PATTERN.test(item.value)) {
          fail(`expected a function name such as isEnabled or flags.get in code.flag_functions, got ${describe(item as YamlNode)}`, item as YamlNode);
        }
        return (item as { value: string }).value;
      });
    }
  }
  return { file, strategies, flagFunctions };
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function describe(node: YamlNode | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isScalar(node)) return node.value === null ? 'nothing' : JSON.stringify(node.value);
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a mapping';
  return 'an alias';
}

/** 0.05 (in the metric's unit) or "1%" / "1.5 %" (relative to the control). */
export function parseMargin(node: YamlNode | null | undefined): Margin | null {
  if (!isScalar(node)) return null;
  const v = node.value;
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? { value: v, relative: false } : null;
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/.exec(v);
    if (!m) return null;
    const pct = Number(m[1]);
    return pct > 0 ? { value: pct / 100, relative: true } : null;
  }
  return null;
}

export function formatMargin(m: Margin): string {
  return m.relative ? `${+(m.value * 100).toPrecision(6)}%` : String(m.value);
}

/** guardrails: a list of {metric, margin}, or a mapping metric -> margin. */
function parseGuardrails(node: YamlNode | undefined, label: string, fail: (message: string, node?: YamlNode | null) => never): Guardrail[] {
  if (node === undefined || (isScalar(node) && node.value === null)) return [];
  const out: Guardrail[] = [];
  const add = (metric: unknown, marginNode: YamlNode | null | undefined, where: YamlNode) => {
    if (typeof metric !== 'string' || metric === '') fail(`${label}: expected a metric name in guardrails`, where);
    const margin = parseMargin(marginNode);
    if (!margin) fail(`${label}: expected a positive margin (number or percentage) for guardrail "${String(metric)}", got ${describe(marginNode)}`, marginNode ?? where);
    out.push({ metric: metric as string, margin: margin as Margin });
  };
  if (isMap(node)) {
    for (const pair of node.items) add(isScalar(pair.key) ? pair.key.value : null, pair.value as YamlNode, pair.key as YamlNode);
    return out;
  }
  if (!isSeq(node)) fail(`${label}: expected guardrails as a list of {metric, margin} or a mapping metric: margin`, node);
  for (const item of (node as { items: unknown[] }).items) {
    if (!isMap(item)) fail(`${label}: expected {metric, margin} in guardrails, got ${describe(item as YamlNode)}`, item as YamlNode);
    const map = item as YAMLMap;
    for (const pair of map.items) {
      const k = keyOf(pair);
      if (k !== 'metric' && k !== 'margin') fail(`${label}: unknown field "${k}" in a guardrail (fields: metric, margin)`, pair.key as YamlNode);
    }
    const metricNode = map.get('metric', true) as YamlNode | undefined;
    if (!metricNode) fail(`${label}: a guardrail is missing "metric"`, map);
    if (!map.has('margin')) fail(`${label}: guardrail "${String(isScalar(metricNode) ? metricNode.value : '')}" is missing "margin"`, map);
    add(isScalar(metricNode) ? metricNode.value : null, map.get('margin', true) as YamlNode, map);
  }
  return out;
}

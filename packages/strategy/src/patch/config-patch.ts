import ts from 'typescript';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { applyEdits, deletionRange, isBlank, lineStartAt, type TextEdit } from './edits.js';
import type { FlagValue } from './ts-patch.js';

/**
 * Config entries of removed strategies, deleted from YAML and JSON by text range
 * (the rest of the file keeps its bytes). A key that is a spelling of a retired
 * strategy goes with its value; a list item naming it goes. For a graduated
 * strategy only on/off entries go (a boolean or null value, or a list item): a key
 * holding parameters (a mapping, a number) may still configure the now permanent
 * behaviour, so it stays and is reported for a person to look at.
 */
export interface ConfigPatch {
  text: string;
  removed: { line: number; spelling: string }[];
  kept: { line: number; spelling: string; why: string }[];
}

const lineOf = (text: string, pos: number) => text.slice(0, pos).split('\n').length;

export function patchYaml(text: string, flags: Map<string, FlagValue>): ConfigPatch | null {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return null;
  const edits: TextEdit[] = [];
  const removed: ConfigPatch['removed'] = [];
  const kept: ConfigPatch['kept'] = [];

  const visitCollection = (node: YamlNode | null | undefined, owner: Pair | null) => {
    if (isMap(node)) {
      const drop = node.items.map((pair) => {
        const key = isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : null;
        const mode = key !== null ? flags.get(key) : undefined;
        if (mode === undefined) return false;
        const v = pair.value as YamlNode | null;
        const onOff = v === null || (isScalar(v) && (typeof v.value === 'boolean' || v.value === null));
        const line = lineOf(text, (pair.key as YamlNode).range![0]);
        if (mode === 'on' && !onOff) {
          kept.push({ line, spelling: key!, why: 'holds parameters of a graduated strategy' });
          return false;
        }
        removed.push({ line, spelling: key! });
        return true;
      });
      removeItems(node, drop, owner);
      node.items.forEach((pair, i) => drop[i] || visitCollection(pair.value as YamlNode, pair));
    } else if (isSeq(node)) {
      const drop = node.items.map((item) => {
        const it = item as YamlNode;
        if (!isScalar(it) || typeof it.value !== 'string' || !flags.has(it.value)) return false;
        removed.push({ line: lineOf(text, it.range![0]), spelling: it.value });
        return true;
      });
      removeItems(node, drop, owner);
      node.items.forEach((item, i) => drop[i] || visitCollection(item as YamlNode, null));
    }
  };

  const removeItems = (node: YAMLMap | YAMLSeq, drop: boolean[], owner: Pair | null) => {
    if (!drop.some(Boolean)) return;
    const spans = node.items.map((item) => itemSpan(item as Pair | YamlNode));
    if (node.flow) {
      if (drop.every(Boolean)) {
        edits.push({ start: node.range![0] + 1, end: closingBracket(text, node.range![1]), text: '' });
        return;
      }
      for (let i = 0; i < drop.length; i++) {
        if (!drop[i]) continue;
        let j = i;
        while (j + 1 < drop.length && drop[j + 1]) j++;
        if (j < drop.length - 1) edits.push({ start: spans[i][0], end: spans[j + 1][0], text: '' });
        else edits.push({ start: spans[i - 1][1], end: spans[j][1], text: '' });
        i = j;
      }
      return;
    }
    // Block collection: each item is whole lines (a "- " or "key:" line and what it holds).
    drop.forEach((d, i) => {
      if (!d) return;
      const start = commentStart(text, lineStartAt(text, spans[i][0]));
      // A block value's range runs to the start of the next line: stop at its last character.
      let end = spans[i][1];
      while (end > spans[i][0] && /\s/.test(text[end - 1])) end--;
      const r = deletionRange(text, start, end);
      edits.push({ start: r.start, end: r.end, text: '' });
    });
    if (drop.every(Boolean) && owner) {
      // An emptied block collection under a key would read as null: say empty instead.
      const colon = text.indexOf(':', (owner.key as YamlNode).range![1]);
      edits.push({ start: colon + 1, end: colon + 1, text: isMap(node) ? ' {}' : ' []' });
    }
  };

  for (const doc of docs) visitCollection(doc.contents as YamlNode, null);
  if (edits.length === 0) return { text, removed, kept };
  return { text: applyEdits(text, edits).text, removed, kept };
}

/** [start, end) of a map pair (key to end of value) or a list item; a block item's "- " is on its line. */
function itemSpan(item: Pair | YamlNode): [number, number] {
  if (isScalar(item) || isMap(item) || isSeq(item)) return [item.range![0], item.range![1]];
  const pair = item as Pair;
  const key = pair.key as YamlNode;
  const value = pair.value as YamlNode | null;
  return [key.range![0], value?.range ? value.range[1] : key.range![1]];
}

/** The closing bracket of a flow collection whose range ends at `end`. */
function closingBracket(text: string, end: number): number {
  let i = end - 1;
  while (i > 0 && text[i] !== '}' && text[i] !== ']') i--;
  return i;
}

/** Comment lines directly above line `start` go with the entry. */
function commentStart(text: string, start: number): number {
  let s = start;
  while (s > 0) {
    const prev = lineStartAt(text, s - 1);
    const line = text.slice(prev, s - 1);
    // A comment block that opens the file is its header, not the entry's.
    if (!/^\s*#/.test(line) || isBlank(line) || isBlank(text.slice(0, prev))) break;
    s = prev;
  }
  return s;
}

export function patchJson(file: string, text: string, flags: Map<string, FlagValue>): ConfigPatch | null {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JSON) as ts.JsonSourceFile;
  if ((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics?.length) return null;
  const edits: TextEdit[] = [];
  const removed: ConfigPatch['removed'] = [];
  const kept: ConfigPatch['kept'] = [];
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;

  const removeElements = (container: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression, elements: readonly ts.Node[], drop: boolean[]) => {
    if (!drop.some(Boolean)) return;
    if (drop.every(Boolean)) {
      edits.push({ start: container.getStart(sf) + 1, end: container.end - 1, text: '' });
      return;
    }
    for (let i = 0; i < drop.length; i++) {
      if (!drop[i]) continue;
      let j = i;
      while (j + 1 < drop.length && drop[j + 1]) j++;
      if (j < drop.length - 1) {
        // Up to the next kept element: on its own line this removes whole lines.
        const start = elements[i].getStart(sf);
        const lineStart = lineStartAt(text, start);
        const next = elements[j + 1].getStart(sf);
        const ownLines = isBlank(text.slice(lineStart, start)) && isBlank(text.slice(lineStartAt(text, next), next));
        edits.push(ownLines ? { start: lineStart, end: lineStartAt(text, next), text: '' } : { start, end: next, text: '' });
      } else edits.push({ start: elements[i - 1].end, end: elements[j].end, text: '' });
      i = j;
    }
  };

  const visit = (node: ts.Node) => {
    if (ts.isObjectLiteralExpression(node)) {
      const drop = node.properties.map((prop) => {
        if (!ts.isPropertyAssignment(prop) || !ts.isStringLiteral(prop.name)) return false;
        const mode = flags.get(prop.name.text);
        if (mode === undefined) return false;
        const v = prop.initializer;
        const onOff = v.kind === ts.SyntaxKind.TrueKeyword || v.kind === ts.SyntaxKind.FalseKeyword || v.kind === ts.SyntaxKind.NullKeyword;
        if (mode === 'on' && !onOff) {
          kept.push({ line: line(prop), spelling: prop.name.text, why: 'holds parameters of a graduated strategy' });
          return false;
        }
        removed.push({ line: line(prop), spelling: prop.name.text });
        return true;
      });
      removeElements(node, node.properties, drop);
      node.properties.forEach((prop, i) => drop[i] || ts.forEachChild(prop, visit));
      return;
    }
    if (ts.isArrayLiteralExpression(node)) {
      const drop = node.elements.map((el) => {
        if (!ts.isStringLiteral(el) || !flags.has(el.text)) return false;
        removed.push({ line: line(el), spelling: el.text });
        return true;
      });
      removeElements(node, node.elements, drop);
      node.elements.forEach((el, i) => drop[i] || visit(el));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (edits.length === 0) return { text, removed, kept };
  return { text: applyEdits(text, edits).text, removed, kept };
}

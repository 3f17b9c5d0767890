import ts from 'typescript';
import { parseAllDocuments, visit, type Scalar } from 'yaml';
import { flagCallKey, isFlagFunctionCall, parseScript, scriptKindOf, tokenAt } from './ts-ast.js';
import { findSpellings, spellingsOf, type Spelling } from './variants.js';
import type { RefKind, Reference } from './kinds.js';
import { readTreeFile, walkTree, type SourceTree } from './walk.js';

export interface ReferenceSearch {
  tree: SourceTree;
  references: Reference[];
  /** Files searched, by how they were read. */
  parsed: { code: number; config: number; text: number };
}

export type FileFormat = 'code' | 'yaml' | 'json' | 'text';

export function fileFormat(file: string): FileFormat {
  if (scriptKindOf(file) !== null) return 'code';
  const lower = file.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  return 'text';
}

/** Finds every spelling of the strategies' keys and aliases in DIR (see walkTree for what is searched). */
export function findReferences(dir: string, strategies: { id: string; keys: string[]; aliases: string[] }[], flagFunctions: readonly string[]): ReferenceSearch {
  const tree = walkTree(dir);
  const spellings = spellingsOf(strategies);
  const references: Reference[] = [];
  const parsed = { code: 0, config: 0, text: 0 };
  for (const rel of tree.files) {
    const text = readTreeFile(tree, rel);
    if (text === null) continue;
    const hits = findSpellings(text, spellings);
    const format = fileFormat(rel);
    parsed[format === 'code' ? 'code' : format === 'text' ? 'text' : 'config']++;
    if (hits.length === 0) continue;
    const classify = classifier(rel, text, format, flagFunctions);
    const lineStarts = lineStartsOf(text);
    for (const h of hits) {
      const line = lineOf(lineStarts, h.start);
      references.push({
        strategyId: h.spelling.strategyId,
        path: rel,
        line: line + 1,
        column: h.start - lineStarts[line] + 1,
        kind: classify(h.start, h.end, h.spelling),
        spelling: h.spelling.text,
        context: contextOf(text, lineStarts, line),
      });
    }
  }
  return { tree, references, parsed };
}

type Classify = (start: number, end: number, spelling: Spelling) => RefKind;

function classifier(file: string, text: string, format: FileFormat, flagFunctions: readonly string[]): Classify {
  if (format === 'code') return codeClassifier(parseScript(file, text), flagFunctions);
  if (format === 'json') return jsonClassifier(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JSON) as ts.JsonSourceFile);
  if (format === 'yaml') return yamlClassifier(text) ?? (() => 'text');
  return () => 'text';
}

function codeClassifier(sf: ts.SourceFile, flagFunctions: readonly string[]): Classify {
  return (start, end) => {
    const place = tokenAt(sf, start);
    if (place.kind === 'trivia') return 'comment';
    const token = place.token;
    if (ts.isStringLiteral(token) || ts.isNoSubstitutionTemplateLiteral(token)) {
      const whole = token.getStart(sf) + 1 === start && token.end - 1 === end;
      if (whole && token.parent && isFlagFunctionCall(token.parent, flagFunctions) && flagCallKey(token.parent) === token) return 'flag_call';
      if (whole && token.parent && (ts.isPropertyAssignment(token.parent) || ts.isPropertySignature(token.parent)) && token.parent.name === token) return 'config_key';
      return 'string';
    }
    if (ts.isIdentifier(token) || ts.isPrivateIdentifier(token)) {
      if (token.parent && ts.isPropertyAssignment(token.parent) && token.parent.name === token && token.text.length === end - start) return 'config_key';
      return 'identifier';
    }
    if (token.kind === ts.SyntaxKind.TemplateHead || token.kind === ts.SyntaxKind.TemplateMiddle || token.kind === ts.SyntaxKind.TemplateTail) return 'string';
    if (token.kind === ts.SyntaxKind.RegularExpressionLiteral) return 'string';
    return 'text';
  };
}

function jsonClassifier(sf: ts.JsonSourceFile): Classify {
  return (start, end) => {
    const place = tokenAt(sf, start);
    if (place.kind === 'trivia') return 'comment';
    const token = place.token;
    if (!ts.isStringLiteral(token)) return 'text';
    const whole = token.getStart(sf) + 1 === start && token.end - 1 === end;
    if (!whole) return 'string';
    const parent = token.parent;
    if (parent && ts.isPropertyAssignment(parent) && parent.name === token) return 'config_key';
    return 'config_value';
  };
}

function yamlClassifier(text: string): Classify | null {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return null;
  const scalars: { start: number; end: number; key: boolean; value: unknown }[] = [];
  for (const doc of docs) {
    visit(doc, {
      Scalar(key, node: Scalar) {
        if (node.range) scalars.push({ start: node.range[0], end: node.range[1], key: key === 'key', value: node.value });
      },
    });
  }
  return (start, end, spelling) => {
    const s = scalars.find((x) => x.start <= start && end <= x.end);
    if (!s) return 'comment';
    if (typeof s.value === 'string' && s.value === spelling.text) return s.key ? 'config_key' : 'config_value';
    return 'string';
  };
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The 0-based line holding `pos`. */
export function lineOf(starts: number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function contextOf(text: string, starts: number[], line: number): { startLine: number; lines: string[] } {
  const first = Math.max(0, line - 2);
  const last = Math.min(starts.length - 1, line + 2);
  const lines: string[] = [];
  for (let l = first; l <= last; l++) {
    const end = l + 1 < starts.length ? starts[l + 1] - 1 : text.length;
    lines.push(text.slice(starts[l], end).replace(/\r$/, ''));
  }
  // A file ending in a newline has an empty "line" after it: not context.
  while (lines.length > 1 && first + lines.length - 1 > line && lines[lines.length - 1] === '' && first + lines.length === starts.length) lines.pop();
  return { startLine: first + 1, lines };
}


import ts from 'typescript';
import { flagCallKey, isFlagFunctionCall, parseScript } from '../refs/ts-ast.js';
import { applyEdits, type TextEdit } from './edits.js';
import { cleanupEdits, nameUses } from './ts-cleanup.js';
import { makePlaceholders, type Placeholders } from './ts-const.js';
import { foldEdits } from './ts-fold.js';
import { propagateOne } from './ts-propagate.js';

/** What each spelling of a removed flag becomes: `on` for graduate, `off` for retire. */
export type FlagValue = 'on' | 'off';

export interface ScriptPatch {
  text: string;
  /** Flag reads replaced, per spelling. */
  reads: Map<string, number>;
}

const MAX_PASSES = 500;

/**
 * Removes flags from one TypeScript or JavaScript file: each read of a retired flag
 * becomes false and of a graduated one true, then the code is simplified pass by
 * pass (reparsing after each) until nothing changes:
 *   1. one variable or function that only carried the flag is inlined and deleted;
 *   2. otherwise, constants fold (ts-fold.ts);
 *   3. otherwise, imports and local declarations the edits left unused go.
 * Only text ranges change; everything else in the file keeps its bytes.
 */
export function patchScript(file: string, text: string, flagFunctions: readonly string[], flags: Map<string, FlagValue>): ScriptPatch {
  const original = parseScript(file, text);
  const p = makePlaceholders(text);
  const reads = new Map<string, number>();
  const first: TextEdit[] = [];
  const visit = (node: ts.Node) => {
    if (isFlagFunctionCall(node, flagFunctions)) {
      const key = flagCallKey(node);
      const value = key ? flags.get(key.text) : undefined;
      if (value !== undefined) {
        reads.set(key!.text, (reads.get(key!.text) ?? 0) + 1);
        // `await flags.get('x')` reads the flag too: the await goes with it.
        const site = ts.isAwaitExpression(node.parent) ? node.parent : node;
        first.push({ start: site.getStart(original), end: site.end, text: value === 'on' ? p.on : p.off });
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(original);
  if (first.length === 0) return { text, reads };

  const usedBefore = nameUses(original);
  let current = applyEdits(text, first).text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const sf = parseScript(file, current);
    const propagated = propagateOne(sf, p);
    if (propagated) {
      current = applyEdits(current, propagated).text;
      continue;
    }
    const folded = applyEdits(current, foldEdits(sf, p));
    if (folded.applied > 0) {
      current = folded.text;
      continue;
    }
    const cleaned = applyEdits(current, cleanupEdits(sf, usedBefore));
    if (cleaned.applied > 0) {
      current = cleaned.text;
      continue;
    }
    break;
  }
  return { text: substitute(current, p), reads };
}

/** The placeholders that survive (a flag passed on as a value, say) become the literals. */
function substitute(text: string, p: Placeholders): string {
  return text.split(p.on).join('true').split(p.off).join('false');
}

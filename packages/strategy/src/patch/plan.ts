import fs from 'node:fs';
import path from 'node:path';
import { errors } from '@recdata/core';
import { fileFormat, type ReferenceSearch } from '../refs/find.js';
import { caseVariants } from '../refs/variants.js';
import { parseScript } from '../refs/ts-ast.js';
import { readTreeFile } from '../refs/walk.js';
import { patchJson, patchYaml } from './config-patch.js';
import { unifiedDiff } from './diff.js';
import { patchScript, type FlagValue } from './ts-patch.js';

export interface RemovalTarget {
  strategyId: string;
  keys: string[];
  aliases: string[];
  /** retire: reads become false; graduate: true. */
  value: FlagValue;
}

export interface PatchedFile {
  path: string;
  before: string;
  after: string;
}

export interface StrategyPatchSummary {
  strategyId: string;
  value: FlagValue;
  flagReads: number;
  configEntries: number;
  /** Config entries left for a person (e.g. parameters of a graduated strategy). */
  kept: { path: string; line: number; why: string }[];
  /** Mentions the patch does not touch (comments, strings, docs). */
  mentions: number;
}

export interface RemovalPatch {
  files: PatchedFile[];
  diff: string;
  strategies: StrategyPatchSummary[];
}

/**
 * The removal patch for the strategies decided retire (flag reads become false) or
 * graduate (true): every file with a real use of one of them is patched, and one
 * unified diff covers them all, in path order.
 */
export function planRemoval(search: ReferenceSearch, flagFunctions: readonly string[], targets: RemovalTarget[]): RemovalPatch {
  const flags = new Map<string, FlagValue>();
  const owner = new Map<string, RemovalTarget>();
  for (const t of targets) {
    for (const source of [...t.keys, ...t.aliases]) {
      for (const v of caseVariants(source)) {
        if (flags.has(v)) continue;
        flags.set(v, t.value);
        owner.set(v, t);
      }
    }
  }
  const summaries = new Map(targets.map((t) => [t.strategyId, { strategyId: t.strategyId, value: t.value, flagReads: 0, configEntries: 0, kept: [], mentions: 0 } as StrategyPatchSummary]));
  const files = new Set<string>();
  for (const r of search.references) {
    const s = summaries.get(r.strategyId);
    if (!s) continue;
    if (r.kind === 'flag_call' || r.kind === 'config_key' || r.kind === 'config_value') files.add(r.path);
    else s.mentions++;
  }
  const patched: PatchedFile[] = [];
  for (const rel of [...files].sort()) {
    const before = readTreeFile(search.tree, rel);
    if (before === null) continue;
    let after = before;
    const format = fileFormat(rel);
    if (format === 'code') {
      const r = patchScript(rel, before, flagFunctions, flags);
      after = r.text;
      // A patch must never break the syntax: refuse (a bug to report) rather than write it.
      const broken = syntaxErrors(rel, after).filter((e) => !syntaxErrors(rel, before).includes(e));
      if (broken.length > 0) throw errors.internal(`the removal patch of ${rel} would not parse (${broken[0]}); please report it with the file`);
      for (const [spelling, n] of r.reads) summaries.get(owner.get(spelling)!.strategyId)!.flagReads += n;
    } else if (format === 'yaml' || format === 'json') {
      const r = format === 'yaml' ? patchYaml(before, flags) : patchJson(rel, before, flags);
      if (!r) continue;
      after = r.text;
      for (const x of r.removed) summaries.get(owner.get(x.spelling)!.strategyId)!.configEntries++;
      for (const x of r.kept) summaries.get(owner.get(x.spelling)!.strategyId)!.kept.push({ path: rel, line: x.line, why: x.why });
    }
    if (after !== before) patched.push({ path: rel, before, after });
  }
  const strategies = [...summaries.values()];
  const header = [
    '# recdata strategy-audit: removal patch (git apply ignores these lines)',
    ...strategies.map((s) => {
      const verb = `# ${s.value === 'off' ? 'retire' : 'graduate'} ${s.strategyId}: `;
      if (s.flagReads + s.configEntries + s.kept.length + s.mentions === 0) return `${verb}no references found`;
      return (
        `${verb}${s.flagReads} flag reads -> ${s.value === 'off' ? 'false' : 'true'}, ${s.configEntries} config entries removed` +
        `${s.kept.length ? `, ${s.kept.length} kept for review (${s.kept.map((k) => `${k.path}:${k.line}`).join(', ')})` : ''}${s.mentions ? `, ${s.mentions} mentions left (comments, strings, docs)` : ''}`
      );
    }),
    '',
  ].join('\n');
  const body = patched.map((f) => unifiedDiff(f.path, f.before, f.after)).join('');
  return { files: patched, diff: patched.length > 0 ? header + body : '', strategies };
}

/**
 * Writes the patched files in place (--write). Each target must still be a regular
 * file inside the folder (no link anywhere on its path); it is replaced by rename
 * from a temporary file beside it, keeping its mode.
 */
export function applyRemoval(search: ReferenceSearch, patch: RemovalPatch): void {
  const root = search.tree.root;
  for (const f of patch.files) {
    const target = path.join(root, f.path);
    const real = realOrNull(target);
    if (real === null || real !== target || !real.startsWith(root + path.sep)) throw errors.ioWrite(target, 'refusing to write outside the --refs folder or through a link');
    const st = fs.lstatSync(target);
    if (!st.isFile()) throw errors.ioWrite(target, 'not a regular file');
    if (fs.readFileSync(target, 'utf8') !== f.before) throw errors.ioWrite(target, 'the file changed while the audit ran');
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.recdata-${process.pid}.tmp`);
    try {
      fs.writeFileSync(temp, f.after, { mode: st.mode & 0o7777, flag: 'wx' });
      fs.renameSync(temp, target);
    } catch (e) {
      fs.rmSync(temp, { force: true });
      throw errors.ioWrite(target, (e as Error).message);
    }
  }
}

function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

function syntaxErrors(file: string, text: string): string[] {
  const sf = parseScript(file, text) as unknown as { parseDiagnostics?: { messageText: unknown }[] };
  return (sf.parseDiagnostics ?? []).map((d) => (typeof d.messageText === 'string' ? d.messageText : 'syntax error'));
}

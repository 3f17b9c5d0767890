import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findReferences, patchJson, patchScript, patchYaml, planRemoval, unifiedDiff, type FlagValue } from '../src/code.ts';
import { caseVariants, loadRegistry } from '../src/index.ts';
import { FIXTURES, gitRepoOf, hasGit, listTree, run, tempDir } from './helpers.ts';
import { typecheck } from './typecheck.ts';

const registry = loadRegistry(path.join(FIXTURES, 'registry.yaml'));
const target = (id: string, value: FlagValue) => {
  const s = registry.strategies.find((x) => x.id === id)!;
  return { strategyId: id, keys: s.keys, aliases: s.aliases, value };
};
/** The fixture decisions: graduate boost_fresh_videos, retire rank_by_watch_time and filter_low_quality, keep boost_followed_creators. */
const TARGETS = [target('boost_fresh_videos', 'on'), target('rank_by_watch_time', 'off'), target('filter_low_quality', 'off')];
const CODEBASES = [
  { name: 'ts', config: 'tsconfig.json' },
  { name: 'js', config: 'jsconfig.json' },
];

function plan(name: string) {
  const dir = path.join(FIXTURES, name);
  return planRemoval(findReferences(dir, registry.strategies, registry.flagFunctions), registry.flagFunctions, TARGETS);
}

describe('removal patch on the fixture code bases', () => {
  for (const { name, config } of CODEBASES) {
    const dir = path.join(FIXTURES, name);
    const expectedDir = path.join(FIXTURES, 'expected', name);
    const p = plan(name);

    it(`${name}: the patched files equal the expected files exactly`, () => {
      assert.deepEqual(
        p.files.map((f) => f.path),
        listTree(expectedDir),
      );
      for (const f of p.files) assert.equal(f.after, fs.readFileSync(path.join(expectedDir, f.path), 'utf8'), f.path);
      assert.ok(!p.diff.includes('__recdata_'), 'no placeholder survives');
    });

    it(`${name}: the kept strategy's code is untouched, and so is every line the patch does not remove or rewrite`, () => {
      const removed = TARGETS.flatMap((t) => [...t.keys, ...t.aliases].flatMap(caseVariants));
      let checked = 0;
      for (const f of p.files) {
        const after = new Set(f.after.split('\n'));
        for (const line of f.before.split('\n')) {
          if (!line.includes('boost_followed_creators') || removed.some((s) => line.includes(s))) continue;
          assert.ok(after.has(line), `${f.path}: ${line}`);
          checked++;
        }
      }
      assert.ok(checked >= 2);
      // Lines outside the hunks keep their bytes: every context line of the diff is a line of both files.
      for (const line of p.diff.split('\n').filter((l) => l.startsWith(' '))) assert.ok(p.files.some((f) => f.before.includes(line.slice(1)) && f.after.includes(line.slice(1))));
    });

    it(`${name}: git apply accepts the diff and gives the expected tree`, { skip: hasGit() ? false : 'git is not installed' }, () => {
      const repo = gitRepoOf(dir, `patch-${name}`);
      const patchFile = path.join(repo, '..', `${path.basename(repo)}.diff`);
      fs.writeFileSync(patchFile, p.diff);
      const check = run('git', ['apply', '--check', patchFile], repo);
      assert.equal(check.code, 0, check.stderr);
      assert.equal(run('git', ['apply', patchFile], repo).code, 0);
      for (const file of listTree(dir)) {
        const expected = fs.existsSync(path.join(expectedDir, file)) ? path.join(expectedDir, file) : path.join(dir, file);
        assert.equal(fs.readFileSync(path.join(repo, file), 'utf8'), fs.readFileSync(expected, 'utf8'), file);
      }
      // Reversing the patch restores the original.
      assert.equal(run('git', ['apply', '-R', patchFile], repo).code, 0);
      assert.equal(run('git', ['status', '--porcelain'], repo).stdout, '');
    });

    it(`${name}: the original and the patched code both type-check (tsc, strict${name === 'ts' ? ', noUnusedLocals' : ', checkJs'})`, () => {
      assert.deepEqual(typecheck(dir, config), []);
      const overrides = new Map(p.files.map((f) => [path.join(dir, f.path), f.after]));
      assert.deepEqual(typecheck(dir, config, overrides), []);
      // The check can fail: a patch that kept a now-unused import would not pass.
      const broken = new Map(overrides);
      const first = p.files.find((f) => /\.(ts|js)$/.test(f.path))!;
      broken.set(path.join(dir, first.path), `const unused: number = 'x';\n${first.after}`);
      assert.notDeepEqual(typecheck(dir, config, broken), []);
    });
  }

  it('every combination of decisions gives code that parses, reads no removed flag, and is stable under a second pass', () => {
    const ids = ['boost_fresh_videos', 'rank_by_watch_time', 'filter_low_quality', 'boost_followed_creators'];
    const choices: (FlagValue | null)[] = ['on', 'off', null];
    const searches = new Map(CODEBASES.map(({ name }) => [name, findReferences(path.join(FIXTURES, name), registry.strategies, registry.flagFunctions)]));
    let combos = 0;
    for (let mask = 0; mask < 3 ** ids.length; mask++) {
      const targets = ids.flatMap((id, i) => {
        const v = choices[Math.floor(mask / 3 ** i) % 3];
        return v ? [target(id, v)] : [];
      });
      for (const { name } of CODEBASES) {
        // planRemoval refuses (exit 70) any result that does not parse.
        const p = planRemoval(searches.get(name)!, registry.flagFunctions, targets);
        const flags = new Map(targets.flatMap((t) => [...t.keys, ...t.aliases].flatMap(caseVariants).map((v) => [v, t.value] as [string, FlagValue])));
        for (const f of p.files) {
          assert.ok(!f.after.includes('__recdata_'), f.path);
          if (!/\.(ts|js)$/.test(f.path)) continue;
          const again = patchScript(f.path, f.after, registry.flagFunctions, flags);
          assert.equal(again.reads.size, 0, `${f.path}: a removed flag is still read`);
          assert.equal(again.text, f.after, `${f.path}: not stable`);
        }
      }
      combos++;
    }
    assert.equal(combos, 81);
  });

  it('all flags on, and all off, still type-check', () => {
    for (const value of ['on', 'off'] as const) {
      const targets = ['boost_fresh_videos', 'rank_by_watch_time', 'filter_low_quality', 'boost_followed_creators'].map((id) => target(id, value));
      for (const { name, config } of CODEBASES) {
        const dir = path.join(FIXTURES, name);
        const p = planRemoval(findReferences(dir, registry.strategies, registry.flagFunctions), registry.flagFunctions, targets);
        assert.deepEqual(typecheck(dir, config, new Map(p.files.map((f) => [path.join(dir, f.path), f.after]))), [], `${name}, all ${value}`);
      }
    }
  });

  it('CRLF files keep their line endings', () => {
    const crlf = (t: string) => t.replace(/\n/g, '\r\n');
    const flags = new Map(TARGETS.flatMap((t) => [...t.keys, ...t.aliases].flatMap(caseVariants).map((v) => [v, t.value] as [string, FlagValue])));
    for (const f of listTree(path.join(FIXTURES, 'expected', 'ts'))) {
      const text = crlf(fs.readFileSync(path.join(FIXTURES, 'ts', f), 'utf8'));
      const out = f.endsWith('.ts') ? patchScript(f, text, registry.flagFunctions, flags).text : f.endsWith('.yaml') ? patchYaml(text, flags)!.text : patchJson(f, text, flags)!.text;
      assert.equal(out, crlf(fs.readFileSync(path.join(FIXTURES, 'expected', 'ts', f), 'utf8')), f);
    }
  });

  it('summarises per strategy what it changed and what it left', () => {
    const s = plan('ts').strategies;
    assert.deepEqual(
      s.map((x) => [x.strategyId, x.flagReads, x.configEntries, x.kept.map((k) => `${k.path}:${k.line}`)]),
      [
        ['boost_fresh_videos', 4, 1, ['config/strategies.yaml:3']],
        ['rank_by_watch_time', 3, 3, []],
        ['filter_low_quality', 2, 3, []],
      ],
    );
    assert.match(plan('ts').diff, /^# recdata strategy-audit: removal patch \(git apply ignores these lines\)\n# graduate boost_fresh_videos: 4 flag reads -> true/);
  });
});

/** Patches one snippet with the flag `k` (and its variants) set to value. */
function simplify(code: string, value: FlagValue, file = 'snippet.ts'): string {
  const flags = new Map(caseVariants('k').map((v) => [v, value] as [string, FlagValue]));
  return patchScript(file, code, ['isEnabled', 'flags.get'], flags).text;
}

describe('simplification rules', () => {
  it('folds !, &&, ||, ??, === and ternaries built on the flag', () => {
    assert.equal(simplify("const a = !isEnabled('k') && x;\nuse(a);\n", 'off'), 'const a = x;\nuse(a);\n');
    assert.equal(simplify("const a = isEnabled('k') || x;\nuse(a);\n", 'off'), 'const a = x;\nuse(a);\n');
    assert.equal(simplify("use(isEnabled('k') === true ? 1 : 2);\n", 'on'), 'use(1);\n');
    assert.equal(simplify("use(flags.get('k') !== false);\n", 'off'), 'use(false);\n');
    assert.equal(simplify("use(isEnabled('k') ? a : isEnabled('k') ? b : c);\n", 'off'), 'use(c);\n');
    assert.equal(simplify("use(!(isEnabled('k') && y));\n", 'off'), 'use(true);\n');
    assert.equal(simplify("use(isEnabled('k') ?? y);\n", 'on'), 'use(true);\n');
  });

  it('keeps what the flag cannot decide: side effects and the code’s own constants', () => {
    // Dropping log() would drop its effect: `log() && false` stays as written, with the flag inlined.
    assert.equal(simplify("if (log() && isEnabled('k')) run();\n", 'off'), "if (log() && false) run();\n");
    assert.equal(simplify("if (true) a();\nif (DEBUG || false) b();\nif (isEnabled('k')) c();\n", 'off'), 'if (true) a();\nif (DEBUG || false) b();\n');
  });

  it('else-if chains keep their other branches', () => {
    const code = "if (a) {\n  one();\n} else if (isEnabled('k')) {\n  two();\n} else {\n  three();\n}\n";
    assert.equal(simplify(code, 'off'), 'if (a) {\n  one();\n} else {\n  three();\n}\n');
    assert.equal(simplify(code, 'on'), 'if (a) {\n  one();\n} else {\n  two();\n}\n');
    assert.equal(simplify("if (a) {\n  one();\n} else if (isEnabled('k')) {\n  two();\n}\n", 'off'), 'if (a) {\n  one();\n}\n');
  });

  it('inlines a live block one level up, unless its names would collide (then the braces stay)', () => {
    assert.equal(simplify("function f() {\n  if (isEnabled('k')) {\n    const x = 1;\n    g(x);\n  }\n}\n", 'on'), 'function f() {\n  const x = 1;\n  g(x);\n}\n');
    assert.equal(simplify("function f() {\n  const x = 0;\n  if (isEnabled('k')) {\n    const x = 1;\n    g(x);\n  }\n  g(x);\n}\n", 'on'), 'function f() {\n  const x = 0;\n  {\n    const x = 1;\n    g(x);\n  }\n  g(x);\n}\n');
  });

  it('keeps the indentation inside template literals when a block moves', () => {
    const code = "function f() {\n  if (isEnabled('k')) {\n    return `a\n    b`;\n  }\n  return '';\n}\n";
    assert.equal(simplify(code, 'on'), 'function f() {\n  return `a\n    b`;\n}\n');
  });

  it('early returns: the inlined return makes the rest unreachable; hoisted functions stay', () => {
    const code = "function f(x: number) {\n  const z = helper(x);\n  if (!isEnabled('k')) return z;\n  const y = x * 2;\n  return helper(y);\n  function helper(v: number) {\n    return v + 1;\n  }\n}\n";
    assert.equal(simplify(code, 'off'), 'function f(x: number) {\n  const z = helper(x);\n  return z;\n  function helper(v: number) {\n    return v + 1;\n  }\n}\n');
    assert.equal(simplify(code, 'on'), 'function f(x: number) {\n  const z = helper(x);\n  const y = x * 2;\n  return helper(y);\n  function helper(v: number) {\n    return v + 1;\n  }\n}\n');
    // A helper only the unreachable code used goes too (the patch left it unused).
    assert.equal(simplify("function f(x: number) {\n  if (!isEnabled('k')) return x;\n  return helper(x);\n  function helper(v: number) {\n    return v + 1;\n  }\n}\n", 'off'), 'function f(x: number) {\n  return x;\n}\n');
  });

  it('removes variables and local functions that only carried the flag, not exported ones or reassigned ones', () => {
    assert.equal(simplify("const on = isEnabled('k');\nexport const v = on ? 1 : 2;\nexport const o = { on };\n", 'on'), 'export const v = 1;\nexport const o = { on: true };\n');
    assert.equal(simplify("const on = () => isEnabled('k');\nexport const v = on() && ready;\n", 'on'), 'export const v = ready;\n');
    assert.equal(simplify("export function on() {\n  return isEnabled('k');\n}\n", 'off'), 'export function on() {\n  return false;\n}\n');
    assert.equal(simplify("let on = isEnabled('k');\non = other;\nexport const v = on;\n", 'off'), 'let on = false;\non = other;\nexport const v = on;\n');
    // A helper passed around as a value cannot be inlined: it stays, returning the constant.
    assert.equal(simplify("function on() {\n  return isEnabled('k');\n}\nexport const fns = [on];\n", 'off'), 'function on() {\n  return false;\n}\nexport const fns = [on];\n');
  });

  it('removes imports the patch left unused, and only those', () => {
    const code = "import { isEnabled, other } from './flags';\nimport def, { helper } from './h';\nimport unusedBefore from './u';\nexport const a = isEnabled('k') ? helper() : other();\nexport const b = def;\n";
    assert.equal(simplify(code, 'off'), "import { other } from './flags';\nimport def from './h';\nimport unusedBefore from './u';\nexport const a = other();\nexport const b = def;\n");
  });

  it('never leaves a placeholder, even when the code already uses the name', () => {
    const out = simplify("const __recdata_off__ = 1;\nexport const v = [isEnabled('k'), __recdata_off__];\n", 'off');
    assert.equal(out, 'const __recdata_off__ = 1;\nexport const v = [false, __recdata_off__];\n');
  });

  it('JSX: a child shown only with the flag on goes when it is off, and loses its condition when on', () => {
    const code = "export const List = () => (\n  <ul>\n    {isEnabled('k') && <Fresh />}\n    <Top />\n  </ul>\n);\n";
    assert.equal(simplify(code, 'off', 'list.tsx'), 'export const List = () => (\n  <ul>\n    <Top />\n  </ul>\n);\n');
    assert.equal(simplify(code, 'on', 'list.tsx'), "export const List = () => (\n  <ul>\n    {<Fresh />}\n    <Top />\n  </ul>\n);\n");
  });

  it('JavaScript: an awaited read goes with its await', () => {
    assert.equal(simplify("export async function f() {\n  if (await flags.get('k')) return 1;\n  return 2;\n}\n", 'off', 'a.mjs'), 'export async function f() {\n  return 2;\n}\n');
  });
});

describe('config entries', () => {
  const flags = new Map<string, FlagValue>([
    ['gone', 'off'],
    ['grad', 'on'],
  ]);
  it('YAML: pairs, list items (block and flow), emptied collections, comments directly above', () => {
    const yaml = '# header\na:\n  # about gone\n  gone: 1\nb:\n  - gone\nc: [gone, x]\nd: {grad: true, p: 1}\ne:\n  grad:\n    weight: 2\n  keep: 1\n';
    const r = patchYaml(yaml, flags)!;
    assert.equal(r.text, '# header\na: {}\nb: []\nc: [x]\nd: {p: 1}\ne:\n  grad:\n    weight: 2\n  keep: 1\n');
    assert.deepEqual(r.kept, [{ line: 10, spelling: 'grad', why: 'holds parameters of a graduated strategy' }]);
    assert.equal(r.removed.length, 4);
  });

  it('JSON: properties and array items with their commas, in any position', () => {
    const json = '{\n  "first": 1,\n  "gone": true,\n  "list": ["gone", "a", "gone"],\n  "grad": false,\n  "nested": {"gone": {"x": 1}}\n}\n';
    assert.equal(patchJson('c.json', json, flags)!.text, '{\n  "first": 1,\n  "list": ["a"],\n  "nested": {}\n}\n');
    assert.equal(patchJson('c.json', '{"gone": 1}', flags)!.text, '{}');
    assert.equal(patchJson('c.json', '{\n  "a": 1,\n  "gone": 2\n}\n', flags)!.text, '{\n  "a": 1\n}\n');
  });
});

describe('unified diff', () => {
  /** Applies a unified diff to text (strict: context must match), for the property test. */
  function applyDiff(text: string, diff: string): string {
    const lines = text === '' ? [] : text.split('\n');
    const endsWithNewline = text.endsWith('\n');
    if (endsWithNewline) lines.pop();
    const out: string[] = [];
    let i = 0;
    let noNewline = !endsWithNewline && lines.length > 0;
    const d = diff.split('\n');
    for (let k = 3; k < d.length; k++) {
      const m = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(d[k]);
      if (!m) continue;
      const start = Number(m[1]) - (m[2] === '0' ? 0 : 1);
      while (i < start) out.push(lines[i++]);
      for (k++; k < d.length && !d[k].startsWith('@@') && d[k] !== ''; k++) {
        const [op, rest] = [d[k][0], d[k].slice(1)];
        if (op === '\\') {
          noNewline = d[k - 1][0] !== '-';
          continue;
        }
        if (op === ' ' || op === '-') assert.equal(lines[i++], rest, 'context');
        if (op === ' ' || op === '+') out.push(rest);
        if (op === '+' || op === ' ') noNewline = false;
      }
      k--;
    }
    while (i < lines.length) out.push(lines[i++]);
    const tail = diff.trimEnd().endsWith('\\ No newline at end of file') && !/\n-[^\n]*\n\\ No newline at end of file\n?$/.test(diff);
    return out.join('\n') + (out.length === 0 ? '' : tail || (noNewline && i === lines.length && !diff.includes('\n+')) ? '' : '\n');
  }

  const textArb = fc.array(fc.constantFrom('a', 'b', 'c', '', '  x', '}'), { maxLength: 30 }).chain((ls) => fc.boolean().map((nl) => ls.join('\n') + (nl && ls.length ? '\n' : '')));

  it('round-trips random edits (fast-check)', () => {
    fc.assert(
      fc.property(textArb, textArb, (a, b) => {
        const diff = unifiedDiff('f.txt', a, b);
        if (a === b) return diff === '';
        return applyDiff(a, diff) === b;
      }),
      { numRuns: 500 },
    );
  });

  it('git apply accepts random diffs, final newlines included', { skip: hasGit() ? false : 'git is not installed' }, () => {
    const dir = tempDir('diff-git');
    run('git', ['init', '-q'], dir);
    fc.assert(
      fc.property(textArb, textArb, (a, b) => {
        fc.pre(a !== b);
        fs.writeFileSync(path.join(dir, 'f.txt'), a);
        fs.writeFileSync(path.join(dir, 'p.diff'), unifiedDiff('f.txt', a, b));
        const r = run('git', ['apply', 'p.diff'], dir);
        return r.code === 0 && fs.readFileSync(path.join(dir, 'f.txt'), 'utf8') === b;
      }),
      { numRuns: 25 },
    );
  });
});

import ts from 'typescript';
import { deletionRange, indentAt, isBlank, lineStartAt, type TextEdit } from './edits.js';
import { evalConst, needsParens, type Placeholders } from './ts-const.js';

/**
 * One folding pass (Piranha's rules, on placeholders only): constant `!`, `&&`,
 * `||`, `??`, `===` and ternaries fold; an `if` on a constant keeps its live branch
 * (and the comments in it) in place of the statement; statements after an inlined
 * `return`/`throw` are unreachable and go; an expression statement or `while` on a
 * constant false goes. Edits may overlap: the caller keeps the outermost and
 * reparses.
 */
export function foldEdits(sf: ts.SourceFile, p: Placeholders): TextEdit[] {
  const edits: TextEdit[] = [];
  const text = sf.text;
  const lexicalInlined = new Set<ts.Node>();
  const literal = (v: boolean) => (v ? p.on : p.off);
  const src = (n: ts.Node) => text.slice(n.getStart(sf), n.end);

  const replaceExpr = (site: ts.Expression, by: ts.Expression) => {
    const body = src(by);
    edits.push({ start: site.getStart(sf), end: site.end, text: needsParens(by, site) ? `(${body})` : body });
  };

  const visit = (node: ts.Node): void => {
    if (ts.isIfStatement(node)) {
      const c = evalConst(node.expression, p);
      if (c !== undefined) edits.push(...ifEdits(sf, node, c, lexicalInlined));
    } else if (ts.isExpressionStatement(node) && evalConst(node.expression, p) !== undefined && inStatementList(node)) {
      edits.push(deleteStatement(sf, node));
    } else if (ts.isWhileStatement(node) && evalConst(node.expression, p) === false && inStatementList(node)) {
      edits.push(deleteStatement(sf, node));
    } else if (ts.isConditionalExpression(node)) {
      const whole = evalConst(node, p);
      const c = evalConst(node.condition, p);
      if (whole !== undefined) edits.push({ start: node.getStart(sf), end: node.end, text: literal(whole) });
      else if (c !== undefined) replaceExpr(node, c ? node.whenTrue : node.whenFalse);
    } else if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      const whole = evalConst(node, p);
      if (whole !== undefined) {
        edits.push({ start: node.getStart(sf), end: node.end, text: literal(whole) });
      } else if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
        // The neutral constant (true for &&, false for ||) drops out.
        const neutral = op === ts.SyntaxKind.AmpersandAmpersandToken;
        if (evalConst(node.left, p) === neutral) replaceExpr(node, node.right);
        else if (evalConst(node.right, p) === neutral) replaceExpr(node, node.left);
      }
    } else if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent)) && evalConst(node.expression, p) === false) {
      // `{flag && <Fresh />}` with the flag off renders nothing: the child goes.
      const r = deletionRange(text, node.getStart(sf), node.end);
      edits.push({ start: r.start, end: r.end, text: '' });
    } else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      const whole = evalConst(node, p);
      if (whole !== undefined) edits.push({ start: node.getStart(sf), end: node.end, text: literal(whole) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edits;
}

type StatementList = ts.Block | ts.SourceFile | ts.CaseClause | ts.DefaultClause | ts.ModuleBlock;

export function inStatementList(node: ts.Node): node is ts.Statement & { parent: StatementList } {
  const parent = node.parent;
  return !!parent && (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent) || ts.isModuleBlock(parent));
}

/** Pragmas and headers that belong to the file, not to the statement below them. */
const DIRECTIVE = /^(\/\/\s*@ts-|\/\/\/\s*<|\/[/*]\s*eslint|\/\*!|\/[/*]\s*(@license|@preserve|prettier-ignore|istanbul|c8 )|#!)/;

/**
 * Comments directly above a statement (no blank line between, each on its own line)
 * go with it, except pragmas (// @ts-check, eslint, ///<reference>) and a comment
 * block that opens the file (a header).
 */
export function attachedCommentStart(sf: ts.SourceFile, node: ts.Node): number {
  const text = sf.text;
  const start = node.getStart(sf);
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  let first = start;
  for (let i = ranges.length - 1; i >= 0; i--) {
    const r = ranges[i];
    const between = text.slice(r.end, first);
    const ownLine = isBlank(text.slice(lineStartAt(text, r.pos), r.pos));
    if (!ownLine || (between.match(/\n/g)?.length ?? 0) > 1) break;
    if (DIRECTIVE.test(text.slice(r.pos, r.end)) || isBlank(text.slice(0, r.pos))) break;
    first = r.pos;
  }
  return first;
}

export function deleteStatement(sf: ts.SourceFile, node: ts.Node): TextEdit {
  const r = deletionRange(sf.text, attachedCommentStart(sf, node), node.end);
  return { start: r.start, end: r.end, text: '' };
}

function isTerminator(s: ts.Statement | undefined): boolean {
  return !!s && (ts.isReturnStatement(s) || ts.isThrowStatement(s) || ts.isBreakStatement(s) || ts.isContinueStatement(s));
}

/** Declarations that stay useful after an unconditional return: hoisted functions and types. */
function survivesUnreachable(s: ts.Statement): boolean {
  return ts.isFunctionDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || (ts.isModuleDeclaration(s) && !ts.isIdentifier(s.name));
}

function lexicalNames(block: ts.Block): string[] {
  const names: string[] = [];
  for (const s of block.statements) {
    if (ts.isVariableStatement(s) && s.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using)) {
      for (const d of s.declarationList.declarations) collectBindingNames(d.name, (n) => names.push(n));
    } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name) {
      names.push(s.name.text);
    }
  }
  return names;
}

export function collectBindingNames(name: ts.BindingName, add: (name: string) => void): void {
  if (ts.isIdentifier(name)) add(name.text);
  else for (const e of name.elements) if (!ts.isOmittedExpression(e)) collectBindingNames(e.name, add);
}

function ifEdits(sf: ts.SourceFile, node: ts.IfStatement, value: boolean, lexicalInlined: Set<ts.Node>): TextEdit[] {
  const text = sf.text;
  const live = value ? node.thenStatement : node.elseStatement;
  const parent = node.parent;
  const src = (n: ts.Node) => text.slice(n.getStart(sf), n.end);

  if (ts.isIfStatement(parent) && parent.elseStatement === node) {
    // An `else if` in a chain: the chain keeps its other branches.
    if (!live) return [{ start: parent.thenStatement.end, end: node.end, text: '' }];
    return [{ start: node.getStart(sf), end: node.end, text: src(live) }];
  }
  if (!inStatementList(node)) {
    return [{ start: node.getStart(sf), end: node.end, text: live ? src(live) : '{}' }];
  }
  const list = node.parent.statements;
  if (!live || (ts.isBlock(live) && live.statements.length === 0 && !hasComments(text, live))) return [deleteStatement(sf, node)];

  const edits: TextEdit[] = [];
  const lineStart = lineStartAt(text, node.getStart(sf));
  const ownLine = isBlank(text.slice(lineStart, node.getStart(sf)));
  const indent = indentAt(text, node.getStart(sf));
  let last: ts.Statement | undefined = live;
  if (ts.isBlock(live)) {
    last = live.statements[live.statements.length - 1];
    const names = lexicalNames(live);
    const siblings = new Set<string>();
    for (const s of list) {
      if (s === node) continue;
      if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) collectBindingNames(d.name, (n) => siblings.add(n));
      else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) siblings.add(s.name.text);
      else if (ts.isIfStatement(s) || ts.isBlock(s)) for (const b of [s, ...(ts.isIfStatement(s) ? [s.thenStatement, s.elseStatement] : [])]) if (b && ts.isBlock(b)) lexicalNames(b).forEach((n) => siblings.add(n));
    }
    const conflict = names.some((n) => siblings.has(n)) || (names.length > 0 && lexicalInlined.has(node.parent));
    if (conflict || !ownLine) {
      // Keep the braces: the block's names would collide one level up (or the if shares its line).
      edits.push({ start: node.getStart(sf), end: node.end, text: src(live) });
    } else {
      if (names.length > 0) lexicalInlined.add(node.parent);
      edits.push({ start: lineStart, end: node.end, text: inlineBlock(sf, live, indent) });
    }
  } else {
    edits.push({ start: ownLine ? lineStart : node.getStart(sf), end: node.end, text: (ownLine ? indent : '') + reindent(sf, live, indent) });
  }
  if (isTerminator(last)) {
    const index = list.indexOf(node);
    for (const s of list.slice(index + 1)) if (!survivesUnreachable(s)) edits.push(deleteStatement(sf, s));
  }
  return edits;
}

function hasComments(text: string, block: ts.Block): boolean {
  return /\/\/|\/\*/.test(text.slice(block.getStart() + 1, block.end - 1));
}

/** Line starts inside template literals: their text is data, so it keeps its indentation. */
function templateLineStarts(sf: ts.SourceFile, from: number, to: number): Set<number> {
  const out = new Set<number>();
  const text = sf.text;
  const visit = (n: ts.Node) => {
    if (n.end < from || n.pos > to) return;
    if (ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
      for (let i = text.indexOf('\n', n.getStart(sf)); i >= 0 && i < n.end - 1; i = text.indexOf('\n', i + 1)) out.add(i + 1);
    }
    n.getChildren(sf).forEach(visit);
  };
  visit(sf);
  return out;
}

/** The block's inside, one level less indented, starting at `indent`. */
function inlineBlock(sf: ts.SourceFile, block: ts.Block, indent: string): string {
  const text = sf.text;
  const innerStart = block.getStart(sf) + 1;
  const innerEnd = block.end - 1;
  const keep = templateLineStarts(sf, innerStart, innerEnd);
  // Split the inside into lines, remembering where each starts in the file.
  const lines: { at: number; text: string }[] = [];
  let at = innerStart;
  for (;;) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 || nl >= innerEnd ? innerEnd : nl;
    lines.push({ at, text: text.slice(at, end) });
    if (end >= innerEnd) break;
    at = end + 1;
  }
  if (lines.length > 0 && isBlank(lines[0].text)) lines.shift();
  else if (lines.length > 0) lines[0] = { at: -1, text: lines[0].text.trimStart() };
  if (lines.length > 0 && isBlank(lines[lines.length - 1].text)) lines.pop();
  const inner = lines.filter((l) => l.at >= 0 && !isBlank(l.text) && !keep.has(l.at)).map((l) => /^[ \t]*/.exec(l.text)![0]);
  const common = inner.length > 0 ? inner.reduce((a, b) => (b.length < a.length ? b : a)) : '';
  return lines
    .map((l) => {
      if (l.at >= 0 && keep.has(l.at)) return l.text;
      if (isBlank(l.text)) return '';
      if (l.at < 0) return indent + l.text;
      return indent + (l.text.startsWith(common) ? l.text.slice(common.length) : l.text.trimStart());
    })
    .join('\n')
    .replace(/\r$/, '');
}

/** A single statement moved to `indent`: its later lines shift by the same amount. */
function reindent(sf: ts.SourceFile, stmt: ts.Statement, indent: string): string {
  const text = sf.text;
  const body = text.slice(stmt.getStart(sf), stmt.end);
  const own = indentAt(text, stmt.getStart(sf));
  const onOwnLine = isBlank(text.slice(lineStartAt(text, stmt.getStart(sf)), stmt.getStart(sf)));
  if (!onOwnLine || !body.includes('\n')) return body;
  const keep = templateLineStarts(sf, stmt.getStart(sf), stmt.end);
  let out = '';
  let pos = stmt.getStart(sf);
  for (const line of body.split('\n')) {
    if (out === '') out = line;
    else out += '\n' + (keep.has(pos) ? line : line.startsWith(own) ? indent + line.slice(own.length) : line);
    pos += line.length + 1;
  }
  return out;
}


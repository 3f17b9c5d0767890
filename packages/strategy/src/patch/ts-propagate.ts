import ts from 'typescript';
import type { TextEdit } from './edits.js';
import { evalConst, isPure, type Placeholders } from './ts-const.js';
import { deleteStatement, inStatementList } from './ts-fold.js';

/**
 * Variables and functions that only carried the flag (Piranha's "delete variables
 * assigned to flags" and "inline methods returning flags"): `const on = <flag>` and
 * `function on() { return <flag>; }` (or an arrow) go, and every use becomes the
 * constant. Only declarations the file owns (not exported) and whose every use can
 * be replaced (reads, or calls with side-effect-free arguments) qualify. One
 * declaration per call, so the edits never overlap.
 */
export function propagateOne(sf: ts.SourceFile, p: Placeholders): TextEdit[] | null {
  const candidates: { decl: ts.Node; name: ts.Identifier; value: boolean; kind: 'value' | 'function'; statement: ts.Statement }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isVariableStatement(node) && !isExported(node) && inStatementList(node)) {
      const list = node.declarationList;
      for (const d of list.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) continue;
        const v = evalConst(d.initializer, p);
        if (v !== undefined) candidates.push({ decl: d, name: d.name, value: v, kind: 'value', statement: node });
        else if (list.flags & ts.NodeFlags.Const && list.declarations.length === 1) {
          const fv = constantReturn(d.initializer, p);
          if (fv !== undefined) candidates.push({ decl: d, name: d.name, value: fv, kind: 'function', statement: node });
        }
      }
    } else if (ts.isFunctionDeclaration(node) && node.name && node.body && !isExported(node) && inStatementList(node)) {
      const fv = constantReturn(node, p);
      if (fv !== undefined) candidates.push({ decl: node, name: node.name, value: fv, kind: 'function', statement: node });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (candidates.length === 0) return null;

  const checker = checkerFor(sf);
  for (const c of candidates) {
    const symbol = checker.getSymbolAtLocation(c.name);
    if (!symbol) continue;
    if (c.kind === 'function' && (symbol.declarations?.length ?? 0) > 1) continue; // overloads
    const refs = referencesTo(sf, checker, symbol, c.name);
    if (refs === null) continue;
    const text = c.value ? p.on : p.off;
    const edits: TextEdit[] = [];
    let ok = true;
    for (const ref of refs) {
      if (c.kind === 'value') {
        if (isWrite(ref) || insideType(ref)) {
          ok = false;
          break;
        }
        if (ts.isShorthandPropertyAssignment(ref.parent)) edits.push({ start: ref.end, end: ref.end, text: `: ${text}` });
        else edits.push({ start: ref.getStart(sf), end: ref.end, text });
      } else {
        const call = ref.parent;
        if (!ts.isCallExpression(call) || call.expression !== ref || !call.arguments.every(isPure)) {
          ok = false;
          break;
        }
        edits.push({ start: call.getStart(sf), end: call.end, text });
      }
    }
    if (!ok) continue;
    const list = ts.isVariableDeclaration(c.decl) && ts.isVariableDeclarationList(c.decl.parent) ? c.decl.parent : null;
    if (list && list.declarations.length > 1) edits.push(removeDeclarator(sf, list, c.decl as ts.VariableDeclaration));
    else edits.push(deleteStatement(sf, c.statement));
    return edits;
  }
  return null;
}

function isExported(node: ts.Node): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return !!mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword || m.kind === ts.SyntaxKind.DeclareKeyword);
}

/** The constant a function always returns: its body is `return <constant>;` or an expression body. */
function constantReturn(node: ts.Node, p: Placeholders): boolean | undefined {
  if (!(ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node))) return undefined;
  if (node.asteriskToken || node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return undefined;
  const body = node.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return evalConst(body, p);
  if (body.statements.length !== 1) return undefined;
  const only = body.statements[0];
  return ts.isReturnStatement(only) && only.expression ? evalConst(only.expression, p) : undefined;
}

/** A one-file program: enough for the binder and checker to resolve local names. */
function checkerFor(sf: ts.SourceFile): ts.TypeChecker {
  const options: ts.CompilerOptions = { noLib: true, noResolve: true, allowJs: true, noEmit: true, types: [] };
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === sf.fileName ? sf : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (f) => f === sf.fileName,
    readFile: () => undefined,
  };
  return ts.createProgram({ rootNames: [sf.fileName], options, host }).getTypeChecker();
}

/** Every identifier that resolves to `symbol` (the declaring name excluded); null when one is exported by name. */
function referencesTo(sf: ts.SourceFile, checker: ts.TypeChecker, symbol: ts.Symbol, declName: ts.Identifier): ts.Identifier[] | null {
  const out: ts.Identifier[] = [];
  let exported = false;
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && node !== declName && node.text === declName.text) {
      const s = ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node ? checker.getShorthandAssignmentValueSymbol(node.parent) : checker.getSymbolAtLocation(node);
      if (s === symbol) {
        if (ts.isExportSpecifier(node.parent) || ts.isExportAssignment(node.parent)) exported = true;
        out.push(node);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return exported ? null : out;
}

function isWrite(id: ts.Identifier): boolean {
  let node: ts.Node = id;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isBinaryExpression(parent) && parent.left === node) {
    const op = parent.operatorToken.kind;
    return op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
  }
  if ((ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) && (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken)) return true;
  return ts.isArrayLiteralExpression(parent) || ts.isShorthandPropertyAssignment(parent) ? isDestructuringTarget(parent) : false;
}

function isDestructuringTarget(node: ts.Node): boolean {
  let n: ts.Node = node;
  while (ts.isArrayLiteralExpression(n.parent) || ts.isObjectLiteralExpression(n.parent) || ts.isPropertyAssignment(n.parent) || ts.isShorthandPropertyAssignment(n.parent)) n = n.parent;
  return ts.isBinaryExpression(n.parent) && n.parent.left === n && n.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

function insideType(id: ts.Node): boolean {
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (ts.isTypeQueryNode(n)) return true;
    if (ts.isStatement(n)) return false;
  }
  return false;
}

/** Removes one declarator of `let a = 1, b = 2` with its comma. */
function removeDeclarator(sf: ts.SourceFile, list: ts.VariableDeclarationList, d: ts.VariableDeclaration): TextEdit {
  const all = list.declarations;
  const i = all.indexOf(d);
  if (i < all.length - 1) return { start: d.getStart(sf), end: all[i + 1].getStart(sf), text: '' };
  return { start: all[i - 1].end, end: d.end, text: '' };
}

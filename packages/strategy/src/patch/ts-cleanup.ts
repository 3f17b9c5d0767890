import ts from 'typescript';
import type { TextEdit } from './edits.js';
import { isPure } from './ts-const.js';
import { deleteStatement, inStatementList } from './ts-fold.js';

/**
 * What the removal left unused: imports, and local declarations (functions,
 * constants with side-effect-free initialisers, types) that the original file used
 * and the patched one no longer does. Anything unused before the patch is left
 * alone: it is not the patch's business.
 */

/** How often each name is used (not declared) in the file. Over-counting keeps things; it is the safe side. */
export function nameUses(sf: ts.SourceFile): Map<string, number> {
  const uses = new Map<string, number>();
  for (const [name, at] of usePositions(sf)) uses.set(name, at.length);
  return uses;
}

/** Where each name is used (not declared): start positions, in order. */
function usePositions(sf: ts.SourceFile): Map<string, number[]> {
  const uses = new Map<string, number[]>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && !isDeclarationName(node)) {
      const list = uses.get(node.text);
      if (list) list.push(node.pos);
      else uses.set(node.text, [node.pos]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return uses;
}

function isDeclarationName(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isImportEqualsDeclaration(p)) return true;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return true;
  if (ts.isQualifiedName(p) && p.right === id) return true;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p) || ts.isMethodSignature(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isEnumMember(p)) && p.name === id) return true;
  if ((ts.isVariableDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p) || ts.isInterfaceDeclaration(p) || ts.isTypeAliasDeclaration(p) || ts.isEnumDeclaration(p) || ts.isParameter(p) || ts.isTypeParameterDeclaration(p)) && p.name === id) return true;
  if (ts.isBindingElement(p) && (p.name === id || p.propertyName === id)) return true;
  if ((ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)) && p.label === id) return true;
  return false;
}

/** Names declared more than once in the file: scoping makes them ambiguous, so cleanup leaves them. */
function declarationCounts(sf: ts.SourceFile): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && isDeclarationName(node) && !ts.isPropertyAccessExpression(node.parent) && !ts.isQualifiedName(node.parent)) counts.set(node.text, (counts.get(node.text) ?? 0) + 1);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return counts;
}

export function cleanupEdits(sf: ts.SourceFile, usedBefore: Map<string, number>): TextEdit[] {
  const edits: TextEdit[] = [];
  const positions = usePositions(sf);
  const usedBeforeAndNotNow = (name: string, outside?: ts.Node) =>
    (usedBefore.get(name) ?? 0) > 0 && !(positions.get(name) ?? []).some((at) => !outside || at < outside.pos || at >= outside.end);
  const newlyUnused = (name: string) => usedBeforeAndNotNow(name);

  for (const stmt of sf.statements) {
    if (!ts.isImportDeclaration(stmt) || !stmt.importClause) continue;
    const clause = stmt.importClause;
    const named = clause.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
    const ns = clause.namedBindings && ts.isNamespaceImport(clause.namedBindings) ? clause.namedBindings : null;
    const dropDefault = !!clause.name && newlyUnused(clause.name.text);
    const dropNs = !!ns && newlyUnused(ns.name.text);
    const dropNamed = named ? named.map((e) => newlyUnused(e.name.text)) : [];
    if (!dropDefault && !dropNs && !dropNamed.some(Boolean)) continue;
    const keepDefault = !!clause.name && !dropDefault;
    const keepNs = !!ns && !dropNs;
    const keepNamed = named ? named.filter((_, i) => !dropNamed[i]) : [];
    if (!keepDefault && !keepNs && keepNamed.length === 0) {
      edits.push(deleteStatement(sf, stmt));
      continue;
    }
    if (dropDefault) {
      // `import a, { b } from` -> `import { b } from`
      edits.push({ start: clause.name!.getStart(sf), end: clause.namedBindings!.getStart(sf), text: '' });
    }
    if (dropNs) edits.push({ start: clause.name!.end, end: ns!.end, text: '' });
    if (named) {
      if (keepNamed.length === 0) {
        // `import a, { b } from` -> `import a from`
        edits.push({ start: clause.name!.end, end: clause.namedBindings!.end, text: '' });
      } else {
        for (let i = 0; i < named.length; i++) {
          if (!dropNamed[i]) continue;
          let j = i;
          while (j + 1 < named.length && dropNamed[j + 1]) j++;
          if (j < named.length - 1) edits.push({ start: named[i].getStart(sf), end: named[j + 1].getStart(sf), text: '' });
          else edits.push({ start: named[i - 1].end, end: named[j].end, text: '' });
          i = j;
        }
      }
    }
  }

  const declared = declarationCounts(sf);
  const visit = (node: ts.Node) => {
    if (inStatementList(node) && !isExported(node)) {
      const names = removableNames(node);
      if (names && names.length > 0 && names.every((n) => (declared.get(n) ?? 0) === 1)) {
        // Uses inside the declaration itself (recursion) do not keep it.
        if (names.every((n) => usedBeforeAndNotNow(n, node))) {
          edits.push(deleteStatement(sf, node));
          return;
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edits;
}

/** The names a statement declares, when deleting it can change nothing but those names. */
function removableNames(node: ts.Node): string[] | null {
  if (ts.isFunctionDeclaration(node) && node.name && node.body) return [node.name.text];
  if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name) return [node.name.text];
  if (ts.isVariableStatement(node)) {
    const names: string[] = [];
    for (const d of node.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer || !isPure(d.initializer)) return null;
      names.push(d.name.text);
    }
    return names;
  }
  return null;
}

function isExported(node: ts.Node): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return !!mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword || m.kind === ts.SyntaxKind.DeclareKeyword);
}

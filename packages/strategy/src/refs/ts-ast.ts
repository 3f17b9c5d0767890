import ts from 'typescript';

/** TypeScript and JavaScript files the compiler API parses. */
const SCRIPT_KINDS: Record<string, ts.ScriptKind> = {
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.cts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
  '.cjs': ts.ScriptKind.JS,
  '.jsx': ts.ScriptKind.JSX,
};

export function scriptKindOf(file: string): ts.ScriptKind | null {
  const dot = file.lastIndexOf('.');
  return dot >= 0 ? (SCRIPT_KINDS[file.slice(dot).toLowerCase()] ?? null) : null;
}

export function parseScript(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file) ?? ts.ScriptKind.TS);
}

/** `isEnabled`, `flags.get`, `this.flags.get`: the callee as a dotted name, or null. */
export function dottedName(expr: ts.Expression): string | null {
  if (ts.isIdentifier(expr)) return expr.text;
  if (expr.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isPropertyAccessExpression(expr)) {
    const left = dottedName(expr.expression);
    return left === null ? null : `${left}.${expr.name.text}`;
  }
  if (ts.isNonNullExpression(expr) || ts.isParenthesizedExpression(expr)) return dottedName(expr.expression);
  return null;
}

/** A call to one of the registry's flag functions (matched on the whole name or its dotted tail). */
export function isFlagFunctionCall(node: ts.Node, flagFunctions: readonly string[]): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const name = dottedName(node.expression);
  return name !== null && flagFunctions.some((f) => name === f || name.endsWith(`.${f}`));
}

/** The key a flag call reads: its first argument, when that is a plain string. */
export function flagCallKey(call: ts.CallExpression): ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | null {
  const arg = call.arguments[0];
  return arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) ? arg : null;
}

export type TokenPlace = { kind: 'trivia' } | { kind: 'token'; token: ts.Node };

/** The token that holds position `pos`, or 'trivia' when it falls in a comment (or whitespace). */
export function tokenAt(sf: ts.SourceFile, pos: number): TokenPlace {
  let node: ts.Node = sf;
  for (;;) {
    const children = node.getChildren(sf);
    let next: ts.Node | undefined;
    for (const child of children) {
      if (child.pos <= pos && pos < child.end) {
        next = child;
        break;
      }
    }
    if (!next) return node === sf ? { kind: 'trivia' } : { kind: 'token', token: node };
    if (pos < next.getStart(sf)) return { kind: 'trivia' };
    if (next.kind >= ts.SyntaxKind.FirstJSDocNode && next.kind <= ts.SyntaxKind.LastJSDocNode) return { kind: 'trivia' };
    node = next;
  }
}

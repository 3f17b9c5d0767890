import ts from 'typescript';

/**
 * Constant folding for the removal patch. A flag read becomes a placeholder
 * identifier (one for "on", one for "off"); only expressions built on placeholders
 * fold, so constant conditions the code already had stay exactly as written.
 */
export interface Placeholders {
  on: string;
  off: string;
}

export function makePlaceholders(text: string): Placeholders {
  let suffix = '';
  while (text.includes(`__recdata_on${suffix}__`) || text.includes(`__recdata_off${suffix}__`)) suffix += '_';
  return { on: `__recdata_on${suffix}__`, off: `__recdata_off${suffix}__` };
}

/** Unwraps parentheses and type-only wrappers (as, satisfies, !, <T>). */
export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else return e;
  }
}

export function placeholderValue(e: ts.Node, p: Placeholders): boolean | undefined {
  if (!ts.isIdentifier(e)) return undefined;
  if (e.text === p.on) return true;
  if (e.text === p.off) return false;
  return undefined;
}

/**
 * True when evaluating `e` can have no effect that dropping it would lose: names,
 * literals, property reads, operators other than assignment, function expressions.
 * Calls, `new`, assignments, ++/--, await, yield and delete are not.
 */
export function isPure(e: ts.Node): boolean {
  if (ts.isIdentifier(e) || ts.isLiteralExpression(e) || ts.isNoSubstitutionTemplateLiteral(e)) return true;
  switch (e.kind) {
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
    case ts.SyntaxKind.ThisKeyword:
    case ts.SyntaxKind.UndefinedKeyword:
      return true;
  }
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) return isPure(e.expression);
  if (ts.isPropertyAccessExpression(e)) return isPure(e.expression);
  if (ts.isElementAccessExpression(e)) return isPure(e.expression) && isPure(e.argumentExpression);
  if (ts.isPrefixUnaryExpression(e)) return e.operator !== ts.SyntaxKind.PlusPlusToken && e.operator !== ts.SyntaxKind.MinusMinusToken && isPure(e.operand);
  if (ts.isTypeOfExpression(e)) return isPure(e.expression);
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) return false;
    return isPure(e.left) && isPure(e.right);
  }
  if (ts.isConditionalExpression(e)) return isPure(e.condition) && isPure(e.whenTrue) && isPure(e.whenFalse);
  if (ts.isTemplateExpression(e)) return e.templateSpans.every((s) => isPure(s.expression));
  if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => (ts.isSpreadElement(x) ? isPure(x.expression) : isPure(x)));
  if (ts.isObjectLiteralExpression(e)) {
    return e.properties.every((p) =>
      ts.isPropertyAssignment(p) ? !ts.isComputedPropertyName(p.name) && isPure(p.initializer) : ts.isShorthandPropertyAssignment(p) || ts.isMethodDeclaration(p),
    );
  }
  return false;
}

/** The value of `e` when it is a constant built from placeholders (never from literals the code had). */
export function evalConst(e: ts.Expression, p: Placeholders): boolean | undefined {
  const x = unwrap(e);
  const direct = placeholderValue(x, p);
  if (direct !== undefined) return direct;
  if (ts.isPrefixUnaryExpression(x) && x.operator === ts.SyntaxKind.ExclamationToken) {
    const v = evalConst(x.operand, p);
    return v === undefined ? undefined : !v;
  }
  if (ts.isBinaryExpression(x)) {
    const op = x.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
      const absorbing = op === ts.SyntaxKind.BarBarToken; // true absorbs ||, false absorbs &&
      const l = evalConst(x.left, p);
      if (l === absorbing) return absorbing;
      const r = evalConst(x.right, p);
      if (l === !absorbing) return r;
      if (r === absorbing && isPure(x.left)) return absorbing;
      return undefined;
    }
    if (op === ts.SyntaxKind.QuestionQuestionToken) return evalConst(x.left, p);
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) {
      const negate = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
      const l = evalConst(x.left, p) ?? booleanLiteral(x.left);
      const r = evalConst(x.right, p) ?? booleanLiteral(x.right);
      // At least one side must come from a flag read; comparing two literals is the code's own business.
      if (l === undefined || r === undefined || (evalConst(x.left, p) === undefined && evalConst(x.right, p) === undefined)) return undefined;
      return negate ? l !== r : l === r;
    }
    return undefined;
  }
  if (ts.isConditionalExpression(x)) {
    const c = evalConst(x.condition, p);
    if (c === undefined) return undefined;
    return evalConst(c ? x.whenTrue : x.whenFalse, p);
  }
  return undefined;
}

function booleanLiteral(e: ts.Expression): boolean | undefined {
  const x = unwrap(e);
  if (x.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (x.kind === ts.SyntaxKind.FalseKeyword) return false;
  return undefined;
}

/** Whether the text of `e` can replace an expression at `site` without parentheses. */
export function needsParens(replacement: ts.Expression, site: ts.Expression): boolean {
  const parent = site.parent;
  if (ts.isObjectLiteralExpression(replacement) && ts.isArrowFunction(parent) && parent.body === site) return true;
  if (ts.isBinaryExpression(replacement) && replacement.operatorToken.kind === ts.SyntaxKind.CommaToken) {
    return !(ts.isParenthesizedExpression(parent) || ts.isExpressionStatement(parent));
  }
  const low =
    ts.isConditionalExpression(replacement) ||
    ts.isArrowFunction(replacement) ||
    ts.isYieldExpression(replacement) ||
    (ts.isBinaryExpression(replacement) &&
      (replacement.operatorToken.kind === ts.SyntaxKind.CommaToken ||
        (replacement.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && replacement.operatorToken.kind <= ts.SyntaxKind.LastAssignment)));
  if (!low) return false;
  return !(
    ts.isParenthesizedExpression(parent) ||
    ts.isExpressionStatement(parent) ||
    ts.isReturnStatement(parent) ||
    (ts.isVariableDeclaration(parent) && parent.initializer === site) ||
    (ts.isPropertyAssignment(parent) && parent.initializer === site) ||
    ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(site)) ||
    ts.isArrayLiteralExpression(parent) ||
    ts.isTemplateSpan(parent) ||
    (ts.isArrowFunction(parent) && parent.body === site)
  );
}

/**
 * The filter language of `blob-store ls --where` and `rm --where`: a small
 * expression grammar, parsed into a tree and compiled into parameterised SQL.
 * Column names are checked against the index's columns and quoted; every literal
 * becomes a `?` parameter: user text never becomes SQL text.
 *
 *   expr    := or
 *   or      := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | primary
 *   primary := "(" expr ")" | operand tail
 *   tail    := ("=" | "!=" | "<>" | "<" | "<=" | ">" | ">=") operand
 *            | "is" ["not"] "null"
 *            | ["not"] "like" string
 *            | ["not"] "in" "(" operand ("," operand)* ")"
 *            | ["not"] "between" operand "and" operand
 *   operand := column | number | 'string' (a quote doubled inside: 'it''s') | true | false | null
 *
 * Keywords are case-insensitive. A mistake is exit 2 naming the offset in the text.
 */
import { errors } from '@recdata/core';

export type Value = string | number | bigint | null;
export type Operand = { kind: 'column'; name: string } | { kind: 'value'; value: Value };
export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'compare'; op: string; left: Operand; right: Operand }
  | { kind: 'null'; operand: Operand; negated: boolean }
  | { kind: 'like'; operand: Operand; pattern: string; negated: boolean }
  | { kind: 'in'; operand: Operand; list: Operand[]; negated: boolean }
  | { kind: 'between'; operand: Operand; low: Operand; high: Operand; negated: boolean };

type Token = { kind: 'ident' | 'number' | 'string' | 'op' | 'end'; text: string; at: number; value?: Value };

const OPS = ['<=', '>=', '!=', '<>', '=', '<', '>', '(', ')', ','];
const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'like', 'in', 'between', 'true', 'false']);

function fail(text: string, at: number, what: string): never {
  throw errors.usage(`--where: ${what} at offset ${at} of ${JSON.stringify(text)}`);
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) fail(text, at, 'a string is not closed');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      out.push({ kind: 'string', text: s, at, value: s });
      continue;
    }
    const num = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num && (c !== '-' || out.length === 0 || out[out.length - 1].kind === 'op' || ['and', 'or', 'not', 'in', 'between'].includes(out[out.length - 1].text.toLowerCase()))) {
      const t = num[0];
      const value: Value = /^-?\d+$/.test(t) ? (Number.isSafeInteger(Number(t)) ? Number(t) : BigInt(t)) : Number(t);
      out.push({ kind: 'number', text: t, at, value });
      i += t.length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (ident) {
      out.push({ kind: 'ident', text: ident[0], at });
      i += ident[0].length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) fail(text, at, `unexpected character ${JSON.stringify(c)}`);
    out.push({ kind: 'op', text: op, at });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', at: text.length });
  return out;
}

/** Parses a filter; exit 2 on a mistake. */
export function parseWhere(text: string): Expr {
  const tokens = tokenize(text);
  let p = 0;
  const peek = () => tokens[p];
  const isKw = (t: Token, kw: string) => t.kind === 'ident' && t.text.toLowerCase() === kw;
  const eatKw = (kw: string) => (isKw(peek(), kw) ? (p++, true) : false);
  const expectKw = (kw: string) => {
    if (!eatKw(kw)) fail(text, peek().at, `expected "${kw}"`);
  };
  const eatOp = (op: string) => (peek().kind === 'op' && peek().text === op ? (p++, true) : false);
  const expectOp = (op: string) => {
    if (!eatOp(op)) fail(text, peek().at, `expected "${op}"`);
  };

  function operand(): Operand {
    const t = peek();
    if (t.kind === 'number' || t.kind === 'string') {
      p++;
      return { kind: 'value', value: t.value! };
    }
    if (t.kind === 'ident') {
      const lower = t.text.toLowerCase();
      if (lower === 'true' || lower === 'false') {
        p++;
        return { kind: 'value', value: lower === 'true' ? 1 : 0 };
      }
      if (lower === 'null') {
        p++;
        return { kind: 'value', value: null };
      }
      if (KEYWORDS.has(lower)) fail(text, t.at, `expected a column or a value, got "${t.text}"`);
      p++;
      return { kind: 'column', name: t.text };
    }
    return fail(text, t.at, t.kind === 'end' ? 'the expression ends early' : `expected a column or a value, got "${t.text}"`);
  }

  function primary(): Expr {
    if (eatOp('(')) {
      const e = or();
      expectOp(')');
      return e;
    }
    const left = operand();
    const t = peek();
    if (t.kind === 'op' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(t.text)) {
      p++;
      return { kind: 'compare', op: t.text === '<>' ? '!=' : t.text, left, right: operand() };
    }
    if (eatKw('is')) {
      const negated = eatKw('not');
      expectKw('null');
      return { kind: 'null', operand: left, negated };
    }
    const negated = eatKw('not');
    if (eatKw('like')) {
      const s = peek();
      if (s.kind !== 'string') fail(text, s.at, 'like needs a quoted pattern');
      p++;
      return { kind: 'like', operand: left, pattern: s.text, negated };
    }
    if (eatKw('in')) {
      expectOp('(');
      const list = [operand()];
      while (eatOp(',')) list.push(operand());
      expectOp(')');
      return { kind: 'in', operand: left, list, negated };
    }
    if (eatKw('between')) {
      const low = operand();
      expectKw('and');
      return { kind: 'between', operand: left, low, high: operand(), negated };
    }
    return fail(text, peek().at, peek().kind === 'end' ? 'a comparison is missing (=, <, like, in, is null, ...)' : `expected a comparison, got "${peek().text}"`);
  }

  function not(): Expr {
    if (eatKw('not')) return { kind: 'not', expr: not() };
    return primary();
  }
  function and(): Expr {
    let e = not();
    while (eatKw('and')) e = { kind: 'and', left: e, right: not() };
    return e;
  }
  function or(): Expr {
    let e = and();
    while (eatKw('or')) e = { kind: 'or', left: e, right: and() };
    return e;
  }

  if (peek().kind === 'end') fail(text, 0, 'the expression is empty');
  const e = or();
  if (peek().kind !== 'end') fail(text, peek().at, `unexpected "${peek().text}"`);
  return e;
}

/** SQL for a parsed filter: `sql` with `?` for every value in `params`. Unknown columns are exit 2. */
export function compileWhere(expr: Expr, columns: readonly string[]): { sql: string; params: Value[] } {
  const params: Value[] = [];
  const known = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const op = (o: Operand): string => {
    if (o.kind === 'value') {
      params.push(o.value);
      return '?';
    }
    const name = known.get(o.name.toLowerCase());
    if (!name) throw errors.usage(`--where names the column "${o.name}", which the index does not have (its columns: ${columns.join(', ')})`);
    return `"${name.replace(/"/g, '""')}"`;
  };
  const walk = (e: Expr): string => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return `(${walk(e.left)} ${e.kind} ${walk(e.right)})`;
      case 'not':
        return `(not ${walk(e.expr)})`;
      case 'compare':
        return `(${op(e.left)} ${e.op} ${op(e.right)})`;
      case 'null':
        return `(${op(e.operand)} is ${e.negated ? 'not ' : ''}null)`;
      case 'like': {
        const left = op(e.operand);
        params.push(e.pattern);
        return `(${left} ${e.negated ? 'not ' : ''}like ?)`;
      }
      case 'in': {
        const left = op(e.operand);
        return `(${left} ${e.negated ? 'not ' : ''}in (${e.list.map(op).join(', ')}))`;
      }
      case 'between': {
        const left = op(e.operand);
        const low = op(e.low);
        return `(${left} ${e.negated ? 'not ' : ''}between ${low} and ${op(e.high)})`;
      }
    }
  };
  return { sql: walk(expr), params };
}

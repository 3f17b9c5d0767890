/**
 * A tokenizer over .proto text that keeps every token's line and column (1-based,
 * columns counted in UTF-16 code units like most editors). protobufjs reports only
 * a line, and nothing at all for declarations; this is how violations and parse
 * errors get a precise file:line:col.
 */

export type TokenKind = 'ident' | 'number' | 'string' | 'symbol';

export interface Token {
  kind: TokenKind;
  /** The token as written (a string keeps its quotes and escapes). */
  text: string;
  line: number;
  column: number;
}

export interface Position {
  line: number;
  column: number;
}

export class TokenizeError extends Error {
  readonly position: Position;
  constructor(message: string, position: Position) {
    super(message);
    this.position = position;
  }
}

const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string) => isIdentStart(c) || (c >= '0' && c <= '9');
const isDigit = (c: string) => c >= '0' && c <= '9';

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = source.length;
  const pos = (at: number): Position => ({ line, column: at - lineStart + 1 });
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };

  while (i < n) {
    const c = source[i];
    if (c === '\n') {
      newline(i);
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const start = pos(i);
      i += 2;
      while (i < n && !(source[i] === '*' && source[i + 1] === '/')) {
        if (source[i] === '\n') newline(i);
        i++;
      }
      if (i >= n) throw new TokenizeError('unterminated block comment', start);
      i += 2;
      continue;
    }
    const start = pos(i);
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && source[j] !== c) {
        if (source[j] === '\n') throw new TokenizeError('unterminated string', start);
        if (source[j] === '\\') j++;
        j++;
      }
      if (j >= n) throw new TokenizeError('unterminated string', start);
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), ...start });
      i = j + 1;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n) {
        const d = source[j];
        if (isIdentPart(d) || d === '.') j++;
        else if ((d === '+' || d === '-') && (source[j - 1] === 'e' || source[j - 1] === 'E') && !/^0[xX]/.test(source.slice(i, j))) j++;
        else break;
      }
      tokens.push({ kind: 'number', text: source.slice(i, j), ...start });
      i = j;
      continue;
    }
    if (isIdentStart(c) || (c === '.' && isIdentStart(source[i + 1] ?? ''))) {
      // A dotted name (pkg.Type, .pkg.Type) is one token, as protobufjs reads it.
      let j = i + 1;
      while (j < n && (isIdentPart(source[j]) || (source[j] === '.' && isIdentStart(source[j + 1] ?? '')))) j++;
      tokens.push({ kind: 'ident', text: source.slice(i, j), ...start });
      i = j;
      continue;
    }
    tokens.push({ kind: 'symbol', text: c, ...start });
    i++;
  }
  return tokens;
}

/** The value of a quoted token, with the escapes protoc accepts. */
export function unquote(text: string): string {
  const body = text.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
      case 'X': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1));
        if (m) {
          out += String.fromCharCode(parseInt(m[0], 16));
          i += m[0].length;
        } else out += e;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          const m = /^[0-7]{1,3}/.exec(body.slice(i))!;
          out += String.fromCharCode(parseInt(m[0], 8));
          i += m[0].length - 1;
        } else out += e;
    }
  }
  return out;
}

import { tokenize, type Position, type Token } from './tokenize.js';

/**
 * Where each declaration of a .proto file starts, by fully qualified name: messages,
 * enums, enum values, fields (by number) and reserved statements. Read from the
 * tokens after protobufjs has accepted the file, so the walk can be simple: it only
 * has to find declarations, not to validate them.
 */
export interface SourceMap {
  messages: Map<string, Position>;
  enums: Map<string, Position>;
  /** `${enumFullName}#${valueName}` */
  enumValues: Map<string, Position>;
  /** `${messageFullName}#${fieldNumber}` */
  fields: Map<string, FieldSource>;
  /** The first `reserved` statement of each message or enum. */
  reserved: Map<string, Position>;
}

export interface FieldSource extends Position {
  /** The `[default = ...]` value as written (one token, or several strings joined), if any. */
  defaultText?: string;
  /** The kind of the default's token: a quoted string, a number (with its sign) or a name. */
  defaultKind?: 'string' | 'number' | 'ident';
}

export function parseInteger(text: string): number {
  const neg = text.startsWith('-');
  const t = neg ? text.slice(1) : text;
  let v: number;
  if (/^0[xX]/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^0[0-7]+$/.test(t)) v = parseInt(t, 8);
  else v = parseInt(t, 10);
  return neg ? -v : v;
}

export function locate(source: string): SourceMap {
  const tokens = tokenize(source);
  const map: SourceMap = { messages: new Map(), enums: new Map(), enumValues: new Map(), fields: new Map(), reserved: new Map() };
  let i = 0;
  const peek = (k = 0): Token | undefined => tokens[i + k];
  const text = (k = 0) => tokens[i + k]?.text;
  const at = (t: Token): Position => ({ line: t.line, column: t.column });

  /** Skips to just after the `;` ending a statement, stepping over balanced braces and brackets. */
  const skipStatement = () => {
    let depth = 0;
    while (i < tokens.length) {
      const t = tokens[i++].text;
      if (t === '{' || t === '[' || t === '(') depth++;
      else if (t === '}' || t === ']' || t === ')') {
        depth--;
        if (depth === 0 && t === '}' && text() !== ';') return; // a block statement ends at its brace
      } else if (t === ';' && depth <= 0) return;
    }
  };
  const skipBlock = () => {
    // at '{'
    let depth = 0;
    while (i < tokens.length) {
      const t = tokens[i++].text;
      if (t === '{') depth++;
      else if (t === '}' && --depth === 0) {
        if (text() === ';') i++;
        return;
      }
    }
  };

  const readFieldOptions = (): Pick<FieldSource, 'defaultText' | 'defaultKind'> => {
    const out: Pick<FieldSource, 'defaultText' | 'defaultKind'> = {};
    if (text() !== '[') return out;
    i++;
    let depth = 1;
    while (i < tokens.length && depth > 0) {
      const t = tokens[i];
      if (t.text === '[' || t.text === '{' || t.text === '(') depth++;
      else if (t.text === ']' || t.text === '}' || t.text === ')') depth--;
      if (depth === 1 && t.text === 'default' && text(1) === '=') {
        i += 2;
        if (text() === '-' && peek(1)) {
          out.defaultText = '-' + tokens[i + 1].text;
          out.defaultKind = tokens[i + 1].kind === 'number' ? 'number' : 'ident';
          i += 2;
        } else if (peek()?.kind === 'string') {
          out.defaultKind = 'string';
          const parts: string[] = [];
          while (peek()?.kind === 'string') parts.push(tokens[i++].text);
          out.defaultText = parts.join(' ');
        } else if (peek()) {
          out.defaultKind = peek()!.kind === 'number' ? 'number' : 'ident';
          out.defaultText = tokens[i++].text;
        }
        continue;
      }
      i++;
    }
    return out;
  };

  const walkEnum = (fullName: string) => {
    // after '{'
    while (i < tokens.length && text() !== '}') {
      const t = tokens[i];
      if (t.text === ';') {
        i++;
      } else if (t.text === 'option') {
        skipStatement();
      } else if (t.text === 'reserved') {
        if (!map.reserved.has(fullName)) map.reserved.set(fullName, at(t));
        skipStatement();
      } else {
        map.enumValues.set(`${fullName}#${t.text}`, at(t));
        skipStatement();
      }
    }
    i++; // '}'
    if (text() === ';') i++;
  };

  const walkMessage = (fullName: string) => {
    // after '{'
    while (i < tokens.length && text() !== '}') {
      const t = tokens[i];
      const word = t.text;
      if (word === ';') {
        i++;
      } else if (word === 'export' || word === 'local') {
        i++;
      } else if (word === 'message') {
        const name = text(1)!;
        map.messages.set(`${fullName}.${name}`, at(t));
        i += 3; // message Name {
        walkMessage(`${fullName}.${name}`);
      } else if (word === 'enum') {
        const name = text(1)!;
        map.enums.set(`${fullName}.${name}`, at(t));
        i += 3;
        walkEnum(`${fullName}.${name}`);
      } else if (word === 'oneof') {
        i += 3; // oneof name {
        while (i < tokens.length && text() !== '}') {
          if (text() === 'option' || text() === ';') skipStatement();
          else readField(fullName);
        }
        i++;
        if (text() === ';') i++;
      } else if (word === 'option' || word === 'extensions') {
        skipStatement();
      } else if (word === 'reserved') {
        if (!map.reserved.has(fullName)) map.reserved.set(fullName, at(t));
        skipStatement();
      } else if (word === 'extend') {
        while (i < tokens.length && text() !== '{') i++;
        skipBlock();
      } else {
        readField(fullName);
      }
    }
    i++; // '}'
    if (text() === ';') i++;
  };

  const readField = (messageName: string) => {
    const first = tokens[i];
    if (first.text === 'map' && text(1) === '<') {
      // map < K , V > name = N
      while (i < tokens.length && text() !== '>') i++;
      i++; // '>'
      i++; // name
      i++; // '='
      const number = parseInteger(tokens[i++].text);
      map.fields.set(`${messageName}#${number}`, { ...at(first), ...readFieldOptions() });
      skipStatement();
      return;
    }
    if (first.text === 'optional' || first.text === 'required' || first.text === 'repeated') i++;
    if (text() === 'group') {
      // label group Name = N { ... }
      const name = text(1)!;
      const number = parseInteger(text(3)!);
      map.fields.set(`${messageName}#${number}`, at(first));
      map.messages.set(`${messageName}.${name}`, at(first));
      i += 4;
      readFieldOptions();
      i++; // '{'
      walkMessage(`${messageName}.${name}`);
      return;
    }
    i++; // type
    i++; // name
    if (text() !== '=') {
      skipStatement();
      return;
    }
    i++;
    const number = parseInteger(tokens[i++].text);
    map.fields.set(`${messageName}#${number}`, { ...at(first), ...readFieldOptions() });
    skipStatement();
  };

  let pkg = '';
  while (i < tokens.length) {
    const t = tokens[i];
    const word = t.text;
    if (word === 'package') {
      pkg = text(1) ?? '';
      skipStatement();
    } else if (word === 'export' || word === 'local') {
      i++;
    } else if (word === 'message') {
      const name = (pkg ? `${pkg}.` : '') + text(1);
      map.messages.set(name, at(t));
      i += 3;
      walkMessage(name);
    } else if (word === 'enum') {
      const name = (pkg ? `${pkg}.` : '') + text(1);
      map.enums.set(name, at(t));
      i += 3;
      walkEnum(name);
    } else if (word === 'service' || word === 'extend') {
      while (i < tokens.length && text() !== '{') i++;
      skipBlock();
    } else {
      skipStatement();
    }
  }
  return map;
}

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs';
import { openError } from '@recdata/core';
import { protoError } from '../bad-input.js';
import { SCALAR_TYPES, type Cardinality, type EnumDef, type FieldDef, type FieldType, type MessageDef, type ReservedRange, type ScalarName } from '../model.js';
import { locate, type SourceMap } from './locate.js';
import { tokenize, TokenizeError, unquote, type Token } from './tokenize.js';
import { canonicalDefault } from './defaults.js';
import { validateDeclarations } from './validate.js';

const require = createRequire(import.meta.url);

/** Every message and enum a .proto file (and what it imports) declares, by full name. */
export interface ProtoFile {
  path: string;
  source: string;
  syntax: 'proto2' | 'proto3' | 'editions';
  package: string;
  messages: Map<string, MessageDef>;
  enums: Map<string, EnumDef>;
  /** Messages declared in this file (not its imports), in declaration order: the candidates for --message. */
  declared: string[];
}

let protobuf: typeof Protobuf | null = null;
/**
 * protobufjs, loaded when a .proto is first parsed, from its single-file build: the
 * same code (v8.8.1) in one module loads in about a fifth of the time that its ~40
 * source modules take, and every schema-migrate command pays it at start-up.
 */
function pb(): typeof Protobuf {
  protobuf ??= require('protobufjs/dist/protobuf.min.js') as typeof Protobuf;
  return protobuf;
}

/** Reads and parses a .proto file: exit 66 when it cannot be read, exit 65 with file:line:col when it does not parse. */
export function loadProtoFile(file: string): ProtoFile {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw openError(file, e);
  }
  return parseProtoSource(source, file);
}

/** Parses .proto text; `file` names it in messages and anchors relative imports. */
export function parseProtoSource(source: string, file: string): ProtoFile {
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (e) {
    if (e instanceof TokenizeError) throw protoError(file, e.message, e.position.line, e.position.column);
    throw e;
  }
  const root = new (pb().Root)();
  const parsed = parseInto(root, source, file, tokens);
  const loaded = new Set<string>([path.resolve(file)]);
  for (const imp of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) loadImport(root, imp, file, tokens, loaded);
  try {
    root.resolveAll();
  } catch (e) {
    throw mapParseError(e, file, tokens);
  }
  let sourceMap: SourceMap;
  try {
    sourceMap = locate(source);
  } catch {
    sourceMap = { messages: new Map(), enums: new Map(), enumValues: new Map(), fields: new Map(), reserved: new Map() };
  }
  const syntax = syntaxOf(tokens);
  const out: ProtoFile = { path: file, source, syntax, package: parsed.package ?? '', messages: new Map(), enums: new Map(), declared: [...sourceMap.messages.keys()] };
  collect(root, out, sourceMap, file);
  out.declared = out.declared.filter((name) => out.messages.has(name));
  validateDeclarations(out, sourceMap);
  return out;
}

function syntaxOf(tokens: Token[]): ProtoFile['syntax'] {
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i].text === 'syntax' && tokens[i + 1].text === '=') return unquote(tokens[i + 2].text) === 'proto3' ? 'proto3' : 'proto2';
    if (tokens[i].text === 'edition' && tokens[i + 1].text === '=') return 'editions';
    if (tokens[i].kind === 'ident') break;
  }
  return 'proto2';
}

function parseInto(root: Protobuf.Root, source: string, file: string, tokens: Token[]): Protobuf.IParserResult {
  try {
    return pb().parse(source, root, { keepCase: true });
  } catch (e) {
    throw mapParseError(e, file, tokens);
  } finally {
    (pb().parse as unknown as { filename: string | null }).filename = null;
  }
}

function loadImport(root: Protobuf.Root, name: string, from: string, fromTokens: Token[], loaded: Set<string>): void {
  const common = (pb().common as unknown as { get(n: string): { nested: Protobuf.INamespace['nested'] } | null }).get(name);
  if (common) {
    if (!loaded.has(name)) {
      loaded.add(name);
      root.addJSON(common.nested!);
    }
    return;
  }
  const candidates = [path.resolve(path.dirname(from), name), path.resolve(name)];
  const target = candidates.find((c) => fs.existsSync(c));
  if (!target) {
    const at = fromTokens.find((t) => t.kind === 'string' && unquote(t.text) === name);
    throw protoError(from, `import "${name}" not found (looked in ${path.dirname(from) || '.'})`, at?.line, at?.column);
  }
  if (loaded.has(target)) return;
  loaded.add(target);
  let source: string;
  try {
    source = fs.readFileSync(target, 'utf8');
  } catch (e) {
    throw openError(target, e);
  }
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (e) {
    if (e instanceof TokenizeError) throw protoError(target, e.message, e.position.line, e.position.column);
    throw e;
  }
  const parsed = parseInto(root, source, target, tokens);
  for (const imp of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) loadImport(root, imp, target, tokens, loaded);
}

/**
 * protobufjs errors carry a line at best ("illegal token 'x' (line 3)"); the
 * column comes from finding the offending token on that line.
 */
function mapParseError(e: unknown, file: string, tokens: Token[]) {
  const message = (e as Error)?.message ?? String(e);
  const lineMatch = /\((?:[^()]*, )?line (\d+)\)\s*$/.exec(message);
  const quoted = /'([^']*)'/.exec(message)?.[1];
  const text = message
    .replace(/\s*\((?:[^()]*, )?line \d+\)\s*$/, '')
    .replace(/ in (Type|Enum|Namespace|Root) \.?/, ' in ')
    .trim();
  if (quoted === 'null' && /end of input/.test(message)) {
    const last = tokens[tokens.length - 1];
    return protoError(file, 'unexpected end of input', last?.line ?? 1, last ? last.column + last.text.length : 1);
  }
  if (lineMatch) {
    const line = Number(lineMatch[1]);
    const token = tokens.find((t) => t.line === line && quoted !== undefined && (t.text === quoted || unquoteSafe(t) === quoted));
    return protoError(file, text, line, token?.column ?? 1);
  }
  const named = /name '([A-Za-z_][A-Za-z0-9_]*)'/.exec(message);
  if (named) {
    const hits = tokens.filter((t, i) => t.kind === 'ident' && t.text === named[1] && tokens[i + 1]?.text === '=');
    const token = /duplicate/.test(message) ? (hits[1] ?? hits[0]) : hits[0];
    if (token) return protoError(file, text, token.line, token.column);
  }
  const dup = /\bid (\d+)/.exec(message);
  if (dup) {
    const hits = tokens.filter((t, i) => t.kind === 'number' && t.text === dup[1] && tokens[i - 1]?.text === '=');
    const token = /duplicate/.test(message) ? (hits[1] ?? hits[0]) : hits[0];
    if (token) return protoError(file, text, token.line, token.column);
  }
  if (quoted) {
    const token = tokens.find((t) => t.text === quoted || t.text.endsWith(`.${quoted}`) || unquoteSafe(t) === quoted);
    if (token) return protoError(file, text, token.line, token.column);
  }
  return protoError(file, text, 1, 1);
}

function unquoteSafe(t: Token): string | undefined {
  return t.kind === 'string' ? unquote(t.text) : undefined;
}

function strip(fullName: string): string {
  return fullName.startsWith('.') ? fullName.slice(1) : fullName;
}

function collect(ns: Protobuf.NamespaceBase, out: ProtoFile, map: SourceMap, file: string): void {
  const P = pb();
  for (const obj of ns.nestedArray) {
    if (obj instanceof P.Type) {
      out.messages.set(strip(obj.fullName), messageDef(obj, map, file));
      collect(obj, out, map, file);
    } else if (obj instanceof P.Enum) {
      out.enums.set(strip(obj.fullName), enumDef(obj, map));
    } else if (obj instanceof P.Namespace) {
      collect(obj, out, map, file);
    }
  }
}

function ranges(reserved: (number[] | string)[] | undefined): { numbers: ReservedRange[]; names: string[] } {
  const numbers: ReservedRange[] = [];
  const names: string[] = [];
  for (const r of reserved ?? []) {
    if (typeof r === 'string') names.push(r);
    else numbers.push({ from: r[0], to: r[1] });
  }
  return { numbers, names };
}

function scalarOrRef(typeName: string, resolved: Protobuf.Type | Protobuf.Enum | null): FieldType {
  const P = pb();
  if (resolved instanceof P.Enum) return { kind: 'enum', name: strip(resolved.fullName) };
  if (resolved instanceof P.Type) return { kind: 'message', name: strip(resolved.fullName) };
  if ((SCALAR_TYPES as readonly string[]).includes(typeName)) return { kind: 'scalar', name: typeName as ScalarName };
  throw new Error(`unresolved type ${typeName}`);
}

function messageDef(type: Protobuf.Type, map: SourceMap, file: string): MessageDef {
  const fullName = strip(type.fullName);
  const { numbers, names } = ranges(type.reserved as (number[] | string)[] | undefined);
  const fields: FieldDef[] = [];
  for (const f of type.fieldsArray) {
    const located = map.fields.get(`${fullName}#${f.id}`);
    let fieldType: FieldType;
    const isMap = (f as unknown as { map?: boolean }).map === true;
    if (isMap) {
      const mf = f as unknown as Protobuf.MapField;
      fieldType = { kind: 'map', key: mf.keyType as ScalarName, value: scalarOrRef(mf.type, mf.resolvedType) };
    } else {
      fieldType = scalarOrRef(f.type, f.resolvedType);
    }
    const cardinality: Cardinality = f.required ? 'required' : f.repeated && !isMap ? 'repeated' : 'optional';
    const proto3Optional = f.options?.proto3_optional === true;
    const def: FieldDef = { name: f.name, number: f.id, type: fieldType, cardinality };
    if (f.partOf && !proto3Optional) def.oneof = f.partOf.name;
    if (proto3Optional) def.proto3Optional = true;
    const rawDefault = f.options?.default;
    if (rawDefault !== undefined) {
      const text = canonicalDefault(fieldType, rawDefault, located);
      if (text === null) throw protoError(file, `invalid default ${JSON.stringify(rawDefault)} for field ${f.name} of type ${f.type}`, located?.line, located?.column);
      def.default = text;
    }
    if (located) def.at = { line: located.line, column: located.column };
    fields.push(def);
  }
  const out: MessageDef = { fullName, fields, reservedNumbers: numbers, reservedNames: names };
  if ((type as unknown as { group?: boolean }).group) out.group = true;
  const at = map.messages.get(fullName);
  if (at) out.at = at;
  const rat = map.reserved.get(fullName);
  if (rat) out.reservedAt = rat;
  return out;
}

function enumDef(e: Protobuf.Enum, map: SourceMap): EnumDef {
  const fullName = strip(e.fullName);
  const { numbers, names } = ranges(e.reserved as (number[] | string)[] | undefined);
  const values = Object.entries(e.values).map(([name, number]) => {
    const v: EnumDef['values'][number] = { name, number };
    const at = map.enumValues.get(`${fullName}#${name}`);
    if (at) v.at = at;
    return v;
  });
  const out: EnumDef = { fullName, values, reservedNumbers: numbers, reservedNames: names };
  const at = map.enums.get(fullName);
  if (at) out.at = at;
  const rat = map.reserved.get(fullName);
  if (rat) out.reservedAt = rat;
  return out;
}


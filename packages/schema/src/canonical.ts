import { createHash } from 'node:crypto';
import { errors } from '@recdata/core';
import { SCALAR_TYPES, typeLabel, type EnumDef, type FieldDef, type FieldType, type MessageDef, type ReservedRange, type ScalarName, type SchemaModel } from './model.js';

/**
 * The canonical text of a record model (docs/schema-mapping.md, "Canonical text"):
 * a JSON rendering of what the schema means and nothing else. Messages and enums
 * sorted by full name; fields and enum values in declaration order (it is the Arrow
 * column order and the proto2 enum default); reserved ranges merged and sorted,
 * reserved names sorted; defaults in canonical form; no comments, no whitespace
 * choices, no options beyond `default`. Two files that mean the same schema give
 * the same text, and so the same fingerprint. The registry stores it and rebuilds
 * the model from it.
 */
export const CANONICAL_FORMAT = 'recdata.schema/1';

export function canonicalText(model: SchemaModel): string {
  // JSON with one field, enum or reserved list per line: diffable, and still one parse away from the model.
  const head = JSON.stringify({ format: CANONICAL_FORMAT, syntax: model.syntax, record: model.record }).slice(0, -1);
  const messages = [...model.messages.values()].map((m) => {
    const { fields, reserved, ...rest } = canonicalMessage(m);
    const lines = (fields as unknown[]).map((f) => `  ${JSON.stringify(f)}`).join(',\n');
    return `${JSON.stringify(rest).slice(0, -1)},"fields":[\n${lines}\n ],"reserved":${JSON.stringify(reserved)}}`;
  });
  const enums = [...model.enums.values()].map((e) => JSON.stringify(canonicalEnum(e)));
  return `${head},\n"messages":[\n${messages.map((m) => ` ${m}`).join(',\n')}\n],\n"enums":[\n${enums.map((e) => ` ${e}`).join(',\n')}\n]}\n`;
}

/** SHA-256 of the canonical text, hex. */
export function fingerprint(model: SchemaModel): string {
  return fingerprintOfText(canonicalText(model));
}

export function fingerprintOfText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function canonicalMessage(m: MessageDef) {
  const out: Record<string, unknown> = { name: m.fullName };
  if (m.group) out.group = true;
  out.fields = m.fields.map(canonicalField);
  out.reserved = canonicalReserved(m.reservedNumbers, m.reservedNames);
  return out;
}

function canonicalField(f: FieldDef) {
  const out: Record<string, unknown> = { number: f.number, name: f.name, type: typeLabel(f.type), cardinality: f.cardinality };
  if (f.oneof !== undefined) out.oneof = f.oneof;
  if (f.proto3Optional) out.proto3_optional = true;
  if (f.default !== undefined) out.default = f.default;
  return out;
}

function canonicalEnum(e: EnumDef) {
  return { name: e.fullName, values: e.values.map((v) => [v.name, v.number]), reserved: canonicalReserved(e.reservedNumbers, e.reservedNames) };
}

export function mergeRanges(ranges: readonly ReservedRange[]): ReservedRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: ReservedRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ from: r.from, to: r.to });
  }
  return out;
}

function canonicalReserved(numbers: readonly ReservedRange[], names: readonly string[]) {
  return { numbers: mergeRanges(numbers).map((r) => [r.from, r.to]), names: [...new Set(names)].sort() };
}

/** Rebuilds a model from canonical text (a registry row); exit 65 when the text is not canonical text. */
export function modelFromCanonical(text: string, origin: string): SchemaModel {
  const bad = (why: string) => errors.badInput(`${origin}: not recdata canonical schema text (${why})`);
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (!doc || doc.format !== CANONICAL_FORMAT) throw bad(`format is ${JSON.stringify(doc?.format)}, expected ${CANONICAL_FORMAT}`);
  const messages = new Map<string, MessageDef>();
  for (const m of doc.messages ?? []) {
    const def: MessageDef = {
      fullName: m.name,
      fields: (m.fields ?? []).map((f: any) => {
        const field: FieldDef = { name: f.name, number: f.number, type: parseTypeLabel(f.type, bad), cardinality: f.cardinality };
        if (f.oneof !== undefined) field.oneof = f.oneof;
        if (f.proto3_optional) field.proto3Optional = true;
        if (f.default !== undefined) field.default = f.default;
        return field;
      }),
      reservedNumbers: (m.reserved?.numbers ?? []).map(([from, to]: [number, number]) => ({ from, to })),
      reservedNames: m.reserved?.names ?? [],
    };
    if (m.group) def.group = true;
    messages.set(def.fullName, def);
  }
  const enums = new Map<string, EnumDef>();
  for (const e of doc.enums ?? []) {
    enums.set(e.name, {
      fullName: e.name,
      values: (e.values ?? []).map(([name, number]: [string, number]) => ({ name, number })),
      reservedNumbers: (e.reserved?.numbers ?? []).map(([from, to]: [number, number]) => ({ from, to })),
      reservedNames: e.reserved?.names ?? [],
    });
  }
  if (!messages.has(doc.record)) throw bad(`record message ${doc.record} is not among its messages`);
  return { syntax: doc.syntax, record: doc.record, messages, enums, origin };
}

/** The inverse of typeLabel. */
export function parseTypeLabel(label: string, bad: (why: string) => Error = (w) => new Error(w)): FieldType {
  const s = String(label);
  if ((SCALAR_TYPES as readonly string[]).includes(s)) return { kind: 'scalar', name: s as ScalarName };
  if (s.startsWith('enum ')) return { kind: 'enum', name: s.slice(5) };
  if (s.startsWith('message ')) return { kind: 'message', name: s.slice(8) };
  if (s === 'google.protobuf.Timestamp') return { kind: 'message', name: s };
  const m = /^map<([a-z0-9]+), (.+)>$/.exec(s);
  if (m && (SCALAR_TYPES as readonly string[]).includes(m[1])) return { kind: 'map', key: m[1] as ScalarName, value: parseTypeLabel(m[2], bad) };
  throw bad(`unknown type ${JSON.stringify(s)}`);
}

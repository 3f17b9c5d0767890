/**
 * The schema model every part of @recdata/schema works on: one record message and
 * the types it needs, by fully qualified name (no leading dot). It is built from a
 * parsed .proto file or from a registry's canonical text, so rules, mapping and
 * resolution never see protobufjs objects.
 */

export const SCALAR_TYPES = [
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
] as const;
export type ScalarName = (typeof SCALAR_TYPES)[number];

export const TIMESTAMP = 'google.protobuf.Timestamp';

export type FieldType =
  | { kind: 'scalar'; name: ScalarName }
  | { kind: 'enum'; name: string }
  | { kind: 'message'; name: string }
  | { kind: 'map'; key: ScalarName; value: FieldType };

export type Cardinality = 'optional' | 'required' | 'repeated';

export interface Located {
  line: number;
  column: number;
}

export interface FieldDef {
  name: string;
  number: number;
  type: FieldType;
  cardinality: Cardinality;
  /** The real oneof this field belongs to; synthetic oneofs of proto3 `optional` are not oneofs here. */
  oneof?: string;
  /** proto3 `optional` (explicit presence). */
  proto3Optional?: boolean;
  /** The proto2 `[default = ...]` as canonical text: a JSON string for string/bytes, else the literal (5, -1.5, inf, true, ENUM_NAME). */
  default?: string;
  at?: Located;
}

export interface ReservedRange {
  from: number;
  to: number;
}

export interface MessageDef {
  fullName: string;
  /** Fields in declaration order (this is the Arrow column order). */
  fields: FieldDef[];
  reservedNumbers: ReservedRange[];
  reservedNames: string[];
  /** A proto2 group's message. */
  group?: boolean;
  at?: Located;
  reservedAt?: Located;
}

export interface EnumValueDef {
  name: string;
  number: number;
  at?: Located;
}

export interface EnumDef {
  fullName: string;
  values: EnumValueDef[];
  reservedNumbers: ReservedRange[];
  reservedNames: string[];
  at?: Located;
  reservedAt?: Located;
}

export interface SchemaModel {
  syntax: 'proto2' | 'proto3' | 'editions';
  /** Fully qualified name of the record message. */
  record: string;
  messages: Map<string, MessageDef>;
  enums: Map<string, EnumDef>;
  /** Where the model came from (a file path, or `subject version N`), for messages. */
  origin: string;
  /** The .proto file when the model was read from one (violations point into it). */
  file?: string;
  /** Every message the file (and its imports) declares, in the record's closure or not. */
  declared?: Set<string>;
}

export function recordMessage(model: SchemaModel): MessageDef {
  const m = model.messages.get(model.record);
  if (!m) throw new Error(`record message ${model.record} missing from its model`);
  return m;
}

/** `int64`, `enum rec.v1.Color`, `message rec.v1.Inner`, `map<string, int64>`, with `repeated ` in front when repeated. */
export function typeLabel(type: FieldType): string {
  switch (type.kind) {
    case 'scalar':
      return type.name;
    case 'enum':
      return `enum ${type.name}`;
    case 'message':
      return type.name === TIMESTAMP ? type.name : `message ${type.name}`;
    case 'map':
      return `map<${type.key}, ${typeLabel(type.value)}>`;
  }
}

export function fieldTypeLabel(field: FieldDef): string {
  return field.cardinality === 'repeated' ? `repeated ${typeLabel(field.type)}` : typeLabel(field.type);
}

export function isReservedNumber(ranges: readonly ReservedRange[], n: number): boolean {
  return ranges.some((r) => n >= r.from && n <= r.to);
}

/** Types a field refers to (message and enum names), for closure walks. */
export function referencedTypes(type: FieldType): { messages: string[]; enums: string[] } {
  if (type.kind === 'map') return referencedTypes(type.value);
  if (type.kind === 'message') return { messages: type.name === TIMESTAMP ? [] : [type.name], enums: [] };
  if (type.kind === 'enum') return { messages: [], enums: [type.name] };
  return { messages: [], enums: [] };
}

/** The short name of a fully qualified one. */
export function shortName(fullName: string): string {
  const i = fullName.lastIndexOf('.');
  return i < 0 ? fullName : fullName.slice(i + 1);
}

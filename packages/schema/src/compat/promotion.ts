import { typeLabel, type FieldType, type ScalarName } from '../model.js';

/**
 * Scalars by the Arrow type they map to: int32/sint32/sfixed32 are all Int32, and so
 * on. Two scalars of one class are the same column type; the wire encodings differ,
 * but recdata's records are Arrow columns, not protobuf bytes.
 */
export type ArrowClass = 'int32' | 'int64' | 'uint32' | 'uint64' | 'float' | 'double' | 'bool' | 'string' | 'bytes';

export function arrowClass(name: ScalarName): ArrowClass {
  switch (name) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return 'int32';
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return 'int64';
    case 'uint32':
    case 'fixed32':
      return 'uint32';
    case 'uint64':
    case 'fixed64':
      return 'uint64';
    default:
      return name;
  }
}

/** The safe promotions, and only these (writer class -> reader classes). */
export const SAFE_PROMOTIONS: Record<ArrowClass, readonly ArrowClass[]> = {
  int32: ['int64', 'double'],
  uint32: ['uint64', 'int64'],
  float: ['double'],
  int64: [],
  uint64: [],
  double: [],
  bool: [],
  string: [],
  bytes: [],
};

export function scalarPromotes(from: ArrowClass, to: ArrowClass): boolean {
  return from === to || SAFE_PROMOTIONS[from].includes(to);
}

export type TypeRelation = 'same' | 'promotion' | 'unsafe';

/**
 * How data of type `writer` reads as type `reader` (cardinality aside): the same
 * Arrow type, a safe promotion (also inside map values), or unsafe. Enums and
 * messages are the same type when they have the same full name; their contents are
 * compared as declarations of their own.
 */
export function relateTypes(writer: FieldType, reader: FieldType): TypeRelation {
  if (writer.kind === 'scalar' && reader.kind === 'scalar') {
    const a = arrowClass(writer.name);
    const b = arrowClass(reader.name);
    return a === b ? 'same' : scalarPromotes(a, b) ? 'promotion' : 'unsafe';
  }
  if (writer.kind === 'map' && reader.kind === 'map') {
    if (arrowClass(writer.key) !== arrowClass(reader.key)) return 'unsafe';
    return relateTypes(writer.value, reader.value);
  }
  if ((writer.kind === 'enum' && reader.kind === 'enum') || (writer.kind === 'message' && reader.kind === 'message')) {
    return writer.name === reader.name ? 'same' : 'unsafe';
  }
  return 'unsafe';
}

export function describeType(type: FieldType, repeated: boolean): string {
  return repeated ? `repeated ${typeLabel(type)}` : typeLabel(type);
}

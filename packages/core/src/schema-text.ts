import { DataType, DateUnit, Field, Schema, TimeUnit, Type } from 'apache-arrow';

const UNIT: Record<number, string> = {
  [TimeUnit.SECOND]: 's',
  [TimeUnit.MILLISECOND]: 'ms',
  [TimeUnit.MICROSECOND]: 'us',
  [TimeUnit.NANOSECOND]: 'ns',
};

/**
 * A type's name in recdata's vocabulary (the one `--types` takes): int64,
 * timestamp[ms], dict, list<uint64>, ... Complete enough that two types with the
 * same name are the same type (dictionary ids aside).
 */
export function typeName(type: DataType): string {
  const t = type as DataType & Record<string, any>;
  switch (type.typeId) {
    case Type.Null:
      return 'null';
    case Type.Bool:
      return 'bool';
    case Type.Int:
      return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`;
    case Type.Float:
      return ['float16', 'float32', 'float64'][t.precision];
    case Type.Utf8:
      return 'utf8';
    case Type.LargeUtf8:
      return 'large_utf8';
    case Type.Binary:
      return 'binary';
    case Type.LargeBinary:
      return 'large_binary';
    case Type.FixedSizeBinary:
      return `fixed_size_binary[${t.byteWidth}]`;
    case Type.Date:
      return t.unit === DateUnit.DAY ? 'date32' : 'date64';
    case Type.Timestamp:
      return t.timezone ? `timestamp[${UNIT[t.unit]}, ${t.timezone}]` : `timestamp[${UNIT[t.unit]}]`;
    case Type.Time:
      return `time${t.bitWidth}[${UNIT[t.unit]}]`;
    case Type.Duration:
      return `duration[${UNIT[t.unit]}]`;
    case Type.Decimal:
      return `decimal${t.bitWidth}(${t.precision}, ${t.scale})`;
    case Type.List:
      return `list<${typeName(t.valueType)}>`;
    case Type.LargeList:
      return `large_list<${typeName(t.valueType)}>`;
    case Type.FixedSizeList:
      return `fixed_size_list<${typeName(t.valueType)}>[${t.listSize}]`;
    case Type.Struct:
      return `struct<${type.children.map((f: Field) => `${f.name}: ${typeName(f.type)}`).join(', ')}>`;
    case Type.Map: {
      const entries = type.children[0].type.children as Field[];
      return `map<${typeName(entries[0].type)}, ${typeName(entries[1].type)}>`;
    }
    case Type.Dictionary: {
      const indices = typeName(t.indices);
      const values = typeName(t.dictionary);
      if (indices === 'int32' && values === 'utf8' && !t.isOrdered) return 'dict';
      return `dictionary<${indices}, ${values}${t.isOrdered ? ', ordered' : ''}>`;
    }
    default:
      return String(type);
  }
}

/** null when the two schemas have the same column names and types, else what differs. */
export function describeSchemaDifference(expected: Schema, actual: Schema): string | null {
  const a = expected.fields;
  const b = actual.fields;
  const names = (fs: Field[]) => fs.map((f) => f.name).join(', ');
  if (a.length !== b.length) return `expected columns [${names(a)}], got [${names(b)}]`;
  for (let i = 0; i < a.length; i++) {
    if (a[i].name !== b[i].name) return `expected columns [${names(a)}], got [${names(b)}]`;
    const ta = typeName(a[i].type);
    const tb = typeName(b[i].type);
    if (ta !== tb) return `column "${a[i].name}" is ${ta} in the first stream and ${tb} here`;
  }
  return null;
}

/** The schema as text: one column per line, then the metadata. */
export function schemaToText(schema: Schema): string {
  const lines = schema.fields.map((f) => `${f.name}: ${typeName(f.type)}${f.nullable ? '' : ' not null'}`);
  const meta = [...schema.metadata.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  if (meta.length > 0) {
    lines.push('-- metadata --');
    for (const [k, v] of meta) lines.push(`${k}: ${v}`);
  }
  return lines.join('\n') + '\n';
}

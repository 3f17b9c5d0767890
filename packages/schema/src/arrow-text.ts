import { DataType, Field, Schema, Type } from 'apache-arrow';
import { typeName } from '@recdata/core';
import { FIELD_ID_KEY } from './arrow-mapping.js';

/**
 * An Arrow schema as indented text, one field per line with its field number, the
 * children of structs (also inside lists and maps) indented beneath their field.
 */
export function arrowSchemaText(schema: Schema): string {
  const lines: string[] = [];
  for (const f of schema.fields) renderField(f, 0, lines);
  const meta = [...schema.metadata.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (meta.length > 0) {
    lines.push('-- metadata --');
    for (const [k, v] of meta) lines.push(`${k}: ${v}`);
  }
  return lines.join('\n') + '\n';
}

function structOf(type: DataType): { label: string; struct: DataType } | null {
  if (type.typeId === Type.Struct) return { label: 'struct', struct: type };
  if (type.typeId === Type.List) {
    const inner = structOf(type.children[0].type);
    return inner ? { label: `list<${inner.label}>`, struct: inner.struct } : null;
  }
  if (type.typeId === Type.Map) {
    const [key, value] = type.children[0].type.children as Field[];
    const inner = structOf(value.type);
    return inner ? { label: `map<${typeName(key.type)}, ${inner.label}>`, struct: inner.struct } : null;
  }
  return null;
}

function renderField(f: Field, depth: number, lines: string[]): void {
  const id = f.metadata.get(FIELD_ID_KEY);
  const suffix = id !== undefined ? `  [field ${id}]` : '';
  const nested = structOf(f.type);
  const pad = '  '.repeat(depth);
  if (!nested) {
    lines.push(`${pad}${f.name}: ${typeName(f.type)}${f.nullable ? '' : ' not null'}${suffix}`);
    return;
  }
  lines.push(`${pad}${f.name}: ${nested.label}${suffix}`);
  for (const c of nested.struct.children as Field[]) renderField(c, depth + 1, lines);
}

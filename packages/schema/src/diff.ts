import { relateTypes } from './compat/promotion.js';
import { fieldTypeLabel, isReservedNumber, type FieldDef, type SchemaModel } from './model.js';

export interface FieldChange {
  number: number;
  name: string;
  /** For renames: the old name. */
  from?: string;
  /** For retypes: old and new types, and whether data of the old reads as the new. */
  oldType?: string;
  newType?: string;
  relation?: 'promotion' | 'unsafe' | 'same';
  /** For removals: whether the number / name is reserved in the newer version. */
  numberReserved?: boolean;
  nameReserved?: boolean;
}

export interface MessageDiff {
  message: string;
  added: FieldChange[];
  removed: FieldChange[];
  renamed: FieldChange[];
  retyped: FieldChange[];
}

export interface EnumDiff {
  enum: string;
  added: string[];
  removed: string[];
  renamed: string[];
}

export interface SchemaDiff {
  messagesAdded: string[];
  messagesRemoved: string[];
  messages: MessageDiff[];
  enums: EnumDiff[];
}

/** Field by field, by number: what was added, removed, renamed and retyped from `older` to `newer`. */
export function diffSchemas(older: SchemaModel, newer: SchemaModel): SchemaDiff {
  const out: SchemaDiff = { messagesAdded: [], messagesRemoved: [], messages: [], enums: [] };
  for (const name of newer.messages.keys()) if (!older.messages.has(name)) out.messagesAdded.push(name);
  for (const name of older.messages.keys()) if (!newer.messages.has(name)) out.messagesRemoved.push(name);
  for (const [name, oldMessage] of older.messages) {
    const newMessage = newer.messages.get(name);
    if (!newMessage) continue;
    const d: MessageDiff = { message: name, added: [], removed: [], renamed: [], retyped: [] };
    const oldBy = new Map(oldMessage.fields.map((f) => [f.number, f]));
    const newBy = new Map(newMessage.fields.map((f) => [f.number, f]));
    for (const f of newMessage.fields) if (!oldBy.has(f.number)) d.added.push({ number: f.number, name: f.name, newType: fieldTypeLabel(f) });
    for (const f of oldMessage.fields) {
      const n = newBy.get(f.number);
      if (!n) {
        d.removed.push({
          number: f.number,
          name: f.name,
          oldType: fieldTypeLabel(f),
          numberReserved: isReservedNumber(newMessage.reservedNumbers, f.number),
          nameReserved: newMessage.reservedNames.includes(f.name),
        });
        continue;
      }
      if (n.name !== f.name) d.renamed.push({ number: f.number, name: n.name, from: f.name });
      const oldType = fieldTypeLabel(f);
      const newType = fieldTypeLabel(n);
      if (oldType !== newType) d.retyped.push({ number: f.number, name: n.name, oldType, newType, relation: relation(f, n) });
    }
    if (d.added.length + d.removed.length + d.renamed.length + d.retyped.length > 0) out.messages.push(d);
  }
  for (const [name, oldEnum] of older.enums) {
    const newEnum = newer.enums.get(name);
    if (!newEnum) continue;
    const oldBy = new Map(oldEnum.values.map((v) => [v.number, v.name]));
    const newBy = new Map(newEnum.values.map((v) => [v.number, v.name]));
    const d: EnumDiff = {
      enum: name,
      added: newEnum.values.filter((v) => !oldBy.has(v.number)).map((v) => `${v.name} = ${v.number}`),
      removed: oldEnum.values.filter((v) => !newBy.has(v.number)).map((v) => `${v.name} = ${v.number}`),
      renamed: oldEnum.values.filter((v) => newBy.has(v.number) && newBy.get(v.number) !== v.name).map((v) => `${v.name} -> ${newBy.get(v.number)} (${v.number})`),
    };
    if (d.added.length + d.removed.length + d.renamed.length > 0) out.enums.push(d);
  }
  return out;
}

function relation(older: FieldDef, newer: FieldDef): FieldChange['relation'] {
  if (older.cardinality === 'repeated' !== (newer.cardinality === 'repeated')) return 'unsafe';
  return relateTypes(older.type, newer.type);
}

export function isEmptyDiff(d: SchemaDiff): boolean {
  return d.messagesAdded.length + d.messagesRemoved.length + d.messages.length + d.enums.length === 0;
}

/** The readable summary `schema-migrate diff` prints. */
export function formatDiff(d: SchemaDiff, olderLabel: string, newerLabel: string): string {
  const lines: string[] = [`--- ${olderLabel}`, `+++ ${newerLabel}`];
  if (isEmptyDiff(d)) lines.push('no differences in fields, messages or enum values');
  for (const m of d.messagesAdded) lines.push(`+ message ${m}`);
  for (const m of d.messagesRemoved) lines.push(`- message ${m}`);
  for (const m of d.messages) {
    lines.push(`message ${m.message}`);
    for (const f of m.added) lines.push(`  + ${f.number} ${f.name}: ${f.newType}  (added)`);
    for (const f of m.removed) {
      const kept = [f.numberReserved ? 'number' : '', f.nameReserved ? 'name' : ''].filter(Boolean);
      lines.push(`  - ${f.number} ${f.name}: ${f.oldType}  (removed; ${kept.length ? `${kept.join(' and ')} reserved` : 'not reserved'})`);
    }
    for (const f of m.renamed) lines.push(`  ~ ${f.number} ${f.from} -> ${f.name}  (renamed)`);
    for (const f of m.retyped) {
      const how = f.relation === 'promotion' ? 'safe promotion' : f.relation === 'same' ? 'same Arrow type' : 'unsafe';
      lines.push(`  ~ ${f.number} ${f.name}: ${f.oldType} -> ${f.newType}  (retyped, ${how})`);
    }
  }
  for (const e of d.enums) {
    lines.push(`enum ${e.enum}`);
    for (const v of e.added) lines.push(`  + ${v}`);
    for (const v of e.removed) lines.push(`  - ${v}`);
    for (const v of e.renamed) lines.push(`  ~ ${v}`);
  }
  return lines.join('\n') + '\n';
}

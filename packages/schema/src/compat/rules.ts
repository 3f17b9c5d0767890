import { fieldTypeLabel, isReservedNumber, typeLabel, type EnumDef, type FieldDef, type MessageDef, type ReservedRange, type SchemaModel } from '../model.js';
import { relateTypes } from './promotion.js';
import { ViolationList, type Violation } from './violation.js';

/**
 * Which way data must flow between two versions: `backward` (the newer schema reads
 * data written under the older), `forward` (the older reads the newer's data) or
 * `both`. Only FIELD_SAME_TYPE depends on it; the other rules are about how a
 * schema may evolve and hold in every direction.
 */
export type Direction = 'backward' | 'forward' | 'both';

/** The rules between one earlier version and the newer one (docs/schema-rules.md). */
export function compareVersions(older: SchemaModel, newer: SchemaModel, direction: Direction, olderLabel: string): Violation[] {
  const out = new ViolationList(newer, olderLabel);
  for (const [name, oldMessage] of older.messages) {
    const newMessage = newer.messages.get(name);
    if (!newMessage) {
      if (!newer.declared?.has(name)) out.add('MESSAGE_NO_DELETE', name, '', undefined, `message ${name} was deleted`);
      continue;
    }
    compareMessages(oldMessage, newMessage, direction, out);
  }
  for (const [name, oldEnum] of older.enums) {
    const newEnum = newer.enums.get(name);
    if (newEnum) compareEnums(oldEnum, newEnum, out);
  }
  return out.items;
}

function compareMessages(older: MessageDef, newer: MessageDef, direction: Direction, out: ViolationList): void {
  const msg = newer.fullName;
  const newByNumber = new Map(newer.fields.map((f) => [f.number, f]));
  const oldByNumber = new Map(older.fields.map((f) => [f.number, f]));

  for (const oldField of older.fields) {
    const newField = newByNumber.get(oldField.number);
    if (!newField) {
      if (!isReservedNumber(newer.reservedNumbers, oldField.number)) {
        out.add('FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', msg, oldField.name, undefined, `field ${oldField.number} "${oldField.name}" was deleted without reserving its number`);
      }
      if (!newer.reservedNames.includes(oldField.name)) {
        out.add('FIELD_NO_DELETE_UNLESS_NAME_RESERVED', msg, oldField.name, undefined, `field ${oldField.number} "${oldField.name}" was deleted without reserving its name`);
      }
      if (oldField.cardinality === 'required') {
        out.add('MESSAGE_SAME_REQUIRED_FIELDS', msg, oldField.name, undefined, `required field ${oldField.number} "${oldField.name}" was deleted`);
      }
      continue;
    }
    compareFields(oldField, newField, direction, msg, out);
  }

  for (const newField of newer.fields) {
    if (isReservedNumber(older.reservedNumbers, newField.number)) {
      out.add('FIELD_NUMBER_REUSED', msg, newField.name, newField.at, `field number ${newField.number} was reserved in the earlier version and is used again by "${newField.name}"`);
    }
    if (!oldByNumber.has(newField.number) && newField.cardinality === 'required') {
      out.add('MESSAGE_SAME_REQUIRED_FIELDS', msg, newField.name, newField.at, `required field ${newField.number} "${newField.name}" was added`);
    }
  }

  const lostNumbers = subtractRanges(older.reservedNumbers, newer.reservedNumbers).map((r) => (r.from === r.to ? `${r.from}` : `${r.from} to ${r.to}`));
  const lostNames = older.reservedNames.filter((n) => !newer.reservedNames.includes(n));
  if (lostNumbers.length > 0 || lostNames.length > 0) {
    const what = [...lostNumbers.map((n) => `number ${n}`), ...lostNames.map((n) => `name "${n}"`)].join(', ');
    out.add('RESERVED_MESSAGE_NO_DELETE', msg, '', newer.reservedAt ?? newer.at, `reserved ${what} no longer reserved`);
  }
}

function compareFields(older: FieldDef, newer: FieldDef, direction: Direction, msg: string, out: ViolationList): void {
  const at = newer.at;
  const isMap = older.type.kind === 'map' || newer.type.kind === 'map';
  const oldLabel = fieldTypeLabel(older);
  const newLabel = fieldTypeLabel(newer);
  const renamed = older.name !== newer.name ? ` (was "${older.name}")` : '';

  if (!isMap && older.cardinality !== newer.cardinality) {
    out.add('FIELD_SAME_CARDINALITY', msg, newer.name, at, `field ${newer.number} "${newer.name}"${renamed} changed from ${older.cardinality} to ${newer.cardinality}`);
  }
  const forwardOk = direction === 'backward' || relateTypes(newer.type, older.type) !== 'unsafe';
  const backwardOk = direction === 'forward' || relateTypes(older.type, newer.type) !== 'unsafe';
  if (!forwardOk || !backwardOk) {
    const oldType = typeLabel(older.type);
    const newType = typeLabel(newer.type);
    const why = !backwardOk ? `data written as ${oldType} cannot be read as ${newType}` : `data written as ${newType} cannot be read as ${oldType} by the earlier version`;
    out.add('FIELD_SAME_TYPE', msg, newer.name, at, `field ${newer.number} "${newer.name}"${renamed} changed type from ${oldLabel} to ${newLabel}: ${why}`);
  }
  if ((older.oneof ?? '') !== (newer.oneof ?? '')) {
    const describe = (o: string | undefined) => (o ? `oneof "${o}"` : 'no oneof');
    out.add('FIELD_SAME_ONEOF', msg, newer.name, at, `field ${newer.number} "${newer.name}"${renamed} moved from ${describe(older.oneof)} to ${describe(newer.oneof)}`);
  }
  if ((older.default ?? null) !== (newer.default ?? null)) {
    const describe = (d: string | undefined) => (d === undefined ? 'no explicit default' : `default ${d}`);
    out.add('FIELD_SAME_DEFAULT', msg, newer.name, at, `field ${newer.number} "${newer.name}"${renamed} changed from ${describe(older.default)} to ${describe(newer.default)}`);
  }
  if (older.cardinality !== 'required' && newer.cardinality === 'required') {
    out.add('MESSAGE_SAME_REQUIRED_FIELDS', msg, newer.name, at, `field ${newer.number} "${newer.name}" became required`);
  } else if (older.cardinality === 'required' && newer.cardinality !== 'required') {
    out.add('MESSAGE_SAME_REQUIRED_FIELDS', msg, newer.name, at, `field ${newer.number} "${newer.name}" is no longer required`);
  }
}

function compareEnums(older: EnumDef, newer: EnumDef, out: ViolationList): void {
  const numbers = new Set(newer.values.map((v) => v.number));
  for (const v of older.values) {
    if (numbers.has(v.number) || isReservedNumber(newer.reservedNumbers, v.number)) continue;
    out.add('ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED', newer.fullName, v.name, newer.at, `enum value ${v.name} = ${v.number} was deleted without reserving its number`);
  }
}

/** The numbers of `a` that `b` does not cover, as ranges. */
export function subtractRanges(a: readonly ReservedRange[], b: readonly ReservedRange[]): ReservedRange[] {
  let rest = a.map((r) => ({ from: r.from, to: r.to }));
  for (const cut of b) {
    const next: ReservedRange[] = [];
    for (const r of rest) {
      if (cut.to < r.from || cut.from > r.to) next.push(r);
      else {
        if (cut.from > r.from) next.push({ from: r.from, to: cut.from - 1 });
        if (cut.to < r.to) next.push({ from: cut.to + 1, to: r.to });
      }
    }
    rest = next;
  }
  return rest;
}

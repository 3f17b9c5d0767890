import { Data, DataType, Field, makeData, Schema, Type, Vector, type Dictionary } from 'apache-arrow';
import { errors, typeName, utf8Column } from '@recdata/core';
import { fieldIdOf, SCHEMA_METADATA, toArrowSchema } from '../arrow-mapping.js';
import { fingerprint } from '../canonical.js';
import { fieldTypeLabel, recordMessage, type EnumDef, type FieldDef, type FieldType, type MessageDef, type SchemaModel } from '../model.js';
import { makeFill, type Fill } from './fill.js';
import { promote, promotionBetween, type Promotion } from './kernels.js';

/** Turns one column (or child) of the data into the reader's; absent when the data passes unchanged. */
type Convert = (data: Data) => Data;

export type ColumnStep =
  | { kind: 'pass'; field: Field; source: number }
  | { kind: 'convert'; field: Field; source: number; convert: Convert; what: string; promotion?: Promotion }
  | { kind: 'fill'; field: Field; fill: Fill };

export interface ResolutionPlan {
  /** The reader's Arrow schema, with the metadata of the output. */
  schema: Schema;
  steps: ColumnStep[];
  /** Input columns the reader does not have (removed fields). */
  dropped: string[];
}

export interface ResolveOptions {
  /** The reader schema: the output is exactly its Arrow mapping. */
  reader: SchemaModel;
  /** The schema the data was written under, when known: columns are checked against it and matched to it by name where they carry no field id. */
  writer?: SchemaModel;
  /** Extra output metadata (subject, version). */
  metadata?: Record<string, string>;
}

/**
 * Plans the resolution of a stream to a reader schema, by field number: a column
 * whose number the reader has is passed through (renames cost nothing), converted
 * (a safe promotion, or a nested message that gained or lost fields) or refused
 * (exit 65 naming the field and both types); a reader field the data lacks is
 * filled with its default; columns the reader lacks are dropped.
 */
export function planResolution(input: Schema, options: ResolveOptions): ResolutionPlan {
  const { reader, writer } = options;
  const readerSchema = toArrowSchema(reader);
  const writerSchema = writer ? toArrowSchema(writer) : undefined;
  const readerRecord = recordMessage(reader);
  const writerRecord = writer ? recordMessage(writer) : undefined;
  const ctx: Context = { reader, writer };

  const byNumber = new Map<number, number>();
  input.fields.forEach((field, index) => {
    let number = fieldIdOf(field);
    const writerField = writerRecord ? (number !== undefined ? writerRecord.fields.find((f) => f.number === number) : writerRecord.fields.find((f) => f.name === field.name)) : undefined;
    if (writerRecord) {
      if (!writerField) {
        throw errors.schemaMismatch(
          `column "${field.name}"${number !== undefined ? ` (field ${number})` : ''} is not a field of ${writerRecord.fullName} in ${writer!.origin}`,
          { column: field.name },
        );
      }
      number ??= writerField.number;
      const declared = writerSchema!.fields[writerRecord.fields.indexOf(writerField)];
      const got = comparableTypeName(field.type);
      const want = comparableTypeName(declared.type);
      if (got !== want) {
        throw errors.schemaMismatch(`column "${field.name}" (field ${number}) has type ${typeName(field.type)}, but ${writer!.origin} declares ${typeName(declared.type)} (${fieldTypeLabel(writerField)})`, {
          column: field.name,
        });
      }
    }
    if (number === undefined) {
      throw errors.schemaMismatch(`column "${field.name}" carries no field number (field metadata ${'PARQUET:field_id'}); give the schema the data was written under with --from`, {
        column: field.name,
      });
    }
    if (byNumber.has(number)) {
      throw errors.schemaMismatch(`columns "${input.fields[byNumber.get(number)!].name}" and "${field.name}" both carry field number ${number}`, { column: field.name });
    }
    byNumber.set(number, index);
  });

  const steps: ColumnStep[] = readerRecord.fields.map((def, i) => {
    const field = readerSchema.fields[i];
    const source = byNumber.get(def.number);
    if (source === undefined) return { kind: 'fill', field, fill: makeFill(field.type, def) };
    const srcField = input.fields[source];
    const writerDef = writerRecord?.fields.find((f) => f.number === def.number);
    const convert = resolveField(srcField.type, field.type, def, writerDef, srcField.name, ctx);
    if (!convert) return { kind: 'pass', field, source };
    const what = `${typeName(srcField.type)} -> ${typeName(field.type)}`;
    const promotion = def.cardinality !== 'repeated' && def.type.kind === 'scalar' ? promotionBetween(srcField.type, field.type) : null;
    return promotion ? { kind: 'convert', field, source, convert, what, promotion } : { kind: 'convert', field, source, convert, what };
  });
  const readerNumbers = new Set(readerRecord.fields.map((f) => f.number));
  const dropped = [...byNumber.entries()].filter(([n]) => !readerNumbers.has(n)).map(([, i]) => input.fields[i].name);

  const meta = new Map(input.metadata);
  for (const [k, v] of readerSchema.metadata) meta.set(k, v);
  meta.set(SCHEMA_METADATA.fingerprint, fingerprint(reader));
  for (const [k, v] of Object.entries(options.metadata ?? {})) meta.set(k, v);
  if (!options.metadata?.[SCHEMA_METADATA.version]) meta.delete(SCHEMA_METADATA.version);
  if (!options.metadata?.[SCHEMA_METADATA.subject]) meta.delete(SCHEMA_METADATA.subject);
  return { schema: new Schema(readerSchema.fields, meta), steps, dropped };
}

interface Context {
  reader: SchemaModel;
  writer?: SchemaModel;
}

/** Type names with dictionary ids and nullability aside. */
function comparableTypeName(type: DataType): string {
  return typeName(type);
}

function unsafe(path: string, number: number, src: DataType, dst: DataType, detail = 'not a safe promotion'): Error {
  return errors.schemaMismatch(`column "${path}" (field ${number}) has type ${typeName(src)} in the data, the reader schema declares ${typeName(dst)}: ${detail}`, { column: path });
}

/** A reader field against the data's column: null when the data already is what the reader wants. */
function resolveField(src: DataType, dst: DataType, def: FieldDef, writerDef: FieldDef | undefined, path: string, ctx: Context): Convert | null {
  if (def.cardinality === 'repeated') {
    if (src.typeId !== Type.List) throw unsafe(path, def.number, src, dst, 'singular data for a repeated field');
    const item = resolveValue(src.children[0].type, dst.children[0].type, def.type, writerDef?.type, `${path}[]`, def.number, ctx);
    if (!item && src.children[0].name === dst.children[0].name) return null;
    return (d) => rewrap(d, dst, [item ? item(d.children[0]) : d.children[0]]);
  }
  if (src.typeId === Type.List && dst.typeId !== Type.List) throw unsafe(path, def.number, src, dst, 'repeated data for a singular field');
  return resolveValue(src, dst, def.type, writerDef?.type, path, def.number, ctx);
}

function resolveValue(src: DataType, dst: DataType, type: FieldType, writerType: FieldType | undefined, path: string, number: number, ctx: Context): Convert | null {
  switch (type.kind) {
    case 'scalar': {
      if (typeName(src) === typeName(dst)) return null;
      const promotion = promotionBetween(src, dst);
      if (!promotion) throw unsafe(path, number, src, dst);
      return (d) => promote(d, promotion);
    }
    case 'enum': {
      if (src.typeId !== Type.Dictionary || (src as Dictionary).dictionary.typeId !== Type.Utf8) throw unsafe(path, number, src, dst, 'an enum is a dictionary of strings');
      const renames = writerType?.kind === 'enum' ? enumRenames(ctx.writer?.enums.get(writerType.name), ctx.reader.enums.get(type.name)) : null;
      return renames ? renameDictionary(renames) : null;
    }
    case 'map': {
      if (src.typeId !== Type.Map) throw unsafe(path, number, src, dst, 'a map reads only as a map');
      const srcEntries = src.children[0].type.children as Field[];
      const dstEntries = dst.children[0].type.children as Field[];
      if (typeName(srcEntries[0].type) !== typeName(dstEntries[0].type)) throw unsafe(path, number, src, dst, 'map keys differ');
      const writerValue = writerType?.kind === 'map' ? writerType.value : undefined;
      const value = resolveValue(srcEntries[1].type, dstEntries[1].type, type.value, writerValue, `${path}{}`, number, ctx);
      if (!value && src.children[0].name === dst.children[0].name && srcEntries.every((f, i) => f.name === dstEntries[i].name)) return null;
      return (d) => {
        const entries = d.children[0];
        const newEntries = rewrap(entries, dst.children[0].type, [entries.children[0], value ? value(entries.children[1]) : entries.children[1]]);
        return rewrap(d, dst, [newEntries]);
      };
    }
    case 'message': {
      if (dst.typeId === Type.Timestamp) {
        if (typeName(src) !== typeName(dst)) throw unsafe(path, number, src, dst);
        return null;
      }
      if (src.typeId !== Type.Struct) throw unsafe(path, number, src, dst, 'a message reads only from a struct');
      const readerMessage = ctx.reader.messages.get(type.name)!;
      const writerMessage = writerType?.kind === 'message' ? ctx.writer?.messages.get(writerType.name) : undefined;
      return resolveStruct(src, dst, readerMessage, writerMessage, path, ctx);
    }
  }
}

function resolveStruct(src: DataType, dst: DataType, reader: MessageDef, writer: MessageDef | undefined, path: string, ctx: Context): Convert | null {
  const srcChildren = src.children as Field[];
  const dstChildren = dst.children as Field[];
  const numbers = srcChildren.map((f) => fieldIdOf(f) ?? (writer ?? reader).fields.find((d) => d.name === f.name)?.number);
  type Child = { source: number; convert: Convert | null } | { fill: Fill };
  const plan: Child[] = reader.fields.map((def, i) => {
    const source = numbers.indexOf(def.number);
    if (source < 0) return { fill: makeFill(dstChildren[i].type, def) };
    const writerDef = writer?.fields.find((f) => f.number === def.number);
    return { source, convert: resolveField(srcChildren[source].type, dstChildren[i].type, def, writerDef, `${path}.${srcChildren[source].name}`, ctx) };
  });
  const unchanged =
    srcChildren.length === dstChildren.length &&
    plan.every((c, i) => 'source' in c && c.source === i && c.convert === null && srcChildren[i].name === dstChildren[i].name);
  if (unchanged) return null;
  return (d) =>
    rewrap(
      d,
      dst,
      plan.map((c) => ('fill' in c ? c.fill(d.length) : c.convert ? c.convert(d.children[c.source]) : d.children[c.source])),
    );
}

/** The same rows and validity under another type, with other children (nothing copied). */
function rewrap(d: Data, type: DataType, children: Data[]): Data {
  return makeData({
    type,
    offset: d.offset,
    length: d.length,
    nullCount: d.nullCount,
    nullBitmap: d.nullBitmap,
    valueOffsets: d.valueOffsets,
    children,
    child: children[0],
  } as any);
}

/** Writer enum value names that the reader calls otherwise (same number), or null when none. */
function enumRenames(writer: EnumDef | undefined, reader: EnumDef | undefined): Map<string, string> | null {
  if (!writer || !reader) return null;
  const renames = new Map<string, string>();
  for (const v of writer.values) {
    const r = reader.values.find((x) => x.number === v.number);
    if (r && r.name !== v.name) renames.set(v.name, r.name);
  }
  return renames.size > 0 ? renames : null;
}

/** Renames dictionary values; the indices are kept as they are. One renamed dictionary per dictionary seen, so it is written once. */
function renameDictionary(renames: Map<string, string>): Convert {
  const seen = new WeakMap<Vector, Vector>();
  return (d) => {
    const dictionary = d.dictionary as Vector | undefined;
    if (!dictionary) return d;
    let renamed = seen.get(dictionary);
    if (!renamed) {
      const values = dictionary.toArray() as (string | null)[];
      renamed = new Vector([utf8Column(Array.from(values, (v) => (v === null ? null : (renames.get(v) ?? v))))]);
      seen.set(dictionary, renamed);
    }
    return makeData({ type: d.type, offset: d.offset, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, data: d.values, dictionary: renamed } as any);
  };
}


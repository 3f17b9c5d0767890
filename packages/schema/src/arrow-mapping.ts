import { Binary, Bool, DataType, Dictionary, Field, Float32, Float64, Int32, Int64, List, Map_, Schema, Struct, TimeUnit, Timestamp, Uint32, Uint64, Utf8 } from 'apache-arrow';
import { errors } from '@recdata/core';
import { recordMessage, TIMESTAMP, type FieldDef, type FieldType, type ScalarName, type SchemaModel } from './model.js';

/** The field-metadata key that carries a field's number (the key Parquet and Iceberg use). */
export const FIELD_ID_KEY = 'PARQUET:field_id';

/** Schema-metadata keys recdata writes for a schema-governed stream. */
export const SCHEMA_METADATA = {
  message: 'recdata.schema.message',
  fingerprint: 'recdata.schema.fingerprint',
  subject: 'recdata.schema.subject',
  version: 'recdata.schema.version',
} as const;

/** The Arrow type of each protobuf scalar (docs/schema-mapping.md). */
export function scalarArrowType(name: ScalarName): DataType {
  switch (name) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return new Int32();
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return new Int64();
    case 'uint32':
    case 'fixed32':
      return new Uint32();
    case 'uint64':
    case 'fixed64':
      return new Uint64();
    case 'float':
      return new Float32();
    case 'double':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'string':
      return new Utf8();
    case 'bytes':
      return new Binary();
  }
}

interface MappingContext {
  model: SchemaModel;
  nextDictionaryId: number;
  /** Messages being expanded, to refuse recursive types (Arrow has no recursive types). */
  stack: string[];
}

/** The Arrow field of a proto field, with its number under PARQUET:field_id; every field is nullable. */
export function fieldToArrow(field: FieldDef, ctx: MappingContext): Field {
  let type = typeToArrow(field.type, ctx);
  if (field.cardinality === 'repeated') type = new List(new Field('item', type, true));
  return new Field(field.name, type, true, new Map([[FIELD_ID_KEY, String(field.number)]]));
}

function typeToArrow(type: FieldType, ctx: MappingContext): DataType {
  switch (type.kind) {
    case 'scalar':
      return scalarArrowType(type.name);
    case 'enum':
      return new Dictionary(new Utf8(), new Int32(), ctx.nextDictionaryId++);
    case 'map': {
      const entries = new Struct([new Field('key', scalarArrowType(type.key), false), new Field('value', typeToArrow(type.value, ctx), true)]);
      return new Map_(new Field('entries', entries, false), false);
    }
    case 'message': {
      if (type.name === TIMESTAMP) return new Timestamp(TimeUnit.MICROSECOND, 'UTC');
      const m = ctx.model.messages.get(type.name);
      if (!m) throw errors.internal(`message ${type.name} missing from the model of ${ctx.model.record}`);
      if (ctx.stack.includes(type.name)) {
        throw errors.badInput(`message ${type.name} is recursive (${[...ctx.stack, type.name].join(' -> ')}); Arrow has no recursive types`, { file: ctx.model.origin });
      }
      ctx.stack.push(type.name);
      const children = m.fields.map((f) => fieldToArrow(f, ctx));
      ctx.stack.pop();
      return new Struct(children);
    }
  }
}

/** The Arrow schema of a record model: one column per field of the record message, in declaration order. */
export function toArrowSchema(model: SchemaModel, metadata: Record<string, string> = {}): Schema {
  const ctx: MappingContext = { model, nextDictionaryId: 0, stack: [model.record] };
  const fields = recordMessage(model).fields.map((f) => fieldToArrow(f, ctx));
  const meta = new Map<string, string>([[SCHEMA_METADATA.message, model.record], ...Object.entries(metadata)]);
  return new Schema(fields, meta);
}

/** A field's number from its metadata, or undefined. */
export function fieldIdOf(field: Field): number | undefined {
  const raw = field.metadata?.get(FIELD_ID_KEY);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

import { Schema } from 'apache-arrow';
import { RECDATA_VERSION } from '../version.js';

export interface Provenance {
  /** The command as typed, e.g. `dpu-hash` or `schema-migrate apply`. */
  command: string;
  /** The parameters that shaped the output (flags after defaults). */
  params: Record<string, unknown>;
}

export const METADATA_KEYS = {
  version: 'recdata.version',
  command: 'recdata.command',
  params: 'recdata.params',
  lineage: 'recdata.lineage',
} as const;

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * The schema with upstream metadata kept and this command's keys added, so any
 * output says how it was made. `recdata.lineage` lists every recdata step so far.
 */
export function withProvenance(schema: Schema, provenance: Provenance, extra?: Record<string, string>): Schema {
  const meta = new Map(schema.metadata);
  let lineage: unknown[] = [];
  const previous = meta.get(METADATA_KEYS.lineage);
  if (previous) {
    try {
      const parsed = JSON.parse(previous);
      if (Array.isArray(parsed)) lineage = parsed;
    } catch {
      /* not ours: start a fresh lineage */
    }
  }
  const step = { command: provenance.command, version: RECDATA_VERSION, params: provenance.params };
  lineage.push(step);
  meta.set(METADATA_KEYS.version, RECDATA_VERSION);
  meta.set(METADATA_KEYS.command, provenance.command);
  meta.set(METADATA_KEYS.params, JSON.stringify(provenance.params, jsonValue));
  meta.set(METADATA_KEYS.lineage, JSON.stringify(lineage, jsonValue));
  if (extra) for (const [k, v] of Object.entries(extra)) meta.set(k, v);
  return new Schema(schema.fields, meta, schema.dictionaries, schema.metadataVersion);
}

/** The schema with extra metadata keys (upstream keys kept). */
export function withMetadata(schema: Schema, extra: Record<string, string>): Schema {
  const meta = new Map(schema.metadata);
  for (const [k, v] of Object.entries(extra)) meta.set(k, v);
  return new Schema(schema.fields, meta, schema.dictionaries, schema.metadataVersion);
}

import type { Schema } from 'apache-arrow';
import { SCHEMA_METADATA } from '../arrow-mapping.js';
import { modelFromCanonical } from '../canonical.js';
import type { SchemaModel } from '../model.js';
import { SchemaRegistry, type VersionRow } from '../registry.js';
import type { ResolveOptions } from './plan.js';

export interface ReplaySpec {
  /** The reader schema from a file (else the registry's --to-version, default latest). */
  to?: SchemaModel;
  /** The writer schema from a file; given the reader so it can default the message name. */
  from?: (reader: SchemaModel) => SchemaModel;
  registry?: string;
  subject?: string;
  toVersion?: number;
  fromVersion?: number;
}

export interface Replay {
  reader: SchemaModel;
  /** The registered version read as, when the reader comes from the registry. */
  readerVersion?: number;
  /** The resolve options for a stream: the writer is --from, --from-version, or the registered version whose fingerprint the stream names. */
  resolveFor(input: Schema): { options: ResolveOptions; writerLabel?: string };
}

/** What `schema-migrate apply` resolves to: reader and (maybe) writer schemas, from files or a registry. */
export function openReplay(spec: ReplaySpec): Replay {
  let rows: VersionRow[] = [];
  let readerRow: VersionRow | undefined;
  if (spec.registry && spec.subject) {
    const registry = SchemaRegistry.open(spec.registry);
    try {
      rows = registry.requireVersions(spec.subject);
      if (!spec.to) readerRow = registry.version(spec.subject, spec.toVersion);
      if (spec.fromVersion !== undefined) registry.version(spec.subject, spec.fromVersion);
    } finally {
      registry.close();
    }
  }
  const reader = spec.to ?? modelFromCanonical(readerRow!.canonical, `${spec.subject} version ${readerRow!.version}`);
  const metadata: Record<string, string> = {};
  if (readerRow) {
    metadata[SCHEMA_METADATA.subject] = readerRow.subject;
    metadata[SCHEMA_METADATA.version] = String(readerRow.version);
  }
  const rowModel = (row: VersionRow) => modelFromCanonical(row.canonical, `${row.subject} version ${row.version}`);
  return {
    reader,
    readerVersion: readerRow?.version,
    resolveFor(input: Schema) {
      if (spec.from) {
        const writer = spec.from(reader);
        return { options: { reader, writer, metadata }, writerLabel: writer.origin };
      }
      if (spec.fromVersion !== undefined) {
        const row = rows.find((r) => r.version === spec.fromVersion)!;
        const writer = rowModel(row);
        return { options: { reader, writer, metadata }, writerLabel: writer.origin };
      }
      const named = input.metadata.get(SCHEMA_METADATA.fingerprint);
      const row = named ? rows.find((r) => r.fingerprint === named) : undefined;
      if (row) {
        const writer = rowModel(row);
        return { options: { reader, writer, metadata }, writerLabel: writer.origin };
      }
      return { options: { reader, metadata } };
    },
  };
}

import { DataType, Utf8 } from 'apache-arrow';
import { errors } from '../errors.js';
import type { AssemblerOptions } from './batch-assembler.js';

/** What CSV, TSV and JSONL imports share. */
export interface TextImportOptions extends AssemblerOptions {
  /** Column name → type from `--types`; columns not named here are inferred. */
  types: Map<string, DataType>;
  /** Names for the columns (`--columns`): for input without a header, or to rename. */
  columns?: string[];
  /** How many data rows inference looks at. */
  inferRows: number;
  /** Bytes read per step (tests make it tiny to put chunk boundaries everywhere). */
  chunkBytes?: number;
}

/**
 * Each column's type: the one `--types` gives, else the inferred one (utf8 when
 * there was nothing to infer from). A `--types` entry for a column the input does
 * not have is a usage error (exit 2), so a typo cannot pass silently.
 */
export function resolveColumnTypes(names: string[], declared: Map<string, DataType>, inferred: DataType[] | null): DataType[] {
  for (const name of declared.keys()) {
    if (!names.includes(name)) throw errors.badFlagValue('types', `columns of the input (${names.join(', ')})`, name);
  }
  return names.map((n, i) => declared.get(n) ?? inferred?.[i] ?? new Utf8());
}

import { Args, Flags } from '@oclif/core';
import { errors } from '@recdata/core';
import { metaValue, type MetaValue } from '@recdata/seq';

/** Flags and arguments the blob-store commands share (defined once). */
export const blobStoreArg = Args.string({ description: 'the blob store folder', required: true, ignoreStdin: true });

const WHERE_HELP = "a filter on the metadata: comparisons (= != < <= > >=), like, in (...), between, is [not] null, joined by and / or / not; strings in single quotes. Example: \"mime = 'image/jpeg' and item_id = 42\"";
export const whereFlag = Flags.string({ description: WHERE_HELP, helpValue: 'EXPR' });
export const requiredWhereFlag = Flags.string({ description: WHERE_HELP, helpValue: 'EXPR', required: true });

/** --meta NAME=VALUE pairs (exit 2 for one without "="). */
export function parseMeta(pairs: string[] | undefined): Record<string, MetaValue> {
  const out: Record<string, MetaValue> = {};
  for (const p of pairs ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw errors.badFlagValue('meta', 'NAME=VALUE', p);
    out[p.slice(0, eq)] = metaValue(p.slice(eq + 1));
  }
  return out;
}

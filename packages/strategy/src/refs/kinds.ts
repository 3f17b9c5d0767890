/**
 * What a reference is. Uses: a flag-reading call with the key as its first
 * argument, a config key, a config value naming the strategy (e.g. in a list of
 * enabled strategies). Mentions: comments, other strings, identifiers that merely
 * share the name, text in files that are not code or config.
 */
export const REF_KINDS = ['flag_call', 'config_key', 'config_value', 'identifier', 'string', 'comment', 'text'] as const;
export type RefKind = (typeof REF_KINDS)[number];
export const USE_KINDS: readonly RefKind[] = ['flag_call', 'config_key', 'config_value'];

export interface Reference {
  strategyId: string;
  /** Relative to the searched folder, with / separators. */
  path: string;
  /** 1-based. */
  line: number;
  column: number;
  kind: RefKind;
  /** The spelling found (a key, an alias or one of their case variants). */
  spelling: string;
  /** Up to 2 lines before and after. */
  context: { startLine: number; lines: string[] };
}

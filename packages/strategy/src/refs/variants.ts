/**
 * Spellings of a key that code bases use, as ld-find-code-refs generates aliases:
 * camelCase, PascalCase, snake_case, UPPER_SNAKE_CASE, kebab-case and dot.case,
 * plus the key as registered.
 */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

export function caseVariants(name: string): string[] {
  const w = words(name);
  if (w.length === 0) return [name];
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const variants = [
    name,
    w[0] + w.slice(1).map(cap).join(''),
    w.map(cap).join(''),
    w.join('_'),
    w.join('_').toUpperCase(),
    w.join('-'),
    w.join('.'),
  ];
  return [...new Set(variants)];
}

/** Which strategy each spelling belongs to, and whether it came from a key or an alias. */
export interface Spelling {
  text: string;
  strategyId: string;
  /** The key or alias as registered. */
  source: string;
}

export function spellingsOf(strategies: { id: string; keys: string[]; aliases: string[] }[]): Map<string, Spelling> {
  const out = new Map<string, Spelling>();
  for (const s of strategies) {
    for (const source of [...s.keys, ...s.aliases]) {
      for (const text of caseVariants(source)) if (!out.has(text)) out.set(text, { text, strategyId: s.id, source });
    }
  }
  return out;
}

const IDENT = /[A-Za-z0-9_$]/;

/**
 * Every occurrence of a spelling, as a whole word: not inside a longer identifier, and
 * not one segment of a longer kebab-case word. Longer spellings win at the same place.
 */
export function findSpellings(text: string, spellings: Map<string, Spelling>): { start: number; end: number; spelling: Spelling }[] {
  if (spellings.size === 0) return [];
  const sorted = [...spellings.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const pattern = new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|'), 'g');
  const out: { start: number; end: number; spelling: Spelling }[] = [];
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const before = start > 0 ? text[start - 1] : '';
    const after = end < text.length ? text[end] : '';
    const kebabBefore = before === '-' && start > 1 && /[A-Za-z0-9]/.test(text[start - 2]);
    const kebabAfter = after === '-' && end + 1 < text.length && /[A-Za-z0-9]/.test(text[end + 1]);
    if ((before && IDENT.test(before)) || (after && IDENT.test(after)) || kebabBefore || kebabAfter) {
      pattern.lastIndex = start + 1;
      continue;
    }
    out.push({ start, end, spelling: spellings.get(m[0])! });
  }
  return out;
}

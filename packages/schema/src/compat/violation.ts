import type { Located, MessageDef, SchemaModel } from '../model.js';

/** Every rule ID, as docs/schema-rules.md describes them (Buf's names where Buf has the rule). */
export const RULES = [
  'FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED',
  'FIELD_NO_DELETE_UNLESS_NAME_RESERVED',
  'FIELD_SAME_TYPE',
  'FIELD_SAME_CARDINALITY',
  'FIELD_SAME_ONEOF',
  'FIELD_SAME_DEFAULT',
  'ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED',
  'MESSAGE_NO_DELETE',
  'RESERVED_MESSAGE_NO_DELETE',
  'MESSAGE_SAME_REQUIRED_FIELDS',
  'FIELD_NUMBER_REUSED',
] as const;
export type RuleId = (typeof RULES)[number];

export interface Violation {
  rule: RuleId;
  /** The protobuf message (or enum) the violation is in, fully qualified. */
  message: string;
  /** The field (or enum value) concerned; empty for a whole message. */
  field: string;
  /** Where in the newer file: the declaration concerned, or the nearest enclosing one still there. */
  file: string;
  line: number;
  column: number;
  /** What is wrong, in words. */
  detail: string;
  /** The earlier versions it was found against. */
  against: string[];
}

/** Collects violations, located in the newer model's file. */
export class ViolationList {
  readonly items: Violation[] = [];
  constructor(
    private readonly newer: SchemaModel,
    private readonly againstLabel: string,
  ) {}

  add(rule: RuleId, message: string, field: string, at: Located | undefined, detail: string): void {
    const where = at ?? this.fallback(message);
    this.items.push({ rule, message, field, file: this.newer.file ?? this.newer.origin, line: where.line, column: where.column, detail, against: [this.againstLabel] });
  }

  /** The nearest enclosing declaration that the newer file still has, else the top of the file. */
  private fallback(name: string): Located {
    let scope = name;
    for (;;) {
      const m: MessageDef | undefined = this.newer.messages.get(scope);
      if (m?.at) return m.at;
      const e = this.newer.enums.get(scope);
      if (e?.at) return e.at;
      const i = scope.lastIndexOf('.');
      if (i < 0) return { line: 1, column: 1 };
      scope = scope.slice(0, i);
    }
  }
}

/** One entry per distinct violation, the versions it was found against merged; in file order. */
export function mergeViolations(list: Violation[]): Violation[] {
  const byKey = new Map<string, Violation>();
  for (const v of list) {
    const key = [v.rule, v.message, v.field, v.line, v.column, v.detail].join('\u0000');
    const seen = byKey.get(key);
    if (seen) {
      for (const a of v.against) if (!seen.against.includes(a)) seen.against.push(a);
    } else byKey.set(key, { ...v, against: [...v.against] });
  }
  return [...byKey.values()].sort(
    (a, b) => a.line - b.line || a.column - b.column || cmp(a.rule, b.rule) || cmp(a.message, b.message) || cmp(a.field, b.field) || cmp(a.detail, b.detail),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `file:line:col: RULE message.field: detail (against ...)` */
export function formatViolation(v: Violation): string {
  const target = v.field ? `${v.message}.${v.field}` : v.message;
  return `${v.file}:${v.line}:${v.column}: ${v.rule} ${target}: ${v.detail} (against ${v.against.join(', ')})`;
}

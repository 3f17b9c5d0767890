import { Flags } from '@oclif/core';
import { errors } from '@recdata/core';
import { DEFAULT_MODE, formatViolation, MODES, type CheckResult } from '@recdata/schema';

/** Flags the schema-migrate commands share (defined once). */
export const messageFlag = Flags.string({
  description: 'the record message: fully qualified (rec.v1.UserFeatures) or short when unambiguous; default: the file\'s only top-level message',
  helpValue: 'NAME',
});
/** Descriptions of the registry flags, which each command declares with its own relations. */
export const REGISTRY_HELP = { description: 'the schema registry (an SQLite file)', helpValue: 'FILE' } as const;
export const SUBJECT_HELP = { description: "the subject in the registry (one record type's history)", helpValue: 'NAME' } as const;
export const modeFlag = Flags.string({
  description: `compatibility mode (${MODES.join(', ')})`,
  options: [...MODES],
  helpValue: MODES.join('|'),
});
export const jsonFlag = Flags.boolean({ description: 'print JSON instead of text', default: false });
export { DEFAULT_MODE };

/** Violations as text lines, then the verdict. */
export function checkText(result: CheckResult): string {
  const lines = result.violations.map(formatViolation);
  lines.push(result.compatible ? `compatible (${result.mode})` : `incompatible (${result.mode}): ${result.violations.length} violation${result.violations.length === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

export function checkJson(result: CheckResult): string {
  return (
    JSON.stringify(
      {
        compatible: result.compatible,
        mode: result.mode,
        violations: result.violations.map((v) => ({ rule: v.rule, message: v.message, field: v.field, file: v.file, line: v.line, column: v.column, detail: v.detail, against: v.against })),
      },
      null,
      2,
    ) + '\n'
  );
}

/** Exit 1 after the violations are out: the gate failed. */
export function gateFailure(result: CheckResult) {
  return errors.gateFailed(`incompatible under ${result.mode}: ${result.violations.length} violation${result.violations.length === 1 ? '' : 's'} (${[...new Set(result.violations.map((v) => v.rule))].join(', ')})`);
}

import { errors } from '@recdata/core';
import { fieldTypeLabel, type FieldDef, type SchemaModel } from '../model.js';
import { compareVersions, type Direction } from './rules.js';
import { mergeViolations, ViolationList, type Violation } from './violation.js';

export const MODES = ['none', 'backward', 'backward_transitive', 'forward', 'forward_transitive', 'full', 'full_transitive'] as const;
export type Mode = (typeof MODES)[number];
export const DEFAULT_MODE: Mode = 'backward_transitive';

export function parseMode(value: string): Mode {
  if ((MODES as readonly string[]).includes(value)) return value as Mode;
  throw errors.badFlagValue('mode', MODES.join('|'), value);
}

export interface Version {
  model: SchemaModel;
  /** How messages name it: a file path or `version N`. */
  label: string;
}

export interface CheckResult {
  compatible: boolean;
  mode: Mode;
  violations: Violation[];
}

function direction(mode: Mode): Direction {
  return mode.startsWith('backward') ? 'backward' : mode.startsWith('forward') ? 'forward' : 'both';
}

/**
 * Checks a candidate against the versions before it (oldest first). The plain modes
 * compare with the latest version only; the transitive modes with every version,
 * and also look for field numbers that any earlier version deleted
 * (FIELD_NUMBER_REUSED): the Feast case, a field deleted in one version and re-added
 * with another type in a later one, passes a check against the latest version alone.
 */
export function checkCompatibility(history: readonly Version[], candidate: Version, mode: Mode): CheckResult {
  if (mode === 'none' || history.length === 0) return { compatible: true, mode, violations: [] };
  const dir = direction(mode);
  const transitive = mode.endsWith('_transitive');
  const against = transitive ? history : [history[history.length - 1]];
  const found: Violation[] = [];
  for (const v of against) found.push(...compareVersions(v.model, candidate.model, dir, v.label));
  if (transitive) found.push(...reusedNumbers(history, candidate));
  const violations = mergeViolations(found);
  return { compatible: violations.length === 0, mode, violations };
}

/** Field numbers deleted in some earlier version (present in one, absent in a later one) and used again by the candidate. */
function reusedNumbers(history: readonly Version[], candidate: Version): Violation[] {
  const out: Violation[] = [];
  for (const [name, message] of candidate.model.messages) {
    for (const field of message.fields) {
      const deletion = findDeletion(history, name, field.number);
      if (!deletion) continue;
      const list = new ViolationList(candidate.model, deletion.deletedIn);
      const was = ` (was "${deletion.field.name}" ${fieldTypeLabel(deletion.field)} in ${deletion.presentIn})`;
      list.add(
        'FIELD_NUMBER_REUSED',
        name,
        field.name,
        field.at,
        `field number ${field.number} was deleted in ${deletion.deletedIn}${was} and is used again by "${field.name}" ${fieldTypeLabel(field)}`,
      );
      out.push(...list.items);
    }
  }
  return out;
}

function findDeletion(history: readonly Version[], message: string, number: number): { deletedIn: string; presentIn: string; field: FieldDef } | null {
  let lastPresent: { label: string; field: FieldDef } | null = null;
  for (const v of history) {
    const m = v.model.messages.get(message);
    if (!m) continue;
    const field = m.fields.find((f) => f.number === number);
    if (field) {
      lastPresent = { label: v.label, field };
      continue;
    }
    if (lastPresent) return { deletedIn: v.label, presentIn: lastPresent.label, field: lastPresent.field };
  }
  return null;
}

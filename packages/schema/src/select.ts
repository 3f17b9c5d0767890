import { errors } from '@recdata/core';
import { referencedTypes, type EnumDef, type MessageDef, type SchemaModel } from './model.js';
import type { ProtoFile } from './proto/parse.js';

/**
 * The message `--message` names: fully qualified (`rec.v1.UserFeatures`), or any
 * dotted suffix of that (`UserFeatures`, `v1.UserFeatures`) when only one message
 * ends that way. Without a name, the file's only top-level message. Otherwise
 * exit 2 listing the messages.
 */
export function selectMessage(file: ProtoFile, name: string | undefined): string {
  const candidates = file.declared;
  const list = () => candidates.join(', ') || '(none)';
  if (name === undefined || name === '') {
    const top = candidates.filter((c) => !candidates.some((o) => o !== c && c.startsWith(`${o}.`)));
    if (top.length === 1) return top[0];
    throw errors.usage(`${file.path} declares ${top.length === 0 ? 'no message' : 'several messages'}: pass --message (one of: ${list()})`);
  }
  const wanted = name.startsWith('.') ? name.slice(1) : name;
  if (candidates.includes(wanted)) return wanted;
  const matches = candidates.filter((c) => c.endsWith(`.${wanted}`));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) throw errors.usage(`message "${name}" is ambiguous in ${file.path}: ${matches.join(', ')}`);
  throw errors.usage(`no message "${name}" in ${file.path}; its messages are: ${list()}`);
}

/**
 * The model of one record type: the record message, the messages and enums
 * declared inside it, and every type its fields reach (transitively, with their
 * own nested declarations). Messages elsewhere in the file are not part of it.
 */
export function recordModel(file: ProtoFile, record: string, origin = file.path): SchemaModel {
  const model = closure(file.messages, file.enums, record, file.syntax, origin, file.path);
  model.declared = new Set(file.messages.keys());
  return model;
}

export function closure(
  allMessages: Map<string, MessageDef>,
  allEnums: Map<string, EnumDef>,
  record: string,
  syntax: SchemaModel['syntax'],
  origin: string,
  file?: string,
): SchemaModel {
  const messages = new Map<string, MessageDef>();
  const enums = new Map<string, EnumDef>();
  const pending = [record];
  const addNested = (scope: string) => {
    for (const [n, m] of allMessages) if (n.startsWith(`${scope}.`) && !messages.has(n)) pending.push(m.fullName);
    for (const [n, e] of allEnums) if (n.startsWith(`${scope}.`)) enums.set(n, e);
  };
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (messages.has(name)) continue;
    const m = allMessages.get(name);
    if (!m) continue;
    messages.set(name, m);
    addNested(name);
    for (const f of m.fields) {
      const refs = referencedTypes(f.type);
      for (const r of refs.messages) if (!messages.has(r)) pending.push(r);
      for (const e of refs.enums) {
        const def = allEnums.get(e);
        if (def) enums.set(e, def);
      }
    }
  }
  const sortedMessages = new Map([...messages.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const sortedEnums = new Map([...enums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const model: SchemaModel = { syntax, record, messages: sortedMessages, enums: sortedEnums, origin };
  if (file !== undefined) model.file = file;
  return model;
}

/** Parses a file and takes the record model of `--message` in one step. */
export function modelFromFile(file: ProtoFile, message: string | undefined): SchemaModel {
  return recordModel(file, selectMessage(file, message));
}

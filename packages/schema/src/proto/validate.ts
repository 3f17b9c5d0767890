import { protoError } from '../bad-input.js';
import { isReservedNumber } from '../model.js';
import type { SourceMap } from './locate.js';
import type { ProtoFile } from './parse.js';

const MAX_FIELD_NUMBER = 536870911;

/**
 * The checks protoc makes that protobufjs does not, on the declarations of the file
 * itself (imports are taken as they are): field numbers in range and outside the
 * implementation range, no field on a reserved number or name, proto3 enums that
 * start at zero and no explicit defaults in proto3.
 */
export function validateDeclarations(file: ProtoFile, map: SourceMap): void {
  for (const name of map.messages.keys()) {
    const m = file.messages.get(name);
    if (!m) continue;
    for (const f of m.fields) {
      const at = f.at;
      const fail = (msg: string) => protoError(file.path, `${msg} (${m.fullName}.${f.name})`, at?.line, at?.column);
      if (f.number < 1 || f.number > MAX_FIELD_NUMBER) throw fail(`field number ${f.number} is out of range 1..${MAX_FIELD_NUMBER}`);
      if (f.number >= 19000 && f.number <= 19999) throw fail(`field number ${f.number} is in the range 19000..19999 reserved for the protobuf implementation`);
      if (isReservedNumber(m.reservedNumbers, f.number)) throw fail(`field number ${f.number} is reserved in this message`);
      if (m.reservedNames.includes(f.name)) throw fail(`field name "${f.name}" is reserved in this message`);
      if (file.syntax === 'proto3' && f.default !== undefined) throw fail('explicit default values are not allowed in proto3');
    }
  }
  for (const name of map.enums.keys()) {
    const e = file.enums.get(name);
    if (!e) continue;
    if (file.syntax === 'proto3' && e.values.length > 0 && e.values[0].number !== 0) {
      const v = e.values[0];
      throw protoError(file.path, `the first value of a proto3 enum must be zero (${e.fullName}.${v.name} = ${v.number})`, v.at?.line ?? e.at?.line, v.at?.column ?? e.at?.column);
    }
    for (const v of e.values) {
      if (isReservedNumber(e.reservedNumbers, v.number) || e.reservedNames.includes(v.name)) {
        throw protoError(file.path, `enum value ${e.fullName}.${v.name} uses a reserved ${e.reservedNames.includes(v.name) ? 'name' : 'number'}`, v.at?.line, v.at?.column);
      }
    }
  }
}

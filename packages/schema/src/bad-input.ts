import { errors, RecdataError } from '@recdata/core';

/** An unusable .proto (exit 65) with its file:line:col. */
export function protoError(file: string, message: string, line?: number, column?: number): RecdataError {
  return errors.badInput(message, { file, line, columnNumber: column });
}

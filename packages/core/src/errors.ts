/**
 * The one catalogue of recdata errors. Every failure a user can see is made by a
 * factory below, so the exit code and the shape of the message cannot drift
 * between commands (DESIGN.md §2, "Errors and exit codes").
 */

export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  badInput: 65,
  cannotOpen: 66,
  backendUnavailable: 69,
  internal: 70,
  ioWrite: 74,
  tryAgain: 75,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Where an error happened, as precisely as the caller knows it. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  columnNumber?: number;
  column?: string;
  row?: number;
  byteOffset?: number;
  field?: string;
}

export class RecdataError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly where: ErrorLocation | undefined;
  /** A machine-readable tag, stable across versions (tests and wrappers key on it). */
  readonly kind: string;

  constructor(kind: string, exitCode: ExitCodeValue, message: string, where?: ErrorLocation, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RecdataError';
    this.kind = kind;
    this.exitCode = exitCode;
    this.where = where;
  }

  /** The message with its location, e.g. `bad value "x" (file.csv:12, column ts)`. */
  describe(): string {
    const where = formatLocation(this.where);
    return where ? `${this.message} (${where})` : this.message;
  }
}

export function formatLocation(where: ErrorLocation | undefined): string {
  if (!where) return '';
  const parts: string[] = [];
  if (where.file !== undefined) {
    let p = where.file;
    if (where.line !== undefined) p += `:${where.line}`;
    if (where.line !== undefined && where.columnNumber !== undefined) p += `:${where.columnNumber}`;
    parts.push(p);
  }
  if (where.column !== undefined) parts.push(`column ${where.column}`);
  if (where.field !== undefined) parts.push(`field ${where.field}`);
  if (where.row !== undefined) parts.push(`row ${where.row}`);
  if (where.byteOffset !== undefined) parts.push(`byte offset ${where.byteOffset}`);
  return parts.join(', ');
}

/** A closed stdout (EPIPE): not a failure; the command ends quietly with exit 0. */
export class ClosedOutputError extends Error {
  constructor() {
    super('output closed by the reader');
    this.name = 'ClosedOutputError';
  }
}

export const errors = {
  /** Exit 1: checks ran and found violations. */
  gateFailed: (message: string, where?: ErrorLocation) => new RecdataError('gate-failed', ExitCode.gateFailed, message, where),

  /** Exit 2: a flag or argument is wrong. Message form: expected X for --flag, got Y. */
  usage: (message: string, where?: ErrorLocation) => new RecdataError('usage', ExitCode.usage, message, where),
  badFlagValue: (flag: string, expected: string, got: unknown) =>
    new RecdataError('usage', ExitCode.usage, `expected ${expected} for --${flag}, got ${JSON.stringify(got)}`),

  /** Exit 65: the data is wrong. */
  badInput: (message: string, where?: ErrorLocation, cause?: unknown) =>
    new RecdataError('bad-input', ExitCode.badInput, message, where, { cause }),
  notArrow: (source: string, byteOffset: number, detail: string) =>
    new RecdataError('not-arrow', ExitCode.badInput, `not an Arrow IPC stream: ${detail}`, { file: source, byteOffset }),
  noStreamOnStdin: () => new RecdataError('empty-stdin', ExitCode.badInput, 'no Arrow stream on stdin'),
  truncated: (source: string, byteOffset: number, what: string) =>
    new RecdataError('truncated', ExitCode.badInput, `truncated Arrow stream: input ended inside ${what}`, { file: source, byteOffset }),
  missingColumn: (column: string, present: readonly string[]) =>
    new RecdataError('missing-column', ExitCode.badInput, `missing column "${column}"; the input has: ${present.join(', ') || '(no columns)'}`, { column }),
  wrongColumnType: (column: string, expected: string, got: string) =>
    new RecdataError('wrong-type', ExitCode.badInput, `column "${column}" has type ${got}, expected ${expected}`, { column }),
  schemaMismatch: (message: string, where?: ErrorLocation) => new RecdataError('schema-mismatch', ExitCode.badInput, message, where),

  /** Exit 66: an input file cannot be opened. */
  cannotOpen: (file: string, reason: string) => new RecdataError('cannot-open', ExitCode.cannotOpen, `cannot open ${file}: ${reason}`),

  /** Exit 69: a requested backend is unavailable. */
  backendUnavailable: (backend: string, reason: string) =>
    new RecdataError('backend-unavailable', ExitCode.backendUnavailable, `backend ${backend} is unavailable: ${reason}`),

  /** Exit 70: a bug in recdata. */
  internal: (message: string, cause?: unknown) => new RecdataError('internal', ExitCode.internal, `internal error: ${message}`, undefined, { cause }),

  /** Exit 74: writing failed. */
  ioWrite: (target: string, reason: string) => new RecdataError('io-write', ExitCode.ioWrite, `cannot write ${target}: ${reason}`),

  /** Exit 75: try again later (e.g. a store locked by another writer). */
  tryAgain: (message: string) => new RecdataError('try-again', ExitCode.tryAgain, message),
};

/** Maps a Node.js system error from opening an input to the catalogue. */
export function openError(file: string, err: unknown): RecdataError {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'a parent is not a directory',
    EMFILE: 'too many open files',
  };
  return errors.cannotOpen(file, (e && e.code && reasons[e.code]) || (e && e.message) || String(err));
}

/** Turns anything thrown into a RecdataError; unknown errors are bugs (exit 70). */
export function toRecdataError(err: unknown): RecdataError {
  if (err instanceof RecdataError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'ENOSPC' || e.code === 'EIO' || e.code === 'EDQUOT' || e.code === 'EROFS')) {
    return errors.ioWrite('output', e.message);
  }
  return errors.internal(e && e.message ? e.message : String(err), err);
}

import { Command, Errors } from '@oclif/core';
import { ClosedOutputError, errors, Progress, RecdataError, toRecdataError, type Provenance } from '@recdata/core';

/**
 * Every recdata command: one-line errors with the DESIGN.md exit codes, a closed
 * stdout as success, and provenance for the outputs it writes.
 */
export abstract class BaseCommand extends Command {
  /** Set by subclasses after parsing, so errors can show stacks under --verbose. */
  protected verbose = false;

  /** `recdata <id>` as typed (topic separator is a space). */
  protected get commandName(): string {
    return (this.id ?? this.constructor.name).replace(/:/g, ' ');
  }

  protected provenance(params: Record<string, unknown>): Provenance {
    return { command: this.commandName, params };
  }

  protected progress(flag: boolean | undefined, label = this.commandName): Progress {
    return new Progress(label, flag === true ? 'on' : flag === false ? 'off' : 'auto');
  }

  /** Writes human-readable text to stdout, treating a closed pipe as success. */
  protected out(text: string): void {
    try {
      process.stdout.write(text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
    }
  }

  /** Notes for --verbose. */
  protected note(text: string): void {
    if (this.verbose) process.stderr.write(`recdata ${this.commandName}: ${text}\n`);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<void> {
    if (err instanceof ClosedOutputError || (err as NodeJS.ErrnoException).code === 'EPIPE') {
      process.exitCode = 0;
      return;
    }
    if (err instanceof Errors.ExitError) {
      process.exitCode = err.oclif.exit;
      return;
    }
    const error = fromOclif(err) ?? toRecdataError(err);
    process.stderr.write(`recdata ${this.commandName}: ${error.describe()}\n`);
    if (this.verbose || process.argv.includes('--verbose')) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exitCode = error.exitCode;
  }
}

/** oclif's parse errors (unknown flag, bad option, missing argument) are usage errors: exit 2, one line. */
function fromOclif(err: unknown): RecdataError | null {
  if (err instanceof RecdataError) return null;
  const e = err as { oclif?: { exit?: number }; message?: string; name?: string };
  const parseError = e && typeof e === 'object' && (e.oclif?.exit === 2 || /^(Nonexistent|Unexpected|Expected|Missing|Required|The following|Parsing --)/.test(e.message ?? ''));
  if (!parseError) return null;
  const line = (e.message ?? 'bad usage')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('See more help'))
    .join(' ');
  return errors.usage(line);
}

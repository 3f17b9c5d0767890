import { Args, Flags } from '@oclif/core';

/**
 * Flags shared by every command, defined once (DESIGN.md §7: shared flags are
 * defined once; relations between flags are declared, not checked by hand).
 */
export const outputFlag = Flags.string({ char: 'o', description: 'write to FILE instead of stdout (written under a temporary name, renamed when complete)', helpValue: 'FILE' });

export const verboseFlag = Flags.boolean({ description: 'explain choices (backend, fallbacks) on stderr and show stack traces with errors', default: false });

export const progressFlag = Flags.boolean({ description: 'show a progress line on stderr even when stderr is not a terminal', allowNo: true });

export const backendFlag = Flags.string({
  description: 'kernel backend: auto takes CUDA when a device is present, else native, else JS (env RECDATA_BACKEND)',
  options: ['auto', 'cuda', 'native', 'offload', 'js'],
  helpValue: 'auto|cuda|native|offload|js',
});

export const threadsFlag = Flags.integer({ description: 'worker threads (default: the number of cores)', min: 1, max: 1024 });

export const batchSizeFlag = Flags.integer({ description: 'rows per output batch', default: 65536, min: 1, max: 1 << 24 });

export const memoryLimitFlag = Flags.string({ description: 'memory before spilling to temporary files, e.g. 512MiB, 1GiB', default: '1GiB', helpValue: 'SIZE' });

/**
 * For engines that need a transform's output schema before any data (Ray, Spark's
 * mapInArrow): the command reads the input's schema message only and writes an
 * empty Arrow stream with the schema it would write. See print-schema.ts.
 */
export const printSchemaFlag = Flags.boolean({
  description: "write only the output schema for the input's schema (an empty Arrow stream); reads no rows",
  default: false,
});

/** The flags every command takes. */
export const commonFlags = {
  verbose: verboseFlag,
};

/** The flags of commands that write an Arrow stream. */
export const outputFlags = {
  output: outputFlag,
  progress: progressFlag,
};

/** The flags of commands that run kernels. */
export const backendFlags = {
  backend: backendFlag,
  threads: threadsFlag,
};

/**
 * Input files as positional arguments. `ignoreStdin` matters: oclif would otherwise
 * read a piped stdin as the argument's text, swallowing the Arrow stream.
 */
export const inputFilesArg = Args.string({ description: 'input files; - or nothing reads stdin', required: false, ignoreStdin: true });

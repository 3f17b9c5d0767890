import { Flags } from '@oclif/core';
import { ArrowReader, batchStream, errors, loadNative, resolveThreads, writeBatchStream } from '@recdata/core';
import { checkDpuHashOptions, dpuHash, openExecutor, KEY_ENV, loadKey, MAX_BUCKETS, parseUnsigned, planDpuHash, UINT64_MAX, type Algorithm, type DpuHashOptions } from '@recdata/hash';
import { BaseCommand } from '../base-command.js';
import { backendFlags, commonFlags, inputFilesArg, outputFlags, printSchemaFlag } from '../flags.js';
import { printOutputSchema } from '../print-schema.js';
import { splitList } from './cat.js';

export default class DpuHash extends BaseCommand {
  static override summary = 'Hash ID columns, buckets and feature crosses, bit-identical on every backend.';
  static override description = `For each --cols column, appends <col>_hash (uint64 for xxh64 and xxh3, uint32 for murmur3), or <col>_bucket (int64 in [0, M)) with --buckets M. List columns are hashed element by element into lists with the same offsets. Each --cross a,b[,c] appends a_x_b_hash (or _bucket): column k of a cross is hashed with the hash of columns 0..k-1 as its seed, so order matters and equal values do not cancel. --replace puts each --cols result in place of its source column and drops the sources of crosses.

The bytes hashed are specified per Arrow type in docs/hash-spec.md: integers, dates, times and timestamps by their little-endian storage at their own width (murmur3 of int32/int64 equals Spark's hashInt/hashLong); floats by their IEEE bytes with -0.0 as +0.0 and every NaN as the canonical quiet NaN; strings and binary by their bytes; bools as one byte 0 or 1; dictionary columns by their values, never the indices. A null hashes to null, or to --null-hash V. Buckets are the hash mod M, unsigned.

--keyed hashes with SipHash-2-4 under a 128-bit key (uint64 output): for pseudonymising IDs that must not be reversible without the key. The key (32 hex characters) comes from --key-file or the environment variable ${KEY_ENV}, never from the command line.

Backends: js (the TypeScript reference), native (C++ kernels, one call per column per batch), offload (the native kernels on --threads dedicated threads behind a bounded submit/complete queue, the interface a DPU would implement: docs/offload.md), cuda, auto. Every backend gives the same bits.`;
  static override examples = [
    { description: 'Hash two ID columns into a million buckets', command: '<%= config.bin %> gen events --events 10000 | <%= config.bin %> dpu-hash --cols item_id,user_id --algo xxh64 --seed 7 --buckets 1000000 > hashed.arrow' },
    { description: 'A hashed cross of user and item with MurmurHash3, in 65536 buckets', command: '<%= config.bin %> gen events --events 10000 | <%= config.bin %> dpu-hash --cross user_id,item_id --buckets 65536 --algo murmur3 | <%= config.bin %> cat --head 5 --select user_id,item_id,user_id_x_item_id_bucket | <%= config.bin %> export --format table' },
    { description: 'Pseudonymise user IDs with a secret key, in place', command: `${KEY_ENV}=000102030405060708090a0b0c0d0e0f <%= config.bin %> dpu-hash --cols user_id --keyed --replace events.arrow > pseudonymised.arrow` },
    { description: 'The same on two offload threads', command: '<%= config.bin %> dpu-hash --cols user_id,item_id --backend offload --threads 2 events.arrow > hashed.arrow' },
  ];
  static override args = {
    files: inputFilesArg,
  };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    ...backendFlags,
    cols: Flags.string({ description: 'columns to hash, each into <col>_hash (or <col>_bucket)', helpValue: 'a,b' }),
    cross: Flags.string({ description: 'a cross of two or more columns, hashed into a_x_b_hash; repeatable', helpValue: 'a,b[,c]', multiple: true, multipleNonGreedy: true }),
    algo: Flags.string({ description: 'hash algorithm (default xxh64)', options: ['xxh64', 'xxh3', 'murmur3'], exclusive: ['keyed'] }),
    seed: Flags.string({ description: 'seed: 0 to 2^64-1 (murmur3: 0 to 2^32-1), decimal or 0x hex; default 0', helpValue: 'N' }),
    buckets: Flags.string({ description: 'output int64 buckets in [0, M) (the hash mod M) instead of hashes', helpValue: 'M' }),
    replace: Flags.boolean({ description: 'replace the source columns instead of appending', default: false }),
    'null-hash': Flags.string({ description: 'the hash given to null values (default: nulls stay null)', helpValue: 'V' }),
    keyed: Flags.boolean({ description: `SipHash-2-4 with a secret 128-bit key from --key-file or ${KEY_ENV}`, default: false }),
    'key-file': Flags.string({ description: 'file holding the key as 32 hex characters (with --keyed)', helpValue: 'FILE' }),
    'print-schema': printSchemaFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(DpuHash);
    this.verbose = flags.verbose;
    const options = this.options(flags);
    checkDpuHashOptions(options);
    const provenance = this.provenance({
      cols: options.cols ?? null,
      cross: options.crosses ?? null,
      algo: options.algorithm,
      seed: options.seed,
      buckets: options.buckets ?? null,
      replace: options.replace ?? false,
      nullHash: options.nullHash ?? null,
      keyed: flags.keyed,
    });
    if (flags['print-schema']) {
      await printOutputSchema(argv as string[], (input) => batchStream(planDpuHash(input.schema, options).schema, []), { file: flags.output, provenance });
      return;
    }
    const threads = resolveThreads(flags.threads);
    const { executor, notes } = openExecutor(flags.backend, { threads });
    for (const n of notes) this.note(n);
    this.note(`backend ${executor.backend}: ${executor.description}`);
    try {
      widenStdioPipes();
      const reader = await ArrowReader.open(argv as string[]);
      const stream = dpuHash(reader, options, executor, threads * 2);
      await writeBatchStream(stream, {
        file: flags.output,
        provenance,
        progress: this.progress(flags.progress),
      });
    } finally {
      await executor.close();
    }
  }

  private options(flags: {
    cols?: string;
    cross?: string[];
    algo?: string;
    seed?: string;
    buckets?: string;
    replace: boolean;
    'null-hash'?: string;
    keyed: boolean;
    'key-file'?: string;
  }): DpuHashOptions {
    if (flags['key-file'] !== undefined && !flags.keyed) throw errors.usage('--key-file is the key of --keyed: add --keyed');
    const algorithm: Algorithm = flags.keyed ? 'siphash' : ((flags.algo ?? 'xxh64') as Algorithm);
    const wide = algorithm !== 'murmur3';
    const max = wide ? UINT64_MAX : (1n << 32n) - 1n;
    const range = wide ? 'an integer from 0 to 2^64-1' : 'an integer from 0 to 2^32-1 (murmur3 is 32-bit)';
    return {
      algorithm,
      cols: flags.cols !== undefined ? splitList(flags.cols) : undefined,
      crosses: flags.cross?.map(splitList),
      seed: flags.seed !== undefined ? parseUnsigned('seed', flags.seed, range, max) : 0n,
      buckets: flags.buckets !== undefined ? parseBuckets(flags.buckets) : null,
      nullHash: flags['null-hash'] !== undefined ? parseUnsigned('null-hash', flags['null-hash'], range, max) : null,
      replace: flags.replace,
      key: flags.keyed ? loadKey(flags['key-file']) : null,
    };
  }
}

/**
 * A pipe holds 64 KiB by default; at 1 MiB each process in the pipeline wakes up
 * 16 times less often (as the relay of recdata cat does). RECDATA_PIPE_SIZE=0 keeps
 * the default; a descriptor that is not a pipe is left alone.
 */
function widenStdioPipes(): void {
  const { addon } = loadNative();
  if (!addon || process.env.RECDATA_PIPE_SIZE === '0') return;
  for (const fd of [0, 1]) addon.setPipeSize(fd, 1 << 20);
}

function parseBuckets(text: string): bigint {
  const expected = 'an integer from 1 to 2^63';
  const m = parseUnsigned('buckets', text, expected, MAX_BUCKETS);
  if (m === 0n) throw errors.badFlagValue('buckets', expected, text);
  return m;
}

import { Flags } from '@oclif/core';
import { ArrowReader, errors, type BatchStream } from '@recdata/core';
import { fit, INLINE_LIMIT, OPS, parseByteSize, readSpecFile, writeFitted } from '@recdata/featurize';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, inputFilesArg, progressFlag } from '../../flags.js';

export default class GpuFeaturizeFit extends BaseCommand {
  static override summary = 'Learn what a feature spec needs (moments, quantiles, vocabularies, target statistics) in one streaming pass.';
  static override description = `The spec (YAML or JSON) lists features under "features:", each with a name (the output column), an op, an input column (a list for hashed_cross) and the op's parameters. Ops: ${OPS.join(', ')}; docs/featurize-ops.md gives each one's exact semantics, float rule and parameters.

fit reads the stream once, row by row in order (the result does not depend on batch sizes), in memory bounded by the quantile sketches and the value counters: --memory-limit is shared by the categorify and target_encode counters, which count exactly while the distinct values fit and switch to Space-Saving past that (the fitted file says so). It writes a versioned JSON file with the spec, what each feature learned, and fingerprints of the spec and of the input columns; vocabularies of more than ${INLINE_LIMIT} values go to sidecar Arrow IPC files next to it (keep them together).

Spec mistakes (unknown op, unknown column, a parameter of the wrong type) exit 2 naming the spec's file:line and the op; a column of a type the op cannot take exits 65.`;
  static override examples = [
    { description: 'Fit a spec on generated events', command: '<%= config.bin %> gen events --events 100000 > train.arrow && <%= config.bin %> gpu-featurize fit --spec fixtures/featurize/events.yaml train.arrow -o fitted.json' },
    { description: 'From a pipe, with less memory for the vocabularies', command: '<%= config.bin %> gen events --events 100000 | <%= config.bin %> gpu-featurize fit --spec fixtures/featurize/events.yaml --memory-limit 64MiB -o fitted.json' },
  ];
  static override args = { files: inputFilesArg };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    spec: Flags.string({ description: 'the feature spec (YAML or JSON)', required: true, helpValue: 'FILE' }),
    output: Flags.string({ char: 'o', description: 'the fitted file to write (JSON; sidecar vocabularies next to it)', required: true, helpValue: 'FILE' }),
    'memory-limit': Flags.string({ description: 'memory the value counters may use, e.g. 256MiB, 2GiB (past it, counts are approximate)', default: '1GiB', helpValue: 'SIZE' }),
    progress: progressFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(GpuFeaturizeFit);
    this.verbose = flags.verbose;
    if (flags.output === '-') throw errors.badFlagValue('output', 'a file name (fit writes sidecar vocabularies next to it)', flags.output);
    const memoryLimit = parseByteSize('memory-limit', flags['memory-limit']);
    const spec = readSpecFile(flags.spec);
    const reader = await ArrowReader.open(argv as string[]);
    const progress = this.progress(flags.progress);
    const counted: BatchStream = {
      schema: reader.schema,
      async *[Symbol.asyncIterator]() {
        for await (const batch of reader) {
          progress.add(batch.numRows);
          yield batch;
        }
      },
    };
    const result = await fit(counted, spec, { memoryLimit });
    progress.done(result.rows);
    await writeFitted(result, flags.spec, flags.output);
    for (let i = 0; i < result.states.length; i++) {
      const f = spec.features[i];
      this.note(`${f.name} (${f.op}): ${JSON.stringify(result.states[i], (_k, v) => (v instanceof Float64Array ? `[${v.length} values]` : Array.isArray(v) && v.length > 8 ? `[${v.length} values]` : v))}`);
    }
  }
}

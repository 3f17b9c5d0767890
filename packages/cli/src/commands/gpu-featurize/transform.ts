import fs from 'node:fs';
import { Flags } from '@oclif/core';
import { ArrowReader, errors, loadNative, resolveThreads, writeBatchStream } from '@recdata/core';
import { bindFitted, openFeaturizeExecutor, parseLayout, planTransform, readFitted, transformStream } from '@recdata/featurize';
import { BaseCommand } from '../../base-command.js';
import { backendFlags, commonFlags, inputFilesArg, outputFlags } from '../../flags.js';
import { splitList } from '../cat.js';

export default class GpuFeaturizeTransform extends BaseCommand {
  static override summary = 'Apply a fitted feature spec to a stream: one column per feature, or dense and categorical tensors.';
  static override description = `Reads the fitted file written by "gpu-featurize fit" and applies each feature to every row; each batch in gives one batch out, so it runs on an endless stream. The stream's columns must be those the spec was fitted on (names and types): any difference is exit 65, naming it.

--layout columns (default): one column per feature (float32 for dense features, int64 for codes, buckets and hashes; fixed_size_list for seq_pad and quantize). --layout tensor: one fixed_size_list<float32> column "dense" with every dense feature of a row and one fixed_size_list<int64> column "categorical" with every code, each one contiguous buffer; quantize features keep their own columns. The schema metadata key recdata.featurize lists each feature's column, offset, width and cardinality. Nulls are null in columns, NaN (dense) or -1 (codes) in tensors.

--keep passes input columns through (labels, ids). --training says the stream is the one fit saw, in the same order: target_encode then gives each row the statistics of the other folds (out of fold). difference_lag carries each group's last time from batch to batch, in stream order.

Backends: js (the TypeScript reference), native (C++ kernels, one call per batch, --threads batches at once), cuda (the GPU: each batch copied in once and out once), auto. Codes, buckets and hashes are identical on every backend; floats too (computed in float64, rounded once to float32, with the same log1p everywhere).`;
  static override examples = [
    { description: 'Features for training, with the label kept', command: '<%= config.bin %> gpu-featurize transform --spec fitted.json --keep user_id train.arrow > train_features.arrow' },
    { description: 'Tensors ready for a training framework, from a pipe', command: '<%= config.bin %> gen events --events 1000 --seed 7 | <%= config.bin %> gpu-featurize transform --spec fitted.json --layout tensor > batch.arrow' },
    { description: 'The same on the native kernels, with a report of quantization errors', command: '<%= config.bin %> gpu-featurize transform --spec fitted.json --backend native --report report.json train.arrow -o features.arrow' },
  ];
  static override args = { files: inputFilesArg };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    ...backendFlags,
    spec: Flags.string({ description: 'the fitted file written by gpu-featurize fit', required: true, helpValue: 'FITTED.json' }),
    layout: Flags.string({ description: 'one column per feature, or dense and categorical tensors', options: ['columns', 'tensor'], default: 'columns' }),
    keep: Flags.string({ description: 'input columns to pass through, first in the output', helpValue: 'a,b' }),
    training: Flags.boolean({ description: 'the stream is the fit stream, in order: target_encode gives out-of-fold statistics', default: false }),
    report: Flags.string({ description: 'write a JSON report (rows, quantize errors, difference_lag groups) to FILE', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(GpuFeaturizeTransform);
    this.verbose = flags.verbose;
    const layout = parseLayout(flags.layout);
    const threads = resolveThreads(flags.threads);
    const model = readFitted(flags.spec);
    const reader = await ArrowReader.open(argv as string[]);
    const { bound, states } = await bindFitted(model, reader.schema);
    const plan = planTransform(bound, states, {
      layout,
      keep: flags.keep !== undefined ? splitList(flags.keep) : [],
      training: flags.training,
      metadata: { fitted: flags.spec, spec_fingerprint: model.specFingerprint, schema_fingerprint: model.schemaFingerprint },
    });
    const { executor, notes } = openFeaturizeExecutor(flags.backend, plan, { threads });
    for (const n of notes) this.note(n);
    this.note(`backend ${executor.backend}: ${executor.description}`);
    try {
      widenStdioPipes();
      const stream = transformStream(reader, plan, executor, executor.backend === 'js' ? 1 : executor.backend === 'cuda' ? 3 : threads * 2);
      await writeBatchStream(stream, {
        file: flags.output,
        provenance: this.provenance({ spec: flags.spec, layout, keep: flags.keep ?? null, training: flags.training }),
        progress: this.progress(flags.progress),
      });
      for (const [name, q] of Object.entries(stream.report.quantize)) this.note(`${name}: quantize error mean ${q.mean_error} max ${q.max_error} over ${q.elements} values`);
      if (flags.report !== undefined) {
        try {
          fs.writeFileSync(flags.report, JSON.stringify({ backend: executor.backend, ...stream.report }, null, 2) + '\n');
        } catch (e) {
          throw errors.ioWrite(flags.report, (e as Error).message);
        }
      }
    } finally {
      await executor.close();
    }
  }
}

/** A 1 MiB pipe wakes each process 16 times less often (RECDATA_PIPE_SIZE=0 keeps the default). */
function widenStdioPipes(): void {
  const { addon } = loadNative();
  if (!addon || process.env.RECDATA_PIPE_SIZE === '0') return;
  for (const fd of [0, 1]) addon.setPipeSize(fd, 1 << 20);
}

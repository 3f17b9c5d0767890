import { Flags } from '@oclif/core';
import { ArrowReader, errors, writeBatchStream } from '@recdata/core';
import { Profiler, profileToStream, resolveTimeColumn, threadsFor, type EpochUnit, type PartitionUnit } from '@recdata/quality';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, inputFilesArg, outputFlags, threadsFlag } from '../../flags.js';
import { sketchFlags, splitColumns } from '../../quality-flags.js';

export default class QualityScanProfile extends BaseCommand {
  static override summary = 'Profile Arrow streams in one pass into a mergeable profile (Arrow IPC): counts, moments, quantile, distinct and top-value sketches.';
  static override description = `Reads the input once with bounded memory and writes one row per (partition, column): count, nulls, NaN, valid, min, max, mean, std (sample), p01..p99 (KLL), distinct (HyperLogLog++), m2 (for exact merging) and the serialised sketches (kll, hll, top: space-saving as JSON). Counts, nulls, NaN, min, max and moments merge exactly (moments up to floating-point rounding, by Chan's formula); quantiles, distinct counts and top values within the sketches' error (docs/drift-metrics.md).

--partition day (or month, year) keeps one profile per time partition of --ts-column (UTC); past --max-partitions it moves to the next coarser unit and says so under --verbose. The profile serves as a reference for quality-scan --reference and quality-scan drift, and merges with quality-scan merge.`;
  static override examples = [
    { description: 'A reference profile of last week', command: '<%= config.bin %> quality-scan profile week.arrow -o ref.profile.arrow' },
    { description: 'Per-day profiles, shown as a table', command: '<%= config.bin %> gen events --days 3 --events 30000 | <%= config.bin %> quality-scan profile --partition day | <%= config.bin %> export --format table --limit 6' },
    { description: 'MovieLens ratings (epoch seconds)', command: '<%= config.bin %> import --format csv ratings.csv | <%= config.bin %> quality-scan profile --partition year --ts-column timestamp --ts-unit s -o ratings.profile.arrow' },
  ];
  static override args = { files: inputFilesArg };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    partition: Flags.string({ description: 'keep one profile per time partition', options: ['none', 'day', 'month', 'year'], default: 'none' }),
    'ts-column': Flags.string({ description: 'the time column for --partition', default: 'ts', helpValue: 'NAME' }),
    'ts-unit': Flags.string({ description: 'unit of an integer or float epoch time column', options: ['s', 'ms', 'us', 'ns'], default: 'ms' }),
    'max-partitions': Flags.integer({ description: 'past this many partitions, coarser ones', default: 366, min: 1, max: 100000, helpValue: 'N' }),
    columns: Flags.string({ description: 'only these columns (default: all)', helpValue: 'a,b,c' }),
    threads: threadsFlag,
    ...sketchFlags,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(QualityScanProfile);
    this.verbose = flags.verbose;
    const reader = await ArrowReader.open(argv as string[]);
    const partition = flags.partition as PartitionUnit;
    const time = partition === 'none' ? null : resolveTimeColumn(reader.schema, flags['ts-column'], flags['ts-unit'] as EpochUnit);
    const columns = splitColumns('columns', flags.columns) ?? undefined;
    if (columns) for (const c of columns) if (!reader.schema.fields.some((f) => f.name === c)) throw errors.missingColumn(c, reader.schema.fields.map((f) => f.name));
    const sketch = { kllK: flags['kll-k'], hllP: flags['hll-p'], topCapacity: flags['top-capacity'] };
    const profiler = new Profiler(reader.schema, { ...sketch, partition, time, maxPartitions: flags['max-partitions'], columns, threads: threadsFor(argv as string[], flags.threads) });
    profiler.onCoarsen = (unit) => this.note(`more than ${flags['max-partitions']} partitions: partitioning by ${unit} instead`);
    const progress = this.progress(flags.progress);
    let profile;
    try {
      for await (const batch of reader) {
        await profiler.add(batch);
        progress.add(batch.numRows, 0);
      }
      profile = await profiler.finish();
    } finally {
      await profiler.close();
    }
    if (time) profile.meta['recdata.quality.time_column'] = time.name;
    const params = { partition: profile.unit, ts_column: time?.name ?? null, kll_k: sketch.kllK, hll_p: sketch.hllP, top_capacity: sketch.topCapacity, columns: columns ?? null };
    await writeBatchStream(profileToStream(profile), { file: flags.output, provenance: this.provenance(params) });
  }
}

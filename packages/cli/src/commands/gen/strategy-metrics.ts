import { Flags } from '@oclif/core';
import { AtomicFileSink, writeBatchStream } from '@recdata/core';
import { BROKEN_SRM_LOSS, formatDay, GEN_STRATEGY_DEFAULTS as D, generateStrategyMetrics, parseGenStrategyMetricsFlags, TRUE_CLASSES } from '@recdata/strategy';
import { BaseCommand } from '../../base-command.js';
import { batchSizeFlag, commonFlags, outputFlags } from '../../flags.js';

export default class GenStrategyMetrics extends BaseCommand {
  static override summary = 'Write daily strategy metrics drawn from known true effects (for strategy-audit), with the truth and a matching registry.';
  static override description = `Columns: strategy_id utf8, date date32, arm utf8 (treatment|control), metric utf8, n int64, sum float64, sum_sq float64, and for ratio metrics den_sum, den_sum_sq, num_den_sum float64 (null for plain means); docs/strategy-metrics.md has the format.

Strategy i has the true class ${TRUE_CLASSES.map((c, i) => `${i}: ${c}`).join(', ')} (i mod 5): +1.5%, 0, -2%, +4% halving every 14.6 days, and +1.5% with ${BROKEN_SRM_LOSS * 100}% of the treatment's units lost (a broken sample ratio). Its primary metric alternates every 5 strategies between watch_minutes (a mean) and ctr (clicks per impression, a ratio); the other metric is its guardrail, with no true effect. Assignment is 50/50, traffic about --units units per strategy per day with a weekday shape. Per-unit values are normal, and the daily aggregates are drawn exactly from their sampling distributions (sums normal, scatter chi-square or Wishart).

The output depends only on the flags. Each strategy draws from its own random stream, so adding strategies leaves the others unchanged. --truth FILE writes the true effects (JSON); --registry FILE writes a registry YAML for the generated strategies (rollout 0.5, margin 1%, guardrail margin 2%). Both are written before the stream starts, so a strategy-audit reading the stream from a pipe finds them.`;
  static override examples = [
    { description: 'Ten strategies over 90 days, with the truth and a registry', command: '<%= config.bin %> gen strategy-metrics --strategies 10 --days 90 --seed 1 --truth truth.json --registry strategies.yaml -o metrics.arrow' },
    { description: 'Two strategies for a week, shown as their schema', command: '<%= config.bin %> gen strategy-metrics --strategies 2 --days 7 | <%= config.bin %> cat --schema' },
    { description: 'The issue\u2019s example: fifty strategies', command: '<%= config.bin %> gen strategy-metrics --strategies 50 --days 90 --seed 1 --truth truth.json > m.arrow' },
  ];
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    strategies: Flags.string({ description: 'number of strategies', default: String(D.strategies), helpValue: 'N' }),
    days: Flags.string({ description: 'number of days', default: String(D.days), helpValue: 'D' }),
    start: Flags.string({ description: 'first day (YYYY-MM-DD)', default: D.start, helpValue: 'DATE' }),
    seed: Flags.string({ description: 'random seed (0 to 4294967295)', default: String(D.seed), helpValue: 'S' }),
    units: Flags.string({ description: 'eligible units (users) per strategy per day, both arms together, on average', default: String(D.units), helpValue: 'N' }),
    truth: Flags.string({ description: 'write the true effects of every strategy as JSON', helpValue: 'FILE' }),
    registry: Flags.string({ description: 'write a registry YAML for the generated strategies', helpValue: 'FILE' }),
    'batch-size': batchSizeFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(GenStrategyMetrics);
    this.verbose = flags.verbose;
    const options = parseGenStrategyMetricsFlags({ ...flags, batchSize: flags['batch-size'] });
    const params = { strategies: options.strategies, days: options.days, start: formatDay(options.start), seed: options.seed, units: options.units, batch_size: options.batchSize };
    const generated = generateStrategyMetrics(options);
    // The truth and the registry depend only on the flags, so they are complete before the
    // stream starts: `gen strategy-metrics --registry r.yaml | strategy-audit --registry r.yaml`
    // finds the registry as soon as the stream's first bytes arrive.
    const files: [string | undefined, string][] = [
      [flags.truth, JSON.stringify({ format: 'recdata.gen-strategy-metrics.truth/1', params, strategies: generated.truth }, null, 2) + '\n'],
      [flags.registry, generated.registryYaml],
    ];
    for (const [file, text] of files) {
      if (!file) continue;
      const sink = AtomicFileSink.create(file);
      try {
        await sink.write(Buffer.from(text));
        await sink.commit();
      } catch (e) {
        sink.abort();
        throw e;
      }
    }
    await writeBatchStream(generated.stream, { file: flags.output, provenance: this.provenance(params), progress: this.progress(flags.progress) });
  }
}

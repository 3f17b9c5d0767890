import { Flags } from '@oclif/core';
import { AtomicFileSink, errors, writeBatchStream } from '@recdata/core';
import {
  AUDIT_DEFAULTS,
  auditArrow,
  auditJson,
  auditTable,
  formatDay,
  gateFailure,
  openHistory,
  parseAuditFlags,
  recordRun,
  runAudit,
  type AuditReport,
} from '@recdata/strategy';
import { BaseCommand } from '../base-command.js';
import { commonFlags, outputFlags } from '../flags.js';

/**
 * `strategy-audit` is both a command (this file) and a topic (strategy-audit/history.ts).
 * oclif 4 allows that: it reads words as a command id while they name a command and stops
 * at the first flag, so `strategy-audit --registry ...` runs this command and
 * `strategy-audit history ...` the subcommand. It keeps working only while this command
 * takes no positional arguments: with arguments, oclif would stop at them and read
 * `history` as one.
 */
export default class StrategyAudit extends BaseCommand {
  static override summary = 'Audit recommendation strategies: effect and ROI with intervals, keep/graduate/review/retire, and the code that retiring one must remove.';
  static override description = `Reads a strategy registry (YAML) and daily metric aggregates per strategy and arm (an Arrow stream, docs/strategy-metrics.md) and decides, per strategy, from intervals rather than point estimates (docs/strategy-stats.md):
  retire    removal is shown harmless: the primary lift's upper bound is below the margin, or ROI's upper bound is below 0 (on valid data)
  graduate  the lift's lower bound is above 0 and the strategy has been at 100% (outside a holdout) for the whole window
  review    the data is invalid (sample-ratio mismatch, p < 0.001), a guardrail is breached, or the evidence is still insufficient past the review date
  keep      otherwise
"Not significant" alone never retires a strategy.

--refs DIR finds each strategy's keys and aliases (and their camelCase, snake_case, kebab-case... spellings) in DIR, respecting .gitignore and never following links, and tells flag reads and config keys from mentions. --patch FILE writes a unified diff that removes retired strategies (flag reads become false) and inlines graduated ones (true), simplifying the code around them; --write applies it in place.

--history DB appends the run to an SQLite history (see "strategy-audit history"). --gate exits 1 when any strategy is to be retired or a review is past due.`;
  static override examples = [
    {
      description: 'Decisions for generated metrics (the generator also writes a matching registry)',
      command: '<%= config.bin %> gen strategy-metrics --strategies 10 --registry strategies.yaml -o metrics.arrow && <%= config.bin %> strategy-audit --registry strategies.yaml --metrics metrics.arrow',
    },
    {
      description: 'The same as JSON, from a pipe',
      command: '<%= config.bin %> gen strategy-metrics --strategies 5 --registry s.yaml | <%= config.bin %> strategy-audit --registry s.yaml --json',
    },
    {
      description: 'Code references and a removal patch for the fixture service',
      command:
        '<%= config.bin %> gen strategy-metrics --strategies 6 --seed 3 -o m.arrow && <%= config.bin %> strategy-audit --registry fixtures/strategy/registry.yaml --metrics m.arrow --refs fixtures/strategy/ts --patch retire.diff',
    },
    { description: 'A CI gate that also keeps a trend', command: '<%= config.bin %> strategy-audit --registry strategies.yaml --metrics metrics.arrow --history audit.db --gate' },
  ];
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    registry: Flags.string({ description: 'strategy registry (YAML)', required: true, helpValue: 'FILE' }),
    metrics: Flags.string({ description: 'daily metric aggregates (Arrow stream or IPC file); - or absent reads stdin', helpValue: 'FILE', multiple: true }),
    window: Flags.string({ description: 'analysis window, ending on the as-of date: Nd or Nw', default: `${AUDIT_DEFAULTS.windowDays}d`, helpValue: 'DAYS' }),
    'as-of': Flags.string({ description: 'the day the audit looks back from (default: the last day in the metrics)', helpValue: 'YYYY-MM-DD' }),
    confidence: Flags.string({ description: 'confidence level of every interval', default: String(AUDIT_DEFAULTS.confidence), helpValue: 'LEVEL' }),
    'min-sample': Flags.integer({ description: 'units per arm in the window below which no effect is judged', default: AUDIT_DEFAULTS.minSample, min: 2 }),
    refs: Flags.string({ description: 'find the strategies\u2019 keys and aliases in this folder (code, YAML, JSON, text)', helpValue: 'DIR' }),
    patch: Flags.string({ description: 'write the removal patch (unified diff) for retired and graduated strategies', helpValue: 'FILE', dependsOn: ['refs'] }),
    write: Flags.boolean({ description: 'apply the removal patch in place under --refs (never outside it)', dependsOn: ['refs'] }),
    json: Flags.boolean({ description: 'JSON output (same as --format json)', exclusive: ['format'] }),
    format: Flags.string({ description: 'output format (default table)', options: ['table', 'json', 'arrow'], exclusive: ['json'] }),
    history: Flags.string({ description: 'append this run to an SQLite history', helpValue: 'DB' }),
    gate: Flags.boolean({ description: 'exit 1 when any strategy is to be retired or a review is past due', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StrategyAudit);
    this.verbose = flags.verbose;
    const { windowDays, confidence, asOf } = parseAuditFlags({ window: flags.window, confidence: flags.confidence, asOf: flags['as-of'] });
    const format = flags.json ? 'json' : (flags.format ?? 'table');

    const report = await runAudit({
      registryFile: flags.registry,
      metricsFiles: flags.metrics ?? [],
      windowDays,
      confidence,
      minSample: flags['min-sample'],
      asOf,
      refsDir: flags.refs,
      patch: flags.patch !== undefined,
      write: flags.write === true,
    });
    for (const w of report.result.warnings) process.stderr.write(`recdata ${this.commandName}: warning: ${w}\n`);
    for (const s of report.refs?.tree.skipped ?? []) this.note(`skipped ${s.path}: ${s.why}`);
    if (report.refs) this.note(`searched ${report.refs.tree.files.length} files (${report.refs.parsed.code} code, ${report.refs.parsed.config} config, ${report.refs.parsed.text} text)`);

    if (flags.patch !== undefined && report.patch) {
      const sink = AtomicFileSink.create(flags.patch);
      try {
        await sink.write(Buffer.from(report.patch.diff || '# recdata strategy-audit: no strategy to retire or graduate has code or config to change\n'));
        await sink.commit();
      } catch (e) {
        sink.abort();
        throw e;
      }
      this.note(`wrote ${flags.patch}: ${report.patch.files.length} files`);
    }
    if (flags.write && report.patch) this.note(`patched ${report.patch.files.length} files in place under ${flags.refs}`);
    const params = {
      registry: flags.registry,
      metrics: flags.metrics ?? ['-'],
      window: `${windowDays}d`,
      as_of: formatDay(report.result.asOf),
      confidence,
      min_sample: flags['min-sample'],
      refs: flags.refs ?? null,
    };
    if (flags.history !== undefined) {
      const db = openHistory(flags.history, true);
      try {
        recordRun(db, report, params);
      } finally {
        db.close();
      }
    }
    await this.emit(report, format, flags.output, params, flags.patch, flags.progress);
    if (flags.gate) {
      const failure = gateFailure(report);
      if (failure) throw errors.gateFailed(failure);
    }
  }

  private async emit(report: AuditReport, format: string, output: string | undefined, params: Record<string, unknown>, patchFile: string | undefined, progress: boolean | undefined): Promise<void> {
    if (format === 'arrow') {
      await writeBatchStream(auditArrow(report), { file: output, provenance: this.provenance(params), progress: this.progress(progress) });
      return;
    }
    const text = format === 'json' ? auditJson(report, patchFile) : auditTable(report, patchFile);
    if (output === undefined || output === '-') {
      this.out(text);
      return;
    }
    const sink = AtomicFileSink.create(output);
    try {
      await sink.write(Buffer.from(text));
      await sink.commit();
    } catch (e) {
      sink.abort();
      throw e;
    }
  }
}

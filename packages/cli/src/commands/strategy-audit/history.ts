import { Flags } from '@oclif/core';
import { AtomicFileSink, writeBatchStream } from '@recdata/core';
import { historyArrow, historyJson, historyTable, openHistory, readHistory } from '@recdata/strategy';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, outputFlags } from '../../flags.js';

export default class StrategyAuditHistory extends BaseCommand {
  static override summary = 'Show the trend that strategy-audit --history recorded: one row per run and strategy.';
  static override description = `Each strategy-audit run with --history DB appends its decisions, lifts (with intervals), ROI, staleness and decay to DB. This shows them oldest first, then how many runs in a row each strategy has held its latest decision.`;
  static override examples = [
    {
      description: 'Record two runs, then show one strategy\u2019s trend',
      command:
        '<%= config.bin %> gen strategy-metrics --strategies 5 --registry s.yaml -o m.arrow && <%= config.bin %> strategy-audit --registry s.yaml --metrics m.arrow --history audit.db --as-of 2026-08-01 && <%= config.bin %> strategy-audit --registry s.yaml --metrics m.arrow --history audit.db && <%= config.bin %> strategy-audit history --history audit.db --strategy boost_fresh_videos',
    },
    { description: 'The last 10 runs of every strategy, as JSON', command: '<%= config.bin %> strategy-audit history --history audit.db --limit 10 --json' },
  ];
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    history: Flags.string({ description: 'the SQLite history that strategy-audit --history wrote', required: true, helpValue: 'DB' }),
    strategy: Flags.string({ description: 'only this strategy', helpValue: 'ID' }),
    limit: Flags.integer({ description: 'only the last N runs', min: 1 }),
    json: Flags.boolean({ description: 'JSON output (same as --format json)', exclusive: ['format'] }),
    format: Flags.string({ description: 'output format (default table)', options: ['table', 'json', 'arrow'], exclusive: ['json'] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StrategyAuditHistory);
    this.verbose = flags.verbose;
    const db = openHistory(flags.history, false);
    let rows;
    try {
      rows = readHistory(db, flags.strategy, flags.limit);
    } finally {
      db.close();
    }
    const format = flags.json ? 'json' : (flags.format ?? 'table');
    if (format === 'arrow') {
      await writeBatchStream(historyArrow(rows), {
        file: flags.output,
        provenance: this.provenance({ history: flags.history, strategy: flags.strategy ?? null, limit: flags.limit ?? null }),
        progress: this.progress(flags.progress),
      });
      return;
    }
    const text = format === 'json' ? historyJson(rows) : historyTable(rows);
    if (flags.output === undefined || flags.output === '-') {
      this.out(text);
      return;
    }
    const sink = AtomicFileSink.create(flags.output);
    try {
      await sink.write(Buffer.from(text));
      await sink.commit();
    } catch (e) {
      sink.abort();
      throw e;
    }
  }
}

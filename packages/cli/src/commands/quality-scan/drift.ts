import { Flags } from '@oclif/core';
import { errors } from '@recdata/core';
import { compareDrift, DRIFT_METHODS, parseInstant, threadsFor, writeReport, type DriftMethod, type ReportFormat } from '@recdata/quality';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, memoryLimitFlag, outputFlag, threadsFlag } from '../../flags.js';
import { parseNowFlag, parseSize, reportFormatFlags, sketchFlags, splitColumns } from '../../quality-flags.js';

export default class QualityScanDrift extends BaseCommand {
  static override summary = 'Drift of columns between a reference and a current stream or profile, by a named metric.';
  static override description = `Compares each column (--columns, default every numeric or categorical column both sides have) of --current against --reference; each side is a data stream or a profile. Methods (docs/drift-metrics.md has each exact definition): psi (Evidently's empty-bin rule), js_distance (SciPy's jensenshannon, natural log), js_divergence (log base 2, as TFDV), linf, kl (current relative to reference), ks (statistic and SciPy's asymptotic two-sided p-value), wasserstein_norm (W1 / reference std, as Evidently), chi2 (p-value), z (binary), auto (Evidently's choice). Numeric bins are the reference's quantile bins (--bins, default 10; outer bins open); categories are the union of both sides'.

Distances flag drift at value >= threshold; p-values (ks, chi2, z) at value < threshold. Default thresholds: 0.1 for distances, 0.05 for p-values. A current data stream is counted exactly in the reference's bins; a reference data file is read twice for exact bin counts; profiles answer through their sketches (within their error). The report is a quality-scan report (one drift check per column): text, --json, junit, arrow or html; --gate exits 1 when drift is found.`;
  static override examples = [
    { description: 'PSI of two columns, as JSON', command: '<%= config.bin %> quality-scan drift --reference ref.arrow --current cur.arrow --columns price,category --method psi --json' },
    { description: 'Against a reference profile, the method chosen as Evidently does', command: '<%= config.bin %> quality-scan drift --reference ref.profile.arrow --current today.arrow --method auto' },
  ];
  static override flags = {
    ...commonFlags,
    output: outputFlag,
    reference: Flags.string({ char: 'r', description: 'the reference: a data stream or a profile', required: true, helpValue: 'FILE' }),
    current: Flags.string({ description: 'the current side: a data stream (- for stdin) or a profile', required: true, helpValue: 'FILE' }),
    columns: Flags.string({ description: 'columns to compare', helpValue: 'a,b,c' }),
    method: Flags.string({ char: 'm', description: 'drift metric', options: [...DRIFT_METHODS], default: 'auto' }),
    threshold: Flags.string({ description: 'drift threshold (default: 0.1 for distances, 0.05 for p-values)', helpValue: 'X' }),
    bins: Flags.integer({ description: 'quantile bins for numeric columns', default: 10, min: 2, max: 1000, helpValue: 'N' }),
    severity: Flags.string({ description: 'severity of drift (error: fails --gate)', options: ['error', 'warn'], default: 'error' }),
    now: Flags.string({ description: 'the report\'s "now" (ISO 8601 or epoch ms)', helpValue: 'TIME' }),
    ...reportFormatFlags,
    threads: threadsFlag,
    ...sketchFlags,
    'memory-limit': memoryLimitFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(QualityScanDrift);
    this.verbose = flags.verbose;
    let threshold: number | undefined;
    if (flags.threshold !== undefined) {
      threshold = Number(flags.threshold);
      if (!(Number.isFinite(threshold) && threshold >= 0)) throw errors.badFlagValue('threshold', 'a number >= 0', flags.threshold);
    }
    const format: ReportFormat = flags.json ? 'json' : ((flags.format ?? 'text') as ReportFormat);
    const nowMs = parseNowFlag(flags.now, parseInstant) ?? Date.now();
    const report = await compareDrift({
      reference: flags.reference,
      current: flags.current,
      columns: splitColumns('columns', flags.columns),
      method: flags.method as DriftMethod,
      threshold,
      bins: flags.bins,
      severity: flags.severity as 'error' | 'warn',
      sketch: { kllK: flags['kll-k'], hllP: flags['hll-p'], topCapacity: flags['top-capacity'] },
      nowMs,
      memoryLimit: parseSize('memory-limit', flags['memory-limit']),
      threads: threadsFor([flags.reference, flags.current], flags.threads),
    });
    const provenance = this.provenance({ reference: flags.reference, current: flags.current, method: flags.method, threshold: threshold ?? null, bins: flags.bins });
    await writeReport(report, format, flags.output, provenance, `quality-scan drift: ${flags.current} against ${flags.reference}`);
    if (flags.gate && report.summary.failed > 0) {
      const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.column);
      throw errors.gateFailed(`gate failed: drift in ${failed.length} column${failed.length === 1 ? '' : 's'}: ${failed.join(', ')}`);
    }
  }
}

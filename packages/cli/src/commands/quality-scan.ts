import fs from 'node:fs';
import { Flags } from '@oclif/core';
import { ArrowReader, errors, openError } from '@recdata/core';
import { defaultChecks, FlaggedRowsWriter, parseChecks, parseInstant, scan, threadsFor, writeReport, type ChecksFile, type ReportFormat } from '@recdata/quality';
import { BaseCommand } from '../base-command.js';
import { commonFlags, inputFilesArg, memoryLimitFlag, outputFlag, threadsFlag } from '../flags.js';
import { parseNowFlag, parseSize, reportFormatFlags, roleFlags, rolesFrom, sketchFlags } from '../quality-flags.js';

export default class QualityScan extends BaseCommand {
  static override summary = 'Data-quality checks, temporal checks, drift and training-serving skew in one pass, with a CI gate and text, JSON, JUnit, Arrow or HTML reports.';
  static override description = `Reads Arrow streams (files or stdin) once: profiles every column (count, nulls, NaN, min, max, mean, std, KLL quantiles, HyperLogLog++ distinct counts, space-saving top values) per time partition, and runs the checks of --checks FILE (YAML; docs/quality-checks.md), or the default checks without it: at least one row, user/ts not null, and the temporal checks of behaviour sequences per user (timestamps more than a day in the future, duplicate events, out-of-order events, bursts of more than 49 events within 10 s); name the columns with --user-column, --ts-column, ... when they are not user_id, item_id, ts, action.

Check kinds: not_null, null_rate_max, range, allowed_values, unique, regex, type, row_count, freshness; out_of_order, future_ts, duplicates, burst, impossible_values (per user, state O(users)); modality_alignment (cosine of two fixed_size_list<float> embeddings); drift against --reference (a profile from "quality-scan profile", or a data stream): psi, js_distance, js_divergence, linf, kl, ks, wasserstein_norm, chi2, z, auto (docs/drift-metrics.md gives each exact definition). With --serving FILE --join-key K: training-serving skew (per-feature mismatch rates, rows on one side only).

The report goes to stdout or -o FILE: text (failing checks first), json ({summary, checks, input}), junit, arrow (one row per check) or html (one self-contained file with heatmaps of drift and null rate per column and day). Exit 0 with the report; with --gate, exit 1 when a check of severity error fails. Bad checks (unknown kind, a column the input lacks): exit 2 with the checks file's line. A reference or serving file whose column types differ: 65. An empty input gives a report that says so.

Subcommands: quality-scan profile (write a mergeable profile), quality-scan merge (merge profiles), quality-scan drift (compare two streams or profiles).`;
  static override examples = [
    { description: 'Default checks on a generated week, failing checks first', command: '<%= config.bin %> gen events --days 7 --events 100000 --anomalies default | <%= config.bin %> quality-scan --now 2026-11-09T00:00:00Z' },
    { description: 'A CI gate with a JUnit report', command: '<%= config.bin %> quality-scan --checks checks.yaml --reference ref.profile.arrow --gate today.arrow --format junit -o quality.xml' },
    { description: 'An HTML report with heatmaps', command: '<%= config.bin %> quality-scan --checks checks.yaml today.arrow --format html -o report.html' },
    { description: 'Training-serving skew as JSON', command: '<%= config.bin %> quality-scan --serving serving.arrow --join-key request_id training.arrow --json' },
  ];
  static override args = { files: inputFilesArg };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    output: outputFlag,
    checks: Flags.string({ char: 'c', description: 'the checks file (YAML); default checks without it', helpValue: 'FILE' }),
    reference: Flags.string({ char: 'r', description: 'reference for drift checks: a profile (quality-scan profile) or a data stream; without drift checks in the file, every shared column gets an auto drift check (warn)', helpValue: 'FILE' }),
    serving: Flags.string({ description: 'serving-side rows for training-serving skew (needs --join-key)', helpValue: 'FILE', dependsOn: ['join-key'] }),
    'join-key': Flags.string({ description: 'column joining the input with --serving rows', helpValue: 'COLUMN', dependsOn: ['serving'] }),
    ...reportFormatFlags,
    now: Flags.string({ description: '"now" for freshness and future_ts: ISO 8601 or epoch ms (default: the checks file\'s "now", else the clock)', helpValue: 'TIME' }),
    partition: Flags.string({ description: 'time partitions of the profile and heatmaps (auto: day when the input has the time column)', options: ['auto', 'day', 'month', 'year', 'none'], default: 'auto' }),
    'max-partitions': Flags.integer({ description: 'past this many partitions, coarser ones (day, then month, then year)', default: 62, min: 1, max: 100000, helpValue: 'N' }),
    flagged: Flags.string({ description: 'also write every flagged row (row, check, detail) as an Arrow stream to FILE', helpValue: 'FILE' }),
    worst: Flags.integer({ description: 'worst rows kept per check for the report', default: 10, min: 0, max: 10000, helpValue: 'N' }),
    ...roleFlags,
    threads: threadsFlag,
    ...sketchFlags,
    'memory-limit': memoryLimitFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(QualityScan);
    this.verbose = flags.verbose;
    const files = argv as string[];
    const format: ReportFormat = flags.json ? 'json' : ((flags.format ?? 'text') as ReportFormat);
    const memoryLimit = parseSize('memory-limit', flags['memory-limit']);
    let flagNow = parseNowFlag(flags.now, parseInstant);
    const input = await ArrowReader.open(files);
    const roles = rolesFrom(flags);
    let checks: ChecksFile;
    if (flags.checks) {
      let text: string;
      try {
        text = fs.readFileSync(flags.checks, 'utf8');
      } catch (e) {
        throw openError(flags.checks, e);
      }
      checks = parseChecks(text, flags.checks);
      Object.assign(checks.roles, roles);
      for (const role of Object.keys(roles)) checks.rolesGiven[role as keyof ChecksFile['roles']] = true;
    } else {
      checks = defaultChecks(input.schema, roles as never);
    }
    flagNow ??= checks.nowMs;
    const nowMs = flagNow ?? Date.now();
    const provenance = this.provenance({ checks: flags.checks ?? null, reference: flags.reference ?? null, serving: flags.serving ?? null, format, now: new Date(nowMs).toISOString() });
    const flagged = flags.flagged ? await FlaggedRowsWriter.open(flags.flagged, this.provenance({ checks: flags.checks ?? null, now: new Date(nowMs).toISOString() })) : null;
    let report;
    try {
      report = await scan(input, {
        checks,
        nowMs,
        partition: flags.partition as 'auto',
        maxPartitions: flags['max-partitions'],
        sketch: { kllK: flags['kll-k'], hllP: flags['hll-p'], topCapacity: flags['top-capacity'] },
        memoryLimit,
        threads: threadsFor(files, flags.threads),
        worstLimit: flags.worst,
        reference: flags.reference ?? null,
        serving: flags.serving ? { file: flags.serving, joinKey: flags['join-key']! } : null,
        flagged,
        inputNames: input.inputNames,
        notice: (m) => this.note(m),
      });
      await flagged?.close();
    } catch (e) {
      flagged?.abort();
      throw e;
    }
    await writeReport(report, format, flags.output, provenance, `quality-scan: ${input.inputNames.join(', ')}`);
    this.note(`${report.summary.checks} checks: ${report.summary.passed} passed, ${report.summary.failed} failed, ${report.summary.warned} warned`);
    if (flags.gate && report.summary.failed > 0) {
      const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
      throw errors.gateFailed(`gate failed: ${failed.length} check${failed.length === 1 ? '' : 's'} of severity error failed: ${failed.slice(0, 10).join(', ')}${failed.length > 10 ? ', ...' : ''}`);
    }
  }
}


import { Float64, Schema, Utf8, type Data } from 'apache-arrow';
import { batchStream, column, field, makeBatch, utf8Column, type BatchStream } from '@recdata/core';
import type { CheckResult } from '../checks/result.js';
import type { ScanReport } from '../scan.js';
import { shortDetail, formatValue } from './text.js';

/** JSON with non-finite numbers as strings ("Infinity", "NaN"), which JSON cannot hold. */
export function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' ? v.toString() : v)));
}

/** The issue's JSON shape: {summary: {checks, passed, failed, warned}, checks: [{id, kind, column, metric, value, threshold, status, detail}]}, plus `input`. */
export function jsonReport(report: ScanReport): string {
  const out = {
    summary: report.summary,
    checks: report.checks.map((c) => ({ id: c.id, kind: c.kind, column: c.column, metric: c.metric, value: c.value, threshold: c.threshold, status: c.status, detail: c.detail })),
    input: report.input,
  };
  return JSON.stringify(jsonSafe(out), null, 2) + '\n';
}

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/**
 * JUnit XML: one testcase per check (classname quality-scan.KIND, name = id).
 * Failed error-severity checks are <failure> with the detail as JSON; failed
 * warn-severity checks pass with a WARNING in <system-out>; skipped checks are
 * <skipped>. No timestamps: the same report gives the same bytes.
 */
export function junitReport(report: ScanReport): string {
  const s = report.summary;
  const skipped = report.checks.filter((c) => c.status === 'skip').length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="quality-scan" tests="${s.checks}" failures="${s.failed}" errors="0" skipped="${skipped}">`);
  lines.push(`  <testsuite name="quality-scan${report.input.files.length ? ` ${xml(report.input.files.join(' '))}` : ''}" tests="${s.checks}" failures="${s.failed}" errors="0" skipped="${skipped}">`);
  lines.push(`    <properties><property name="rows" value="${report.input.rows}"/><property name="now" value="${xml(report.input.now)}"/>${report.input.reference ? `<property name="reference" value="${xml(report.input.reference)}"/>` : ''}</properties>`);
  for (const c of report.checks) {
    const head = `    <testcase classname="quality-scan.${xml(c.kind)}" name="${xml(c.id)}"`;
    const message = `${c.column ? `${c.column}: ` : ''}${c.metric} = ${formatValue(c.value)}${c.threshold === null ? '' : ` (threshold ${formatValue(c.threshold)})`}${shortDetail(c) ? `; ${shortDetail(c)}` : ''}`;
    const detail = JSON.stringify(jsonSafe(c.detail), null, 2);
    if (c.status === 'pass') lines.push(`${head}/>`);
    else if (c.status === 'fail') lines.push(`${head}>\n      <failure type="${xml(c.kind)}" message="${xml(message)}">${xml(detail)}</failure>\n    </testcase>`);
    else if (c.status === 'warn') lines.push(`${head}>\n      <system-out>${xml(`WARNING (severity warn): ${message}\n${detail}`)}</system-out>\n    </testcase>`);
    else lines.push(`${head}>\n      <skipped message="${xml(message)}"/>\n    </testcase>`);
  }
  lines.push('  </testsuite>');
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

/** One row per check: id, kind, column, metric, value (number), value_text, threshold (JSON), status, severity, detail (JSON). */
export function arrowReport(report: ScanReport): BatchStream {
  const schema = new Schema(
    [
      field('id', new Utf8(), false),
      field('kind', new Utf8(), false),
      field('column', new Utf8()),
      field('metric', new Utf8(), false),
      field('value', new Float64()),
      field('value_text', new Utf8()),
      field('threshold', new Utf8()),
      field('status', new Utf8(), false),
      field('severity', new Utf8(), false),
      field('detail', new Utf8(), false),
    ],
    new Map([
      ['recdata.quality.summary', JSON.stringify(report.summary)],
      ['recdata.quality.input', JSON.stringify(jsonSafe(report.input))],
    ]),
  );
  const checks: CheckResult[] = report.checks;
  const numbers = new Float64Array(checks.length);
  const validity = new Uint8Array((checks.length + 7) >> 3);
  checks.forEach((c, i) => {
    if (typeof c.value === 'number') {
      numbers[i] = c.value;
      validity[i >> 3] |= 1 << (i & 7);
    }
  });
  const cols: Data[] = [
    utf8Column(checks.map((c) => c.id)),
    utf8Column(checks.map((c) => c.kind)),
    utf8Column(checks.map((c) => c.column)),
    utf8Column(checks.map((c) => c.metric)),
    column.float64(numbers, validity),
    utf8Column(checks.map((c) => (c.value === null ? null : typeof c.value === 'number' ? formatValue(c.value) : String(c.value)))),
    utf8Column(checks.map((c) => (c.threshold === null ? null : JSON.stringify(jsonSafe(c.threshold))))),
    utf8Column(checks.map((c) => c.status)),
    utf8Column(checks.map((c) => c.severity)),
    utf8Column(checks.map((c) => JSON.stringify(jsonSafe(c.detail)))),
  ];
  return batchStream(schema, [makeBatch(schema, cols, checks.length)]);
}

import { ArrowReader, errors } from '@recdata/core';
import { bindDriftCheck, DEFAULT_BINS } from './checks/drift-check.js';
import type { CheckResult } from './checks/result.js';
import type { FinishContext } from './checks/runner.js';
import { DEFAULT_SKEW, DEFAULT_ROLES, type CheckSpec, type ChecksFile, type Severity } from './checks/spec.js';
import { isoOf } from './checks/temporal.js';
import type { DriftMethod } from './drift/metrics.js';
import type { SketchOptions } from './profile/column-profile.js';
import { isProfileSchema, profileFromStream } from './profile/profile-io.js';
import { loadReference, scan, summarize, type ScanReport } from './scan.js';

export interface DriftCompareOptions {
  reference: string;
  current: string;
  /** Columns to compare (default: every numeric or categorical column both sides have). */
  columns: string[] | null;
  method: DriftMethod;
  threshold?: number;
  bins?: number;
  severity: Severity;
  sketch: SketchOptions;
  nowMs: number;
  memoryLimit: number;
  threads?: number;
}

/**
 * `quality-scan drift`: one drift check per column between a reference and a
 * current side, each a data stream or a profile. A current data stream is read
 * once (exact bin counts); a current profile is compared through its sketches.
 */
export async function compareDrift(o: DriftCompareOptions): Promise<ScanReport> {
  const reference = await loadReference(o.reference, { sketch: o.sketch, threads: o.threads });
  const reader = await ArrowReader.open([o.current]);
  const currentIsProfile = isProfileSchema(reader.schema);
  const currentProfile = currentIsProfile ? await profileFromStream(reader, o.current) : null;
  const currentColumns = currentProfile ? currentProfile.columns.map((c) => ({ name: c.name, kind: c.kind, type: c.type })) : reader.schema.fields.map((f) => ({ name: f.name, kind: null, type: '' }));
  const names = o.columns ?? currentColumns.filter((c) => reference.whole.has(c.name) && reference.whole.get(c.name)!.kind !== 'other').map((c) => c.name);
  for (const n of names) {
    if (!currentColumns.some((c) => c.name === n)) throw errors.missingColumn(n, currentColumns.map((c) => c.name));
    if (!reference.whole.has(n)) throw errors.badInput(`missing column "${n}" in the reference ${o.reference}; it has: ${[...reference.whole.keys()].join(', ')}`, { column: n });
  }
  if (names.length === 0) throw errors.usage('no column to compare: the reference and the current side share no numeric or categorical column');
  const specs: CheckSpec[] = names.map((column) => ({ id: `drift:${column}`, kind: 'drift', severity: o.severity, file: null, line: null, keyLines: {}, column, method: o.method, threshold: o.threshold, bins: o.bins ?? DEFAULT_BINS }));
  const checksFile: ChecksFile = { file: null, roles: { ...DEFAULT_ROLES }, rolesGiven: {}, nowMs: o.nowMs, checks: specs, skew: { ...DEFAULT_SKEW } };

  if (!currentProfile) {
    return scan(reader, {
      checks: checksFile,
      nowMs: o.nowMs,
      partition: 'none',
      maxPartitions: 1,
      sketch: o.sketch,
      memoryLimit: o.memoryLimit,
      threads: o.threads,
      worstLimit: 10,
      reference,
      serving: null,
      flagged: null,
      inputNames: [o.current],
    });
  }

  // Both sides are profiles: compare the sketches.
  for (const c of currentProfile.columns) {
    const r = reference.whole.get(c.name);
    if (r && r.type !== c.type) throw errors.schemaMismatch(`column "${c.name}" is ${r.type} in the reference ${reference.source} but ${c.type} in ${o.current}`, { column: c.name });
  }
  const wholeColumns = currentProfile.whole();
  const whole = new Map(wholeColumns.map((c) => [c.name, c]));
  const fakeSchema = { fields: currentProfile.columns.map((c) => ({ name: c.name })) } as unknown as Parameters<typeof bindDriftCheck>[1];
  const ctx: FinishContext = { rows: currentProfile.rows, profile: currentProfile, whole, nowMs: o.nowMs, worstLimit: 10 };
  const checks: CheckResult[] = [];
  for (const spec of specs) {
    const runner = bindDriftCheck(spec, fakeSchema, reference);
    runner.currentFromSketch = true;
    checks.push(...runner.finish(ctx));
  }
  return {
    summary: summarize(checks),
    checks,
    input: {
      files: [o.current],
      rows: currentProfile.rows,
      empty: currentProfile.rows === 0,
      columns: currentProfile.columns.map((c) => ({ name: c.name, type: c.type })),
      partition: currentProfile.unit,
      partitions: currentProfile.keys().map((k) => currentProfile.label(k)),
      now: isoOf(o.nowMs),
      reference: reference.source,
      serving: null,
      checks_file: null,
    },
    profile: wholeColumns.map((c) => c.summary()),
    heatmaps: { nullRate: null, drift: null },
  };
}

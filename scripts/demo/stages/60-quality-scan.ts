import fs from 'node:fs';
import path from 'node:path';
import { sh, size, type DemoStage } from '../stage.ts';

const CHECKS = `checks:
  - { id: rows, kind: row_count, min: 1 }
  - { id: users, kind: not_null, column: user_id }
  - { id: items, kind: null_rate_max, column: item_id, max: 0.001, severity: warn }
  - { id: actions, kind: allowed_values, column: action, values: [impression, click, play, finish, like, share, comment, follow] }
  - { id: watch-time, kind: range, column: duration_ms, min: 0, max: 600000 }
  - { id: clock-ahead, kind: future_ts, skew: 1d }
  - { id: late, kind: out_of_order, severity: warn }
  - { id: retries, kind: duplicates }
  - { id: bots, kind: burst, max_events: 49, window: 10s }
  - { id: watch-drift, kind: drift, column: duration_ms, method: psi, threshold: 0.2 }
  - { id: action-mix, kind: drift, column: action, method: js_distance }
`;

/**
 * A week of events as the reference profile (per day), then a new day with
 * defects checked against it: JUnit for CI, HTML for people, JSON for scripts.
 */
const stage: DemoStage = {
  name: 'quality-scan (profile, checks, drift, reports)',
  run(ctx) {
    const out = (name: string) => path.join(ctx.out, name);
    fs.writeFileSync(out('checks.yaml'), CHECKS);
    const day = Math.max(1000, Math.round(ctx.events / 7));
    sh(ctx, `quality-scan profile --partition day "${ctx.files.events}" -o "${out('week.profile.arrow')}"`);
    sh(ctx, `recdata gen events --events ${day} --users ${Math.max(100, Math.round(ctx.events / 100))} --days 1 --start 2026-11-08 --seed 2 --anomalies default -o "${out('today.arrow')}"`);
    const scan = `quality-scan --checks "${out('checks.yaml')}" --reference "${out('week.profile.arrow')}" --now 2026-11-09T00:00:00Z "${out('today.arrow')}"`;
    sh(ctx, `${scan} --format html -o "${out('quality-report.html')}"`);
    sh(ctx, `${scan} --format junit -o "${out('quality.xml')}"`);
    const report = JSON.parse(sh(ctx, `${scan} --json`)) as { summary: { checks: number; passed: number; failed: number; warned: number } };
    const s = report.summary;
    ctx.files.qualityReport = out('quality-report.html');
    return { rows: day, bytes: size(out('quality-report.html')), note: `${s.checks} checks: ${s.passed} passed, ${s.failed} failed, ${s.warned} warned; quality-report.html, quality.xml` };
  },
};
export default stage;

import fs from 'node:fs';
import path from 'node:path';
import { countRows, sh, size, type DemoStage } from '../stage.ts';

const stage: DemoStage = {
  name: 'strategy-audit',
  async run(ctx) {
    const metrics = path.join(ctx.out, 'strategy-metrics.arrow');
    const registry = path.join(ctx.out, 'strategies.yaml');
    // 50 strategies with known true effects, audited: decisions with intervals, history, gate.
    sh(ctx, `recdata gen strategy-metrics --strategies 50 --days 90 --seed 1 --truth strategy-truth.json --registry "${registry}" -o "${metrics}"`);
    sh(ctx, `strategy-audit --registry "${registry}" --metrics "${metrics}" --history audit.db -o decisions.txt`);
    const doc = JSON.parse(sh(ctx, `strategy-audit --registry "${registry}" --metrics "${metrics}" --json`)) as { strategies: { id: string; decision: string }[] };
    const truth = JSON.parse(fs.readFileSync(path.join(ctx.out, 'strategy-truth.json'), 'utf8')) as { strategies: { id: string; ideal_decision: string }[] };
    const agree = doc.strategies.filter((s, i) => s.decision === truth.strategies[i].ideal_decision).length;
    const counts = new Map<string, number>();
    for (const s of doc.strategies) counts.set(s.decision, (counts.get(s.decision) ?? 0) + 1);
    // The fixture service: which code and config retiring or graduating its strategies removes.
    const service = path.join(ctx.out, 'service');
    fs.rmSync(service, { recursive: true, force: true });
    fs.cpSync(path.join(ctx.root, 'fixtures', 'strategy', 'ts'), service, { recursive: true });
    sh(ctx, 'recdata gen strategy-metrics --strategies 6 --seed 3 -o service-metrics.arrow');
    sh(ctx, `strategy-audit --registry "${path.join(ctx.root, 'fixtures', 'strategy', 'registry.yaml')}" --metrics service-metrics.arrow --refs service --patch retire.diff -o service-decisions.txt`);
    const files = (fs.readFileSync(path.join(ctx.out, 'retire.diff'), 'utf8').match(/^diff --git /gm) ?? []).length;
    const gate = sh(ctx, `strategy-audit --registry "${registry}" --metrics "${metrics}" --gate > /dev/null 2>gate.txt || echo $?`).trim();
    return {
      rows: await countRows(metrics),
      bytes: size(metrics),
      note: `${[...counts].map(([d, n]) => `${n} ${d}`).join(', ')} (${agree}/50 as the truth says); retire.diff: ${files} files; --gate exit ${gate || 0}`,
    };
  },
};
export default stage;

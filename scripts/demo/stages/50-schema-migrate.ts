import path from 'node:path';
import { countRows, sh, size, type DemoStage } from '../stage.ts';

const stage: DemoStage = {
  name: 'schema-migrate (register, check, replay v1 data as v2)',
  async run(ctx) {
    const fixtures = path.join(ctx.root, 'fixtures', 'schema');
    const v1 = path.join(fixtures, 'demo', 'watch_events_v1.proto');
    const v2 = path.join(fixtures, 'demo', 'watch_events_v2.proto');
    const feast = ['v1', 'v2', 'v3'].map((v) => `"${path.join(fixtures, 'rules', 'feast_reuse', `${v}.proto`)}"`).join(' ');
    const registry = path.join(ctx.out, 'schema.db');
    const written = path.join(ctx.out, 'watch.v1.arrow');
    const replayed = path.join(ctx.out, 'watch.v2.arrow');
    // Data written under v1: a slice of the log, stamped with v1's field ids and fingerprint.
    sh(ctx, `recdata cat --select user_id,item_id,action,duration_ms,device "${ctx.files.events}" | schema-migrate apply --from "${v1}" --to "${v1}" -o "${written}"`);
    sh(ctx, `rm -f "${registry}"; schema-migrate register --registry "${registry}" --subject watch_events "${v1}"; schema-migrate register --registry "${registry}" --subject watch_events "${v2}"`);
    sh(ctx, `schema-migrate diff "${v1}" "${v2}" > "${path.join(ctx.out, 'watch.v1-v2.diff.txt')}"`);
    // The Feast case (a number deleted, then re-added with another type) is refused: exit 1.
    const feastReport = sh(ctx, `schema-migrate check ${feast} --json > feast.json && exit 9 || test $? -eq 1; cat feast.json`);
    const violations = (JSON.parse(feastReport) as { violations: { rule: string }[] }).violations.map((v) => v.rule);
    // Old data read as the latest registered version, through pipes.
    sh(ctx, `cat "${written}" | schema-migrate apply --registry "${registry}" --subject watch_events | recdata cat --validate > "${replayed}"`);
    ctx.files.schemaReplayed = replayed;
    return {
      rows: await countRows(replayed),
      bytes: size(replayed),
      note: `v1 data read as v2 (duration_ms widened, device renamed platform, 2 fields added); Feast reuse refused: ${violations.join(', ')}`,
    };
  },
};
export default stage;

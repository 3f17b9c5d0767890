import path from 'node:path';
import { countRows, sh, size, type DemoStage } from '../stage.ts';

const stage: DemoStage = {
  name: 'cat (two streams, one pipe)',
  async run(ctx) {
    const both = path.join(ctx.out, 'events.twice.arrow');
    sh(ctx, `cat "${ctx.files.events}" "${ctx.files.events}" | recdata cat > "${both}"`);
    return { rows: await countRows(both), bytes: size(both), note: 'two streams concatenated on one pipe, relayed as one' };
  },
};
export default stage;

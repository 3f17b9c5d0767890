import path from 'node:path';
import { sh, size, type DemoStage } from '../stage.ts';

const stage: DemoStage = {
  name: 'gen events',
  run(ctx) {
    const file = path.join(ctx.out, 'events.arrow');
    sh(ctx, `recdata gen events --events ${ctx.events} --users ${Math.max(100, Math.round(ctx.events / 100))} --days 7 --seed 1 -o "${file}"`);
    ctx.files.events = file;
    return { rows: ctx.events, bytes: size(file), note: 'synthetic short-video log: 7 days, Zipf users and items' };
  },
};
export default stage;

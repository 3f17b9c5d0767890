import path from 'node:path';
import { countRows, sh, size, type DemoStage } from '../stage.ts';

const stage: DemoStage = {
  name: 'export csv | import csv',
  async run(ctx) {
    const csv = path.join(ctx.out, 'events.csv');
    const back = path.join(ctx.out, 'events.from-csv.arrow');
    sh(ctx, `recdata export --format csv "${ctx.files.events}" > "${csv}"`);
    sh(ctx, `recdata import --format csv --types user_id:uint64,item_id:uint64,ts:timestamp[ms],action:dict,duration_ms:uint32,device:dict,region:dict "${csv}" -o "${back}"`);
    return { rows: await countRows(back), bytes: size(csv), note: `CSV ${path.basename(csv)} and back to Arrow` };
  },
};
export default stage;

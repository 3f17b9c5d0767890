import path from 'node:path';
import { countRows, sh, size, type DemoStage } from '../stage.ts';

const stage: DemoStage = {
  name: 'seq-encode | seq-decode',
  async run(ctx) {
    const seqs = path.join(ctx.out, 'events.seq.arrow');
    const back = path.join(ctx.out, 'events.seq-decoded.arrow');
    const lists = path.join(ctx.out, 'events.seq-lists.arrow');
    sh(ctx, `seq-encode --partition day "${ctx.files.events}" -o "${seqs}"`);
    sh(ctx, `seq-decode "${seqs}" -o "${back}"`);
    sh(ctx, `seq-decode --format lists "${seqs}" -o "${lists}"`);
    ctx.files.seqs = seqs;
    const events = await countRows(back);
    const sequences = await countRows(seqs);
    const ratio = size(ctx.files.events) / size(seqs);
    return {
      rows: sequences,
      bytes: size(seqs),
      note: `${events.toLocaleString('en-US')} events in ${sequences.toLocaleString('en-US')} user-day sequences, ${ratio.toFixed(1)}x smaller than the Arrow log; decoded back (and as lists)`,
    };
  },
};
export default stage;

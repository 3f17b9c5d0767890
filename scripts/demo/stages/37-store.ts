import fs from 'node:fs';
import path from 'node:path';
import { countRows, sh, size, type DemoStage } from '../stage.ts';

const stage: DemoStage = {
  name: 'seq-store | blob-store',
  async run(ctx) {
    const store = path.join(ctx.out, 'store');
    const blobs = path.join(ctx.out, 'blobs');
    const day = path.join(ctx.out, 'store-day.arrow');
    fs.rmSync(store, { recursive: true, force: true });
    fs.rmSync(blobs, { recursive: true, force: true });
    sh(ctx, `seq-store ingest "${store}" "${ctx.files.events}"`);
    sh(ctx, `seq-store compact "${store}"`);
    const user = sh(ctx, `recdata export --format csv "${ctx.files.events}" | sed -n 2p | cut -d, -f1`).trim();
    const first = sh(ctx, `recdata export --format csv "${ctx.files.events}" | sed -n 2p | cut -d, -f3`).trim().slice(0, 10);
    const next = new Date(Date.parse(`${first}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    sh(ctx, `seq-store get "${store}" --user ${user} --from ${first} --to ${next} > /dev/null`);
    sh(ctx, `seq-store scan "${store}" --from ${first} --to ${next} -o "${day}"`);
    sh(ctx, `seq-store verify "${store}"`);
    const stats = JSON.parse(sh(ctx, `seq-store stats "${store}" --json`));
    // Blobs: the day's scan and the store's manifest as two objects of one item, found again by filter.
    const key = sh(ctx, `blob-store put "${blobs}" "${day}" --meta item_id=42 --meta modality=events | cut -f1`).trim();
    sh(ctx, `blob-store put "${blobs}" "${day}" --meta item_id=43 --meta modality=events`);
    const listed = sh(ctx, `blob-store ls "${blobs}" --where "item_id = 42 and modality = 'events'"`).trim().split('\n').length - 1;
    sh(ctx, `blob-store get "${blobs}" ${key} | cmp - "${day}"`);
    const dayEvents = await countRows(day);
    return {
      rows: stats.events,
      bytes: stats.bytes,
      note: `${stats.events.toLocaleString('en-US')} events in ${stats.partitions} day partitions, ${stats.bytesPerEvent.toFixed(2)} bytes/event after compaction; one day scanned (${dayEvents.toLocaleString('en-US')} events); verify ok; the day put twice in blob-store (${size(day).toLocaleString('en-US')} bytes, stored once), ${listed} found by filter and read back identical`,
    };
  },
};
export default stage;

import fs from 'node:fs';
import path from 'node:path';
import { countRows, sh, size, type DemoStage } from '../stage.ts';

// Hashes IDs into buckets and a user x item cross, then pseudonymises user IDs
// with a keyed hash, and checks that the native and offload backends wrote the
// same bytes.
const stage: DemoStage = {
  name: 'dpu-hash (buckets, a cross, keyed pseudonyms)',
  async run(ctx) {
    const hashed = path.join(ctx.out, 'events.hashed.arrow');
    const offloaded = path.join(ctx.out, 'events.hashed.offload.arrow');
    const pseudonymised = path.join(ctx.out, 'events.pseudonymised.arrow');
    const keyFile = path.join(ctx.out, 'demo.key');
    const flags = '--cols item_id,user_id --cross user_id,item_id --algo xxh64 --seed 7 --buckets 1000000';
    sh(ctx, `dpu-hash ${flags} --backend native "${ctx.files.events}" > "${hashed}"`);
    sh(ctx, `dpu-hash ${flags} --backend offload --threads 2 "${ctx.files.events}" > "${offloaded}"`);
    if (!fs.readFileSync(hashed).equals(fs.readFileSync(offloaded))) throw new Error('native and offload outputs differ');
    // A demo key; a real one comes from a secret store, e.g. openssl rand -hex 16.
    fs.writeFileSync(keyFile, '000102030405060708090a0b0c0d0e0f\n', { mode: 0o600 });
    sh(ctx, `dpu-hash --cols user_id --keyed --key-file "${keyFile}" --replace "${ctx.files.events}" > "${pseudonymised}"`);
    ctx.files.hashed = hashed;
    return {
      rows: await countRows(hashed),
      bytes: size(hashed) + size(pseudonymised),
      note: 'item_id/user_id buckets and a user x item cross (native and offload: identical bytes); user_id replaced by a SipHash pseudonym',
    };
  },
};
export default stage;

import fs from 'node:fs';
import path from 'node:path';
import { countRows, sh, size, type DemoStage } from '../stage.ts';

// Fits the events spec (fixtures/featurize/events.yaml: normalize, log1p, clip,
// buckets, categorify, hashes, a cross, target_encode, difference_lag) on the
// generated log, then transforms it into feature columns (native and js: identical
// bytes) and into training tensors (auto: CUDA on a machine with a GPU).
const stage: DemoStage = {
  name: 'gpu-featurize (fit, transform to columns and tensors)',
  async run(ctx) {
    const spec = path.join(ctx.root, 'fixtures', 'featurize', 'events.yaml');
    const fitted = path.join(ctx.out, 'features.fitted.json');
    const columns = path.join(ctx.out, 'events.features.arrow');
    const viaJs = path.join(ctx.out, 'events.features.js.arrow');
    const tensors = path.join(ctx.out, 'events.tensors.arrow');
    sh(ctx, `gpu-featurize fit --spec "${spec}" "${ctx.files.events}" -o "${fitted}"`);
    sh(ctx, `gpu-featurize transform --spec "${fitted}" --keep user_id,item_id --backend native "${ctx.files.events}" > "${columns}"`);
    // The reference on the first 100k rows, against the native output's first rows.
    sh(ctx, `recdata cat --head 100000 "${ctx.files.events}" | gpu-featurize transform --spec "${fitted}" --keep user_id,item_id --backend js > "${viaJs}"`);
    sh(ctx, `recdata cat --head 100000 "${ctx.files.events}" | gpu-featurize transform --spec "${fitted}" --keep user_id,item_id --backend native > "${viaJs}.native"`);
    if (!fs.readFileSync(viaJs).equals(fs.readFileSync(`${viaJs}.native`))) throw new Error('js and native outputs differ');
    fs.rmSync(`${viaJs}.native`);
    sh(ctx, `cat "${ctx.files.events}" | gpu-featurize transform --spec "${fitted}" --layout tensor --keep user_id > "${tensors}"`);
    ctx.files.features = columns;
    const doc = JSON.parse(fs.readFileSync(fitted, 'utf8')) as { features: { name: string; fitted: { size?: number } }[] };
    const items = doc.features.find((f) => f.name === 'item_code')?.fitted.size ?? 0;
    return {
      rows: await countRows(columns),
      bytes: size(columns) + size(tensors),
      note: `12 features (${items} items in the vocabulary); columns (js and native: identical bytes) and dense/categorical tensors`,
    };
  },
};
export default stage;

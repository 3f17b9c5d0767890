import { collect } from '@recdata/core';
import { generateEvents, parseGenEventsFlags } from '@recdata/core/gen';
import { tableToIPC, Table } from 'apache-arrow';
import { parseSpecText, fit, planTransform, transformStream, JsExecutor, createFeaturizeExecutor } from './src/index.ts';
const spec = parseSpecText(`features:
  - { name: d_z, op: normalize, input: duration_ms }
  - { name: d_mm, op: minmax, input: duration_ms }
  - { name: d_log, op: log1p, input: duration_ms }
  - { name: d_clip, op: clip, input: duration_ms, max: 5000 }
  - { name: d_b, op: bucketize, input: duration_ms, boundaries: [1000, 5000, 15000] }
  - { name: d_q, op: quantile_bucketize, input: duration_ms, boundaries: 3 }
  - { name: item_code, op: categorify, input: item_id, min_freq: 2, oov_buckets: 3 }
  - { name: action_code, op: categorify, input: action }
  - { name: item_b, op: hash_bucket, input: item_id, buckets: 1000 }
  - { name: ux, op: hashed_cross, input: [user_id, item_id], buckets: 65536 }
  - { name: fill, op: fill_missing, input: item_id, strategy: median }
  - { name: te, op: target_encode, input: action, target: duration_ms }
  - { name: lag, op: difference_lag, input: ts }
`, 'x.yaml').spec;
const gen = () => generateEvents(parseGenEventsFlags({ events: '200000', anomalies: 'null_item=0.01' })).stream;
const r = await fit(gen(), spec);
for (const layout of ['columns', 'tensor'] as const) for (const training of [false, true]) {
  const plan = planTransform(r.bound, r.states, { layout, training });
  const bytes: Record<string, Buffer> = {};
  for (const backend of ['js', 'native'] as const) {
    const ex = createFeaturizeExecutor(backend, plan, { threads: 2 });
    const t0 = Date.now();
    const batches = await collect(transformStream(gen(), plan, ex, 4));
    console.log(layout, training, backend, Date.now() - t0, 'ms');
    bytes[backend] = Buffer.from(tableToIPC(new Table(batches), 'stream'));
    await ex.close();
  }
  console.log('same bytes:', bytes.js.equals(bytes.native));
}

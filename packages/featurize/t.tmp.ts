import { batchStream, collect, writeBatchStream } from '@recdata/core';
import { generateEvents, parseGenEventsFlags } from '@recdata/core/gen';
import { tableFromIPC, tableToIPC, Table } from 'apache-arrow';
import { parseSpecText, fit, planTransform, transformStream, JsExecutor, writeFitted, readFitted, bindFitted } from './src/index.ts';
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
const gen = () => generateEvents(parseGenEventsFlags({ events: '20000', anomalies: 'null_item=0.01' })).stream;
const r = await fit(gen(), spec);
await writeFitted(r, 'x.yaml', '/tmp/fz/fitted.json');
const model = readFitted('/tmp/fz/fitted.json');
const input = gen();
const { bound, states } = await bindFitted(model, input.schema);
for (const layout of ['columns', 'tensor'] as const) {
  const plan = planTransform(bound, states, { layout, keep: ['user_id'] });
  const out = transformStream(gen(), plan, new JsExecutor(plan));
  const batches = await collect(out);
  const t = new Table(batches);
  console.log(layout, t.numRows, t.schema.fields.map(f => `${f.name}:${f.type}`).join(' '));
  console.log(JSON.stringify(t.slice(0, 3).toArray().map(r => r.toJSON()), (k, v) => typeof v === 'bigint' ? String(v) : v).slice(0, 900));
  // roundtrip IPC
  const bytes = tableToIPC(t, 'stream'); console.log('ipc bytes', bytes.length);
}

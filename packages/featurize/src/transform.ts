// transform: the operator. Each batch in gives one batch out with the same rows:
// difference_lag runs first, in stream order, on the main thread; the other ops
// run on the chosen backend, several batches at once when it is asynchronous, and
// the batches come out in input order. Nothing is kept from batch to batch but
// difference_lag's last time per group and the row count, so it runs forever on
// a stream.
import type { RecordBatch } from 'apache-arrow';
import { mapOrdered, type BatchStream } from '@recdata/core';
import type { FeaturizeExecutor } from './backend-js.js';
import { assembleBatch, prepareBatch, type BatchWork } from './batch-io.js';
import { sumErrors } from './kernels/js-sequence.js';
import { LagState } from './lag.js';
import type { TransformPlan } from './plan.js';

export interface TransformReport {
  rows: number;
  batches: number;
  /** quantize features: reconstruction error over the finite elements transformed. */
  quantize: Record<string, { elements: number; mean_error: number; max_error: number }>;
  /** difference_lag features: groups seen. */
  groups: Record<string, number>;
}

export interface FeaturizeStream extends BatchStream {
  /** Filled as batches come out; complete once the stream has ended. */
  readonly report: TransformReport;
}

export function transformStream(input: BatchStream, plan: TransformPlan, executor: FeaturizeExecutor, inFlight = 1): FeaturizeStream {
  const lags = plan.features.filter((p) => p.bound.feature.op === 'difference_lag').map((p) => ({ p, state: new LagState() }));
  const quantized = plan.features.filter((p) => p.bound.feature.op === 'quantize');
  const report: TransformReport = { rows: 0, batches: 0, quantize: {}, groups: {} };
  const sums = new Map<string, { sum: number; max: number; elements: number }>();
  for (const p of quantized) sums.set(p.bound.feature.name, { sum: 0, max: 0, elements: 0 });
  let rowStart = 0;

  // The synchronous part runs in stream order (mapOrdered calls it as batches arrive).
  const start = (batch: RecordBatch): Promise<BatchWork> => {
    const work = prepareBatch(plan, batch, rowStart);
    rowStart += batch.numRows;
    for (const { p, state } of lags) {
      const cols = batch.data.children;
      state.run(cols[p.bound.inputs[0]], cols[p.bound.extra], work.outputs[p.index]);
    }
    return executor.run(work).then(() => work);
  };

  const finish = (work: BatchWork): RecordBatch => {
    report.rows += work.rows;
    report.batches++;
    for (const p of quantized) {
      const s = sums.get(p.bound.feature.name)!;
      const e = sumErrors(work.outputs[p.index].errors!, work.rows);
      s.sum += e.sum;
      s.elements += e.elements;
      if (e.max > s.max) s.max = e.max;
      report.quantize[p.bound.feature.name] = { elements: s.elements, mean_error: s.elements > 0 ? s.sum / s.elements : 0, max_error: s.max };
    }
    for (const { p, state } of lags) report.groups[p.bound.feature.name] = state.groups;
    return assembleBatch(plan, work);
  };

  return {
    schema: plan.schema,
    report,
    async *[Symbol.asyncIterator]() {
      for await (const work of mapOrdered(input, start, Math.max(1, inFlight))) yield finish(work);
    },
  };
}

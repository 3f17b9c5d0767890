import { Data, makeData, RecordBatch, Struct } from 'apache-arrow';
import type { BatchStream, Operator } from '@recdata/core';
import { planResolution, type ResolutionPlan, type ResolveOptions } from './plan.js';

/**
 * `schema-migrate apply` as an operator: batches written under any earlier (or
 * later) version in, batches under exactly the reader schema out. The plan is made
 * from the input's schema before the first batch, so an unsafe difference fails
 * before anything is written. Columns that do not change are the input's own Data
 * objects: nothing is copied for them.
 */
export const applySchema: Operator<ResolveOptions> = (input: BatchStream, options: ResolveOptions): BatchStream => {
  const plan = planResolution(input.schema, options);
  return {
    schema: plan.schema,
    async *[Symbol.asyncIterator]() {
      for await (const batch of input) yield resolveBatch(batch, plan);
    },
  };
};

/** One batch under the plan. */
export function resolveBatch(batch: RecordBatch, plan: ResolutionPlan): RecordBatch {
  const n = batch.numRows;
  const input = batch.data.children;
  const children: Data[] = plan.steps.map((step) => {
    switch (step.kind) {
      case 'pass':
        return input[step.source];
      case 'convert':
        return step.convert(input[step.source]);
      case 'fill':
        return step.fill(n);
    }
  });
  return new RecordBatch(plan.schema, makeData({ type: new Struct(plan.schema.fields), length: n, nullCount: 0, children }));
}

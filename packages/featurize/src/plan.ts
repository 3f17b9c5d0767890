// The transform's plan: which output columns there are (the columns layout: one
// per feature; the tensor layout: one dense float32 and one int64 code tensor per
// row), where each feature writes, and the output schema with its metadata.
import { Field, FixedSizeList, Float32, Int64, Schema } from 'apache-arrow';
import { errors } from '@recdata/core';
import { outputFields, type BoundFeature, type BoundSpec } from './bind.js';
import type { FittedState } from './fit.js';
import type { CategorifyState, QuantileState } from './state.js';

export const LAYOUTS = ['columns', 'tensor'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** The schema metadata key that describes the features of an output. */
export const FEATURIZE_METADATA = 'recdata.featurize';
export const DENSE_COLUMN = 'dense';
export const CATEGORICAL_COLUMN = 'categorical';

export interface PlannedFeature {
  index: number;
  bound: BoundFeature;
  state: FittedState;
  /** Tensor layout: the tensor column the feature writes into, and where in each row; null: its own column(s). */
  tensor: 'dense' | 'categorical' | null;
  tensorOffset: number;
}

export interface TransformPlan {
  bound: BoundSpec;
  features: PlannedFeature[];
  layout: Layout;
  /** Input columns passed through, in output order. */
  keep: number[];
  denseWidth: number;
  categoricalWidth: number;
  schema: Schema;
  /** target_encode: rows are the fit rows, in order (out-of-fold statistics). */
  training: boolean;
}

export interface PlanOptions {
  layout?: Layout;
  keep?: string[];
  training?: boolean;
  /** Written into the output's metadata (fingerprints of the fitted file). */
  metadata?: Record<string, unknown>;
}

/** Codes a categorical feature can take (for embedding tables), when known. */
function cardinality(p: PlannedFeature): number | string | null {
  const f = p.bound.feature;
  switch (f.op) {
    case 'categorify':
      return (p.state as CategorifyState).cardinality;
    case 'bucketize':
      return f.params.boundaries.length + 1;
    case 'quantile_bucketize':
      return (p.state as QuantileState).boundaries.length + 1;
    case 'hash_bucket':
    case 'hashed_cross':
      return f.params.buckets <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(f.params.buckets) : f.params.buckets.toString();
    default:
      return null;
  }
}

export function planTransform(bound: BoundSpec, states: FittedState[], options: PlanOptions = {}): TransformPlan {
  const layout = options.layout ?? 'columns';
  const schema = bound.schema;
  const keepNames = options.keep ?? [];
  const keep = keepNames.map((name) => {
    const i = schema.fields.findIndex((f) => f.name === name);
    if (i < 0) throw errors.missingColumn(name, schema.fields.map((f) => f.name));
    return i;
  });
  if (new Set(keepNames).size !== keepNames.length) throw errors.usage('--keep names a column twice');
  let denseWidth = 0;
  let categoricalWidth = 0;
  const features: PlannedFeature[] = bound.features.map((b, index) => {
    const p: PlannedFeature = { index, bound: b, state: states[index], tensor: null, tensorOffset: 0 };
    if (layout === 'tensor') {
      if (b.family === 'list') {
        throw errors.usage(`feature "${b.feature.name}" (categorify of the list column "${b.feature.input[0]}") has a length per row, which a tensor cannot hold: use --layout columns, then seq_pad in a second transform`);
      }
      if (b.family === 'dense') {
        p.tensor = 'dense';
        p.tensorOffset = denseWidth;
        denseWidth += b.width;
      } else if (b.family === 'categorical') {
        p.tensor = 'categorical';
        p.tensorOffset = categoricalWidth;
        categoricalWidth += b.width;
      }
    }
    return p;
  });

  const fields: Field[] = keep.map((i) => schema.fields[i]);
  if (layout === 'tensor') {
    if (denseWidth > 0) fields.push(new Field(DENSE_COLUMN, new FixedSizeList(denseWidth, new Field('item', new Float32(), false)), false));
    if (categoricalWidth > 0) fields.push(new Field(CATEGORICAL_COLUMN, new FixedSizeList(categoricalWidth, new Field('item', new Int64(), false)), false));
    for (const p of features) if (p.tensor === null) fields.push(...outputFields(p.bound));
  } else {
    for (const p of features) fields.push(...outputFields(p.bound));
  }
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw errors.usage(`the output would have two columns named "${f.name}": rename the feature or leave it out of --keep`);
    seen.add(f.name);
  }

  const description = {
    ...options.metadata,
    layout,
    features: features.map((p) => {
      const f = p.bound.feature;
      return {
        name: f.name,
        op: f.op,
        input: f.op === 'hashed_cross' ? f.input : f.input[0],
        family: p.bound.family,
        column: p.tensor === 'dense' ? DENSE_COLUMN : p.tensor === 'categorical' ? CATEGORICAL_COLUMN : f.name,
        offset: p.tensor ? p.tensorOffset : 0,
        width: p.bound.width,
        cardinality: cardinality(p),
      };
    }),
    null_values: { dense: 'NaN', categorical: -1 },
  };
  const metadata = new Map(schema.metadata);
  metadata.set(FEATURIZE_METADATA, JSON.stringify(description));
  return {
    bound,
    features,
    layout,
    keep,
    denseWidth,
    categoricalWidth,
    schema: new Schema(fields, metadata),
    training: options.training ?? false,
  };
}

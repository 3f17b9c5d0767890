// @recdata/featurize: declarative feature processing. A spec (YAML or JSON) lists
// features; fit learns their statistics in one streaming pass; transform applies
// them on the js, native or CUDA backend, bit for bit alike (docs/featurize-ops.md).
export { OPS, SPEC_ALGORITHMS, columnsRead, featureToJson, type Feature, type FeatureOf, type FeatureSpec, type OpName, type ParamsOf } from './spec.js';
export { parseSpecText, readSpecFile, PARAMS } from './spec-parse.js';
export { bindSpec, outputFields, type BoundFeature, type BoundSpec, type OutputFamily } from './bind.js';
export { fit, type FitOptions, type FitResult, type FittedState } from './fit.js';
export { writeFitted, readFitted, bindFitted, checkStreamSchema, specFingerprint, schemaFingerprint, readColumns, FITTED_FORMAT, FITTED_VERSION, INLINE_LIMIT, type FittedModel } from './fitted.js';
export { planTransform, LAYOUTS, FEATURIZE_METADATA, DENSE_COLUMN, CATEGORICAL_COLUMN, type Layout, type TransformPlan, type PlanOptions } from './plan.js';
export { transformStream, type FeaturizeStream, type TransformReport } from './transform.js';
export { JsExecutor, type FeaturizeExecutor, type FeaturizeBackend } from './backend-js.js';
export { log1p64, roundHalfEven, float32ToFloat16Bits, float16BitsToNumber } from './float.js';
export { KllSketch } from './sketch/kll.js';
export { FrequencyTable } from './sketch/frequency.js';
export { kllRankError, type StateOf, type NormalizeState, type MinmaxState, type CategorifyState, type QuantileState, type FillState, type TargetState, type QuantizeState, type Vocabulary } from './state.js';
export { parseByteSize, parseLayout } from './options.js';
export { openFeaturizeExecutor, createFeaturizeExecutor, featurizeAddon, FEATURIZE_KERNELS, type ExecutorOptions } from './backend-native.js';

// @recdata/hash: one hash specification (docs/hash-spec.md), identical on every
// backend: XXH64, XXH3, MurmurHash3 and keyed SipHash-2-4 over Arrow columns, with
// buckets, crosses and null hashes; the dpu-hash operator.
export { xxh64, xxh3, murmur3_32, siphash24, XXH3_SECRET } from './algorithms/scalar.js';
export { fmix32 } from './algorithms/murmur3.js';
export { ALGORITHMS, ValueKind, OutputKind, CorruptColumnError, type Algorithm, type HashJob, type HashStep, type ValueSource, type IndexArray } from './job.js';
export { runHashJobJs } from './kernel-js.js';
export { resolveSpec, outputTypeOf, parseUnsigned, UINT32_MAX, UINT64_MAX, MAX_BUCKETS, type HashSpec, type ResolvedSpec } from './spec.js';
export { describeStep, describeValues, fixedWidth, isHashableType, isCrossableType, HASHABLE_TYPES } from './describe.js';
export {
  hashColumn,
  hashColumnSync,
  hashCross,
  hashCrossSync,
  hashValues,
  hashValuesSync,
  hashVectorSync,
  hashedTypeOf,
  prepareColumn,
  prepareCross,
  type HashedValues,
  type HashValuesArray,
  type PreparedColumn,
} from './columns.js';
export { createExecutor, openExecutor, HASH_KERNELS, type HashBackend, type HashExecutor, type ExecutorOptions } from './backends.js';
export { HostOffloadQueue, type HashOffloadDevice } from './offload.js';
export { hashAddon, type HashAddon, type NativeHashQueue } from './native.js';
export { checkColumnType, checkCrossTypes } from './columns.js';
export { dpuHash, planDpuHash, checkDpuHashOptions, HASH_FIELD_METADATA, HASH_SPEC_VERSION, type DpuHashOptions, type DpuHashPlan } from './operator.js';
export { loadKey, parseKey, KEY_ENV } from './key.js';

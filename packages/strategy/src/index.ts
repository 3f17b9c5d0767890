// @recdata/strategy: strategy governance: registry, effect statistics, decisions, code references and removal patches.
export * from './registry/dates.js';
export * from './registry/registry.js';
export * from './stats/effects.js';
export * from './stats/srm.js';
export * from './stats/weekly.js';
export * from './metrics/read.js';
export * from './evaluate.js';
export * from './audit.js';
export * from './run.js';
export * from './options.js';
export * from './refs/variants.js';
export * from './refs/walk.js';
export * from './refs/kinds.js';
// References and the removal patch: '@recdata/strategy/code' (they load the TypeScript compiler).
export type { ReferenceSearch } from './refs/find.js';
export type { RemovalPatch, RemovalTarget, PatchedFile, StrategyPatchSummary } from './patch/plan.js';
export * from './report/json.js';
export * from './report/table.js';
export * from './report/arrow.js';
export * from './history.js';
export * from './gen/generate.js';
export * from './gen/options.js';

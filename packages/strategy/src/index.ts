// @recdata/strategy: strategy governance: registry, effect statistics, decisions, code references and removal patches.
export * from './registry/dates.js';
export * from './registry/registry.js';
export * from './stats/distributions.js';
export * from './stats/effects.js';
export * from './stats/srm.js';
export * from './stats/weekly.js';
export * from './metrics/read.js';
export * from './evaluate.js';
export * from './audit.js';
export * from './gen/generate.js';

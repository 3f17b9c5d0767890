// @recdata/strategy: Strategy governance: registry, effect statistics, decisions, code references and removal patches.
export {};

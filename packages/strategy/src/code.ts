// @recdata/strategy/code: code and config references and the removal patch. They need
// the TypeScript compiler (a large module), so they live behind their own entry point
// and `runAudit` loads them only for --refs.
export * from './refs/find.js';
export * from './refs/ts-ast.js';
export { patchScript, type FlagValue, type ScriptPatch } from './patch/ts-patch.js';
export { patchYaml, patchJson, type ConfigPatch } from './patch/config-patch.js';
export { unifiedDiff } from './patch/diff.js';
export * from './patch/plan.js';

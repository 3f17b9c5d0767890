// @recdata/schema: versioned Protobuf schemas for feature records: .proto parsing
// (with file:line:col), the Arrow mapping, compatibility rules and modes, a SQLite
// registry, diffs, and resolution of old data to a reader schema by field number.
export * from './model.js';
export { loadProtoFile, parseProtoSource, type ProtoFile } from './proto/parse.js';
export { selectMessage, recordModel, modelFromFile } from './select.js';
export { canonicalText, fingerprint, fingerprintOfText, modelFromCanonical, CANONICAL_FORMAT } from './canonical.js';
export { toArrowSchema, fieldIdOf, scalarArrowType, FIELD_ID_KEY, SCHEMA_METADATA } from './arrow-mapping.js';
export { arrowSchemaText } from './arrow-text.js';
export { RULES, formatViolation, type RuleId, type Violation } from './compat/violation.js';
export { checkCompatibility, parseMode, MODES, DEFAULT_MODE, type Mode, type Version, type CheckResult } from './compat/check.js';
export { SAFE_PROMOTIONS, relateTypes } from './compat/promotion.js';
export { SchemaRegistry, REGISTRY_APPLICATION_ID, rowVersion, type VersionRow, type RegisterResult } from './registry.js';
export { diffSchemas, formatDiff, isEmptyDiff, type SchemaDiff } from './diff.js';
export { planResolution, type ResolutionPlan, type ResolveOptions, type ColumnStep } from './resolve/plan.js';
export { applySchema, resolveBatch } from './resolve/apply.js';
export { recordsToBatch, batchToRecords, type PlainRecord } from './records.js';
export { openReplay, type Replay, type ReplaySpec } from './resolve/replay.js';
export { replayArrow, describePlan, type ReplayOutput } from './resolve/run.js';
export { relayLayout } from './resolve/relay-layout.js';

// blob-store: content-addressed objects with an SQLite metadata index (docs/store.md).
export { BlobStore, BLOB_INDEX_FILE, BUILTIN_COLUMNS, checkColumnName, metaValue, type BlobRow, type MetaValue, type PutResult } from './store.js';
export { checkKey, keyOf, objectPath } from './key.js';
export { compileWhere, parseWhere, type Expr } from './where.js';
export { lsBatch, lsSchema, lsText } from './ls-output.js';
export { sniffMime } from './mime.js';
export { pickBinaryColumn, putArrow } from './put-arrow.js';

/**
 * @recdata/seq: behaviour sequences, compact and exact.
 *
 * Streams (what the commands run):
 *   const out = await seqEncode(input, { user: 'user_id', ts: 'ts', partition: 'day' });
 *     → one row per sequence: user_id, partition_start, n_events, ts_first, ts_last,
 *       payload; the schema metadata carries everything decoding needs.
 *   const events = seqDecode(out, { format: 'events' });   // or 'lists'
 *
 * Payloads as a library (issue 9's seq-store keeps payloads and decodes them alone):
 *   - `readSeqStreamInfo(schema)` checks a seq stream's metadata and returns its
 *     header, the exact event schema and the dictionary vectors;
 *   - `encodePayloads(header, starts, lanes)` encodes a group of sequences held as
 *     lanes (see lanes/lane.ts: 64-bit lanes for fixed-width values, offsets and
 *     bytes for strings) into payloads; `decodePayloads(header, bytes, offsets,
 *     counts)` decodes payloads back into lanes; `lanesToColumns` turns decoded
 *     lanes into Arrow columns of the exact input types. Both twins (TypeScript and
 *     native) give identical bytes: `runEncode` / `runDecode` pick one.
 *
 * The codecs (docs/seq-format.md has the byte layout):
 *   - `deltaBinaryPackedEncode(values: Int32Array | BigInt64Array): Uint8Array` and
 *     `deltaBinaryPackedDecode(bytes, offset, 'int32' | 'int64'): { values, end }`:
 *     Parquet's DELTA_BINARY_PACKED, exactly as its specification (the TypeScript
 *     reference; `nativeSeq()` exposes the native twins).
 */
export { deltaBinaryPackedDecode, deltaBinaryPackedEncode, DBP_BLOCK_SIZE, DBP_MINIBLOCKS, type DeltaType } from './codec/delta.js';
export { CorruptPayload } from './codec/bytes.js';
export { crc32c } from './codec/crc32c.js';
export { TAG_NAMES } from './codec/values.js';
export {
  decodeHeader,
  encodeHeader,
  FORMAT_NAME,
  LANE_DICT,
  LANE_FLOAT32,
  LANE_FLOAT64,
  LANE_INT,
  LANE_NAMES,
  LANE_STRING,
  laneKindOf,
  METADATA as SEQ_METADATA,
  PARTITIONS,
  type ColumnSpec,
  type LaneKind,
  type Partition,
  type StreamHeader,
} from './format/header.js';
export { CorruptSequence, decodeChunk as decodePayloads, encodeChunk as encodePayloads, MAX_SEQUENCE_EVENTS, type DecodedChunk, type EncodedChunk } from './format/payload.js';
export type { IntLane, Lane, StringLane } from './lanes/lane.js';
export { laneToData, tableVector } from './lanes/arrow.js';
export { chooseSeqBackend, nativeSeq, runDecode, runEncode, SEQ_FAMILY, type NativeSeq, type SeqBackend } from './kernels.js';
export { DEFAULT_MEMORY_LIMIT, seqEncode, type EncodeStats, type SeqEncodeOptions, type SeqEncodeStream } from './encode/seq-encode.js';
export { TS_UNITS, type TsUnitName } from './encode/plan.js';
export { readSeqStreamInfo, seqDecode, type DecodeFormat, type SeqDecodeOptions, type SeqStreamInfo } from './decode/seq-decode.js';
export { SAMPLE_ROWS } from './tables/models.js';

import type { Data } from 'apache-arrow';
import type { SeqStreamInfo } from './decode/seq-decode.js';
import { laneToData } from './lanes/arrow.js';
import type { Lane } from './lanes/lane.js';

/** Arrow columns of the encoded fields (payload column order) from decoded lanes. */
export function lanesToColumns(info: SeqStreamInfo, lanes: Lane[]): Data[] {
  return info.header.columns.map((c, k) => laneToData(info.events.fields[c.field].type, lanes[k], info.dictionaries[k]));
}

// ---- seq-store (docs/store.md) ---------------------------------------------
export { SeqStoreWriter, DEFAULT_MEMTABLE_BYTES, batchToIpc, type AppendResult, type CreateOptions, type StoreHooks, type WriterOptions, type WriterSummary } from './store/writer.js';
export { SeqStoreReader, Snapshot, DEFAULT_DEDUPE_KEY, type ReaderOptions, type ReadOptions } from './store/reader.js';
export { verifyStore, type VerifyReport } from './store/verify.js';
export { storeStats, statsText, type StoreStats, type PartitionStats } from './store/stats.js';
export { parseTimeBound, boundToTs, tsRange, tsToIso, type TimeBound, type TsRange } from './store/time.js';
export { parseUser, userText, type UserKey, type UserKind } from './store/user-key.js';
export { DEFAULT_POLICY, pickRuns, type CompactionPolicy } from './store/compaction.js';
export { SYNC_MODES, type SyncMode } from './store/wal.js';
export { StoreLayout, storeState } from './store/layout.js';
export { toBatches, outputSchema, type OrderedEvents, type OutputFormat } from './store/output.js';
export { RunFile } from './store/run-file.js';

// ---- blob-store (docs/store.md) ------------------------------------------------
export * from './blob/index.js';

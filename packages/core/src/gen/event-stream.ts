import { Dictionary, Int32, RecordBatch, Schema, TimestampMillisecond, Uint32, Uint64, Utf8, type Data } from 'apache-arrow';
import { column, dictionaryValues, field, makeBatch } from '../columns.js';
import type { BatchStream } from '../stream/batch-stream.js';
import { AnomalyInjector } from './anomalies.js';
import { ACTIONS, DEVICES, REGIONS } from './behaviour.js';
import { BotBursts } from './bots.js';
import { EventRows } from './event-rows.js';
import { genEventsParams, rangeMsOf, type GenEventsOptions } from './options.js';
import { SessionGenerator } from './sessions.js';
import { TruthRecorder, type TimeRange } from './truth.js';

const ACTION_TYPE = new Dictionary(new Utf8(), new Int32(), 0);
const DEVICE_TYPE = new Dictionary(new Utf8(), new Int32(), 1);
const REGION_TYPE = new Dictionary(new Utf8(), new Int32(), 2);

/** The schema of `gen events` output. Only item_id is nullable (null_item defects). */
export function eventsSchema(): Schema {
  return new Schema([
    field('user_id', new Uint64(), false),
    field('item_id', new Uint64(), true),
    field('ts', new TimestampMillisecond(), false),
    field('action', ACTION_TYPE, false),
    field('duration_ms', new Uint32(), false),
    field('device', DEVICE_TYPE, false),
    field('region', REGION_TYPE, false),
  ]);
}

export interface GeneratedEvents {
  stream: BatchStream;
  /** Complete once the stream has been read to its end. */
  truth: TruthRecorder;
  /** The time range sessions start in; clean events end within a session's length of its end. */
  range: TimeRange;
  /** Speed-up of all gaps needed to fit the events in the range (1 = full pace). */
  pace: number;
}

/** Rows generated ahead of the batches, so block copies are long. */
const CHUNK_ROWS = 8192;

/** A validity bitmap with item id 0 (null) cleared; null when every item is present. */
function nullItemValidity(itemWords: Uint32Array, n: number): Uint8Array | null {
  let validity: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    if (itemWords[2 * i] !== 0) continue;
    validity ??= new Uint8Array((n + 7) >> 3).fill(0xff);
    validity[i >> 3] &= ~(1 << (i & 7));
  }
  return validity;
}

/**
 * `gen events` as a stream: sessions (and bot bursts) in start-time order, defects
 * injected per session, cut into batches of `batchSize` rows. The rows depend only
 * on the options other than `batchSize`; batches are cut from one continuous
 * sequence, so any batch size gives the same rows. The three dictionaries are made
 * once and shared by every batch, so a writer writes each once.
 */
export function generateEvents(options: GenEventsOptions): GeneratedEvents {
  const rangeMs = rangeMsOf(options.days);
  const range: TimeRange = { startMs: options.startMs, endMs: options.startMs + rangeMs };
  const schema = eventsSchema();
  const a = options.anomalies;
  const withDefects = a.duplicates > 0 || a.outOfOrder > 0 || a.futureTs > 0 || a.nullItem > 0;
  // (events 0 writes nothing; 1 keeps the pace arithmetic finite)
  const sessions = new SessionGenerator({ ...options, rangeMs, events: Math.max(1, options.events) });
  const injector = withDefects ? new AnomalyInjector(a, options.seed, rangeMs) : null;
  const bots = a.botUsers > 0 ? new BotBursts({ ...options, bots: a.botUsers, rangeMs }) : null;
  const truth = new TruthRecorder({ params: genEventsParams(options), anomalies: a, rows: options.events, range, botUserIds: bots?.userIds ?? [] });
  const dictionaries = { action: dictionaryValues([...ACTIONS]), device: dictionaryValues([...DEVICES]), region: dictionaryValues([...REGIONS]) };

  const total = options.events;
  const pending = new EventRows(2 * CHUNK_ROWS);
  const session = injector ? new EventRows() : null;
  const tagged = injector !== null || bots !== null;
  let pos = 0;
  let written = 0;

  /**
   * Refills `pending` with whole sessions and bot bursts, in start order, until it
   * holds CHUNK_ROWS rows or all the rows still owed; `outputRows` rows are out
   * before it. Chunking only amortises the copies: every decision depends on the
   * sequence alone, so the rows are the same whatever the chunk or batch size.
   */
  const refill = (outputRows: number) => {
    pending.clear();
    pos = 0;
    const want = Math.min(CHUNK_ROWS, total - outputRows);
    while (pending.length < want) {
      if (bots && bots.dueBy(sessions.nextStart())) {
        bots.emitNext(pending, total - outputRows - pending.length);
      } else if (injector && session) {
        session.clear();
        sessions.next(session);
        injector.apply(session, pending);
      } else {
        sessions.next(pending);
      }
    }
  };

  function* batches(): Generator<RecordBatch> {
    while (written < total) {
      const n = Math.min(options.batchSize, total - written);
      const userIds = new BigUint64Array(n);
      const itemIds = new BigUint64Array(n);
      const ts = new BigInt64Array(n);
      const action = new Int32Array(n);
      const duration = new Uint32Array(n);
      const device = new Int32Array(n);
      const region = new Int32Array(n);
      // The rows are already in the columns' layout: each piece is a block copy.
      const userWords = new Uint32Array(userIds.buffer);
      const itemWords = new Uint32Array(itemIds.buffer);
      const tsWords = new Uint32Array(ts.buffer);
      let j = 0;
      while (j < n) {
        if (pos >= pending.length) {
          refill(written + j);
          continue;
        }
        const take = Math.min(n - j, pending.length - pos);
        const src = pending;
        const end = pos + take;
        userWords.set(src.userWords.subarray(2 * pos, 2 * end), 2 * j);
        itemWords.set(src.itemWords.subarray(2 * pos, 2 * end), 2 * j);
        tsWords.set(src.tsWords.subarray(2 * pos, 2 * end), 2 * j);
        action.set(src.action.subarray(pos, end), j);
        duration.set(src.duration.subarray(pos, end), j);
        device.set(src.device.subarray(pos, end), j);
        region.set(src.region.subarray(pos, end), j);
        if (tagged) for (let i = pos; i < end; i++) if (src.tag[i] !== 0) truth.note(src, i, written + j + i - pos);
        pos = end;
        j += take;
      }
      const columns: Data[] = [
        column.uint64(userIds),
        column.uint64(itemIds, a.nullItem > 0 ? nullItemValidity(itemWords, n) : null),
        column.fixed(new TimestampMillisecond(), ts, n),
        column.dictionary(ACTION_TYPE, action, dictionaries.action),
        column.uint32(duration),
        column.dictionary(DEVICE_TYPE, device, dictionaries.device),
        column.dictionary(REGION_TYPE, region, dictionaries.region),
      ];
      written += n;
      yield makeBatch(schema, columns, n);
    }
  }

  const stream: BatchStream = {
    schema,
    [Symbol.asyncIterator]() {
      const it = batches();
      return { next: async () => it.next() } as AsyncIterator<RecordBatch>;
    },
  };
  return { stream, truth, range, pace: sessions.pace };
}

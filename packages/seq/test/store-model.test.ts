// Property test of the seq-store: any interleaving of ingest, flush, compaction,
// reopening, get and scan returns exactly what a plain in-memory model of the
// events returns (StoreModel). Small memtables and a low compaction trigger make
// every run of commands flush often and compact in the background; users are
// uint64 (with 2^64 - 1), negative int64 or utf8; events repeat (user, ts, item,
// action) on purpose for --dedupe; every batch brings its own dictionary order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RecordBatch } from 'apache-arrow';
import { SeqStoreReader, SeqStoreWriter } from '../src/index.ts';
import { ACTIONS, DAY_MS, eventsBatch, rowsOf, StoreModel, storeSchema, T0, tempStore, userName, userValue, type Ev, type UserKind } from './store-helpers.ts';

type Command =
  | { op: 'ingest'; batches: { user: number; day: number; minute: number; item: number | null; action: number }[][] }
  | { op: 'flush' }
  | { op: 'compact' }
  | { op: 'reopen' }
  | { op: 'get'; user: number; from: number | null; to: number | null; dedupe: boolean }
  | { op: 'scan'; from: number | null; to: number | null; dedupe: boolean };

const event = fc.record({
  user: fc.integer({ min: 0, max: 6 }),
  day: fc.integer({ min: -1, max: 3 }),
  minute: fc.integer({ min: 0, max: 5 }),
  item: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 6 }),
  action: fc.integer({ min: 0, max: ACTIONS.length - 1 }),
});
// Range ends in hours from T0 - 1 day: inside days, on day edges, or open.
const bound = fc.option(fc.integer({ min: 0, max: 5 * 24 }), { freq: 3 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('ingest' as const), batches: fc.array(fc.array(event, { maxLength: 25 }), { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), user: fc.integer({ min: 0, max: 7 }), from: bound, to: bound, dedupe: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scan' as const), from: bound, to: bound, dedupe: fc.boolean() }) },
);

function hours(h: number | null): bigint | null {
  return h === null ? null : T0 - DAY_MS + BigInt(h) * 3_600_000n;
}

async function collect(stream: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of stream) out.push(b);
  return out;
}

async function runCommands(kind: UserKind, commands: Command[]): Promise<void> {
  const dir = tempStore(`store-model-${kind}`);
  const model = new StoreModel(kind);
  const open = () =>
    SeqStoreWriter.open(dir, {
      create: { schema: storeSchema(kind), user: 'user_id', ts: 'ts', partition: 'day', tsUnit: 'ms' },
      memtableBytes: 6000,
      policy: { trigger: 3, stall: 5 },
      sync: 'none',
      threads: 1,
      backend: 'js',
    });
  let writer = await open();
  let reader: SeqStoreReader | null = null;
  let uid = 1n;
  let dictOrder = 0;
  try {
    for (const c of commands) {
      if (c.op === 'ingest') {
        for (const spec of c.batches) {
          const events: Ev[] = spec.map((e) => ({ user: BigInt(e.user), ts: T0 + BigInt(e.day) * DAY_MS + BigInt(e.minute) * 60_000n, item: e.item === null ? null : BigInt(e.item), action: ACTIONS[e.action], uid: uid++ }));
          await writer.append(eventsBatch(kind, events, dictOrder++));
          model.events.push(...events);
        }
      } else if (c.op === 'flush') await writer.flush();
      else if (c.op === 'compact') await writer.compactAll();
      else if (c.op === 'reopen') {
        await writer.close();
        writer = await open();
      } else {
        await writer.flush();
        reader ??= await SeqStoreReader.open(dir, { backend: 'js', recover: false });
        const from = hours(c.from);
        const to = hours(c.to);
        if (from !== null && to !== null && from >= to) continue;
        const range = from === null && to === null ? null : { from, to };
        if (c.op === 'get') {
          const user = kind === 'utf8' ? new Uint8Array(Buffer.from(userName(BigInt(c.user)))) : BigInt.asIntN(64, BigInt(userValue(kind, BigInt(c.user))));
          const got = rowsOf(await collect(reader.getStream(user, range, { dedupe: c.dedupe })));
          assert.deepEqual(got, model.get(BigInt(c.user), from, to, c.dedupe), `get user ${c.user} [${from}, ${to}) dedupe ${c.dedupe}`);
        } else {
          const got = rowsOf(await collect(reader.scan(range, { dedupe: c.dedupe })));
          assert.deepEqual(got, model.scan(from, to, c.dedupe), `scan [${from}, ${to}) dedupe ${c.dedupe}`);
        }
        // Now and then a fresh reader: the cached one must not be the only one right.
        if (Math.random() < 0.2) {
          await reader.close();
          reader = null;
        }
      }
    }
    await writer.close();
    reader ??= await SeqStoreReader.open(dir, { backend: 'js', recover: false });
    assert.deepEqual(rowsOf(await collect(reader.scan(null))), model.scan(null, null, false), 'everything, at the end');
  } finally {
    await reader?.close();
    await writer.abort();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('seq-store against an in-memory model', () => {
  for (const kind of ['uint64', 'int64', 'utf8'] as UserKind[]) {
    it(`any interleaving of ingest, flush, compact, reopen, get and scan (${kind} users)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 24 }), (cs) => runCommands(kind, cs)),
        { numRuns: kind === 'uint64' ? 40 : 20 },
      );
    });
  }
});

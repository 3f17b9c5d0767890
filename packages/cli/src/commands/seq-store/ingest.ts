import { Flags } from '@oclif/core';
import { ArrowReader, errors, parseByteSize, resolveThreads } from '@recdata/core';
import { chooseSeqBackend, DEFAULT_POLICY, PARTITIONS, SeqStoreWriter, SYNC_MODES, TS_UNITS, type Partition, type SeqBackend, type SyncMode, type TsUnitName } from '@recdata/seq';
import { BaseCommand } from '../../base-command.js';
import { backendFlags, commonFlags, inputFilesArg } from '../../flags.js';
import { storeArg } from '../../seq-store.js';

export default class SeqStoreIngest extends BaseCommand {
  static override summary = 'Append behaviour events to a seq-store (created on first use), durably.';
  static override description = `Reads Arrow IPC events (files or stdin) and appends them to the store in STORE, creating it when the folder is missing or empty: its schema, --user, --ts and --partition are fixed then, and later inputs must have the same columns and types.

Each input batch is written to the write-ahead log, then kept in memory; a batch is acknowledged once its log record is durable (--sync always: fsync per batch; batch: group commit, one fsync for the records written while the previous one ran; none: left to the operating system, which survives a crash of the process but not of the machine). When the memory table passes --memtable it is flushed: one sorted run per time partition (seq-encode payloads sorted by user, with a sparse index and a Bloom filter), listed in the SQLite manifest in one transaction. Past --compaction-trigger runs in a partition, runs are merged in the background (size-tiered, as Paimon); at --stall runs, ingest waits for them. A crash at any point loses no acknowledged event: the next writer replays the log.

One writer at a time: a second one exits 75 naming the holder (pid, host, since). A null user or ts is exit 65 naming the row (--drop-null-keys drops such rows). Layout and formats: docs/store.md.`;
  static override examples = [
    { description: 'Thirty days of generated events into a new store', command: '<%= config.bin %> gen events --days 30 --events 3000000 | <%= config.bin %> seq-store ingest ./store' },
    { description: 'MovieLens ratings, partitioned by day, every batch fsynced', command: '<%= config.bin %> import --format csv ratings.csv | <%= config.bin %> seq-store ingest ./ml --user userId --ts timestamp --ts-unit s --sync always' },
    { description: 'Append a file to an existing store', command: '<%= config.bin %> seq-store ingest ./store more-events.arrow' },
  ];
  static override args = { store: storeArg, files: inputFilesArg };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    ...backendFlags,
    user: Flags.string({ description: 'the user column (new store; default user_id)', helpValue: 'COLUMN' }),
    ts: Flags.string({ description: 'the timestamp column, timestamp or integer (new store; default ts)', helpValue: 'COLUMN' }),
    partition: Flags.string({ description: 'time partitions of a new store (UTC): day (default), hour or none', options: [...PARTITIONS] }),
    'ts-unit': Flags.string({ description: 'unit of an integer ts column (new store)', options: Object.keys(TS_UNITS), default: 's' }),
    sync: Flags.string({ description: 'when a batch counts as durable: always (fsync each), batch (group commit) or none', options: [...SYNC_MODES], default: 'batch' }),
    memtable: Flags.string({ description: 'memory of accepted events before a flush to run files', default: '64MiB', helpValue: 'SIZE' }),
    'compaction-trigger': Flags.integer({ description: 'runs in a partition that start a background compaction', default: DEFAULT_POLICY.trigger, min: 2, max: 1000 }),
    stall: Flags.integer({ description: 'runs in a partition at which ingest waits for compaction (default: trigger + 3)', min: 3, max: 1000 }),
    'auto-compact': Flags.boolean({ description: 'compact in the background past the trigger', default: true, allowNo: true }),
    'drop-null-keys': Flags.boolean({ description: 'drop rows whose user or ts is null (and count them) instead of failing', default: false }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(SeqStoreIngest);
    this.verbose = flags.verbose;
    const [store, ...files] = argv as string[];
    const memtableBytes = parseByteSize(flags.memtable, 'memtable');
    const trigger = flags['compaction-trigger'];
    const stall = flags.stall ?? trigger + 3;
    if (stall <= trigger) throw errors.badFlagValue('stall', `more runs than --compaction-trigger (${trigger})`, String(stall));
    const threads = resolveThreads(flags.threads);
    const choice = chooseSeqBackend(flags.backend);
    for (const n of choice.notes) this.note(n);
    const reader = await ArrowReader.open(files);
    const writer = await SeqStoreWriter.open(store, {
      create: { schema: reader.schema, user: flags.user ?? 'user_id', ts: flags.ts ?? 'ts', partition: (flags.partition ?? 'day') as Partition, tsUnit: flags['ts-unit'] as TsUnitName },
      expect: { user: flags.user, ts: flags.ts, partition: flags.partition as Partition | undefined },
      sync: flags.sync as SyncMode,
      memtableBytes,
      policy: { trigger, stall },
      autoCompact: flags['auto-compact'],
      dropNullKeys: flags['drop-null-keys'],
      backend: choice.backend as SeqBackend,
      threads,
      command: 'seq-store ingest',
    });
    try {
      for await (const batch of reader) await writer.append(batch);
    } catch (e) {
      await writer.abort();
      throw e;
    }
    const s = await writer.close();
    if (s.droppedNullKeys > 0) process.stderr.write(`recdata seq-store ingest: dropped ${s.droppedNullKeys} rows with a null user or ts\n`);
    if (s.replayedRecords > 0) this.note(`replayed ${s.replayedRecords} log records of a writer that had stopped without closing the store`);
    this.note(`${s.events} events in ${s.batches} batches (LSN ${s.firstLsn}-${s.lastLsn}): ${s.flushes} flushes, ${s.compactions} compactions; backend ${choice.backend}, ${threads} threads`);
  }
}

import { Flags } from '@oclif/core';
import { ArrowReader, parseByteSize, resolveThreads, writeBatchStream } from '@recdata/core';
import { chooseSeqBackend, PARTITIONS, SAMPLE_ROWS, seqEncode, TS_UNITS, type Partition, type SeqBackend, type TsUnitName } from '@recdata/seq';
import { BaseCommand } from '../base-command.js';
import { backendFlags, commonFlags, inputFilesArg, memoryLimitFlag, outputFlags, printSchemaFlag } from '../flags.js';
import { printOutputSchema } from '../print-schema.js';

export default class SeqEncode extends BaseCommand {
  static override summary = 'Encode a behaviour log as one compact row per user sequence (exact round trip with seq-decode).';
  static override description = `Groups events by --user (and by --partition hour|day of --ts), orders each sequence by ts (ties keep input order) and writes one row per sequence: user_id (the user column's type), partition_start (timestamp, null without --partition), n_events uint32, ts_first and ts_last (the ts column's type) and payload (binary). Every other column is carried in the payload; nothing is dropped. Rows come out ordered by user, then partition.

Each column of each sequence is stored with the smallest of: Parquet's DELTA_BINARY_PACKED, frame-of-reference bit packing, run lengths, canonical Huffman codes over a per-stream model (frequent values, repeats of the previous value, or deltas, measured on the first ${SAMPLE_ROWS} rows), raw or ALP-style decimal floats, and for strings raw bytes or codes into a per-stream table. The choice is recorded per column in the payload, nulls as run lengths, and every payload ends with a CRC-32C. The schema metadata holds the input schema exactly (recdata.seq.schema) and the tables (recdata.seq.header), so seq-decode needs nothing else. Layout: docs/seq-format.md.

Input in any order is read whole first (the tables need every dictionary value): up to --memory-limit of rows are held in memory; larger inputs are sorted in runs spilled to a temporary folder (removed on success and failure) and merged. --presorted streams input that is already grouped by user (ascending) and ordered by ts, holding one sequence at a time; a row out of order is an error. Both give the same bytes.

A null user or ts is an error naming the row; --drop-null-keys drops such rows and says how many. An integer ts is taken in --ts-unit (default s) for --partition and partition_start. Sequences are encoded in parallel (--threads); the output does not depend on the thread count or the backend.`;
  static override examples = [
    { description: 'MovieLens ratings, one row per user', command: '<%= config.bin %> import --format csv ratings.csv | <%= config.bin %> seq-encode --user userId --ts timestamp > seqs.arrow' },
    { description: 'Generated events, one row per user and day', command: '<%= config.bin %> gen events --events 100000 | <%= config.bin %> seq-encode --partition day -o days.arrow' },
    { description: 'A sorted log streamed through with little memory', command: '<%= config.bin %> seq-decode seqs.arrow | <%= config.bin %> seq-encode --presorted --memory-limit 64MiB > again.arrow' },
  ];
  static override args = {
    files: inputFilesArg,
  };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    ...backendFlags,
    user: Flags.string({ description: 'the user column', default: 'user_id', helpValue: 'COLUMN' }),
    ts: Flags.string({ description: 'the timestamp column (timestamp or integer)', default: 'ts', helpValue: 'COLUMN' }),
    partition: Flags.string({ description: 'also split sequences by hour or day of ts (UTC)', options: [...PARTITIONS], default: 'none' }),
    'ts-unit': Flags.string({ description: 'unit of an integer ts column', options: Object.keys(TS_UNITS), default: 's' }),
    'memory-limit': memoryLimitFlag,
    presorted: Flags.boolean({ description: 'the input is grouped by user and ordered by ts: stream it (a row out of order is an error)', default: false }),
    'drop-null-keys': Flags.boolean({ description: 'drop rows whose user or ts is null (and count them) instead of failing', default: false }),
    'batch-size': Flags.integer({ description: 'sequences per output batch (at most)', default: 65536, min: 1, max: 1 << 24 }),
    'print-schema': printSchemaFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(SeqEncode);
    this.verbose = flags.verbose;
    const memoryLimit = parseByteSize(flags['memory-limit'], 'memory-limit');
    const threads = resolveThreads(flags.threads);
    const choice = chooseSeqBackend(flags.backend);
    for (const n of choice.notes) this.note(n);
    const options = {
      user: flags.user,
      ts: flags.ts,
      partition: flags.partition as Partition,
      tsUnit: flags['ts-unit'] as TsUnitName,
      memoryLimit,
      presorted: flags.presorted,
      dropNullKeys: flags['drop-null-keys'],
      batchSize: flags['batch-size'],
      backend: choice.backend as SeqBackend,
      threads,
    };
    const params = {
      user: flags.user,
      ts: flags.ts,
      partition: flags.partition,
      ts_unit: flags['ts-unit'],
      presorted: flags.presorted,
      drop_null_keys: flags['drop-null-keys'],
      batch_size: flags['batch-size'],
    };
    if (flags['print-schema']) {
      await printOutputSchema(argv as string[], (input) => seqEncode(input, options), { file: flags.output, provenance: this.provenance(params) });
      return;
    }
    const reader = await ArrowReader.open(argv as string[]);
    const stream = await seqEncode(reader, options);
    await writeBatchStream(stream, { file: flags.output, provenance: this.provenance(params), progress: this.progress(flags.progress) });
    const s = stream.stats;
    if (s.droppedNullKeys > 0) process.stderr.write(`recdata seq-encode: dropped ${s.droppedNullKeys} rows with a null ${flags.user} or ${flags.ts}\n`);
    this.note(`${s.events} events in ${s.sequences} sequences, ${s.payloadBytes} payload bytes (${s.events ? ((s.payloadBytes * 8) / s.events).toFixed(2) : 0} bits per event), ${s.spilledRuns} runs spilled, backend ${choice.backend}, ${threads} threads`);
  }
}

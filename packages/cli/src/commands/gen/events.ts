import { Flags } from '@oclif/core';
import { AtomicFileSink, writeBatchStream } from '@recdata/core';
import { BURST, DEFAULT_ANOMALIES, DEFECT_DEFINITIONS, describeRates, formatAnomalies, GEN_EVENTS_DEFAULTS as D, genEventsParams, generateEvents, MAX_BOT_USERS, parseGenEventsFlags } from '@recdata/core/gen';
import { BaseCommand } from '../../base-command.js';
import { batchSizeFlag, commonFlags, outputFlags } from '../../flags.js';

export default class GenEvents extends BaseCommand {
  static override summary = 'Write deterministic synthetic short-video behaviour logs as an Arrow stream.';
  static override description = `Columns: user_id uint64, item_id uint64 (null only for null_item defects), ts timestamp[ms] (no time zone; epoch ms UTC), action dictionary<int32, utf8>, duration_ms uint32, device and region dictionary<int32, utf8> (both fixed per user).

The output depends only on the flags: the same flags give the same bytes, always. --batch-size only cuts the same rows into batches of another size.

Users and items are Zipf-distributed (exponent 1.1) over shuffled ids 1..N. Sessions start evenly over --days from --start, each by a user drawn by activity among those who have been quiet for 10 minutes; a session has a geometric number of views (mean 12), a new view after an exponential gap of mean 20 s, further rows of a view after a mean 2 s. Output is roughly in time order (sessions are written whole, in start order). Each user's timestamps strictly increase in clean output, so it has no ties and no duplicate (user_id, item_id, ts, action) keys. When --events is large for --users and --days, all gaps shrink by the same factor so the events still fit.

${describeRates()}
Plays (and finishes) carry a log-normal watch time (median 9 s); other actions carry duration_ms 0. Devices: android 55%, ios 35%, web 7%, tv 3%; five regions.

--anomalies injects defects at rates per clean event (each event gets at most one): duplicates (the row written twice in a row), out_of_order (an event written after the same user's next one), future_ts (ts moved more than a day past the end of the range), null_item (item_id null); bot_users=N adds N bot users (ids after the last user) that act in bursts of ${BURST.minRows}-${BURST.maxRows} events within a few seconds. "--anomalies default" means ${formatAnomalies(DEFAULT_ANOMALIES)}. --truth FILE writes what was injected, as JSON (counts, rows, keys), for measuring the recall of quality checks. Exactly what counts as each defect:
${Object.entries(DEFECT_DEFINITIONS)
  .map(([k, v]) => `  ${k}: ${v}`)
  .join('\n')}`;
  static override examples = [
    { description: 'A million events (the defaults) into a file', command: '<%= config.bin %> gen events -o events.arrow' },
    { description: 'A small sample, shown as its schema', command: '<%= config.bin %> gen events --events 1000 --users 50 --seed 7 | <%= config.bin %> cat --schema' },
    {
      description: 'A week of events with defects, and the truth file describing them',
      command: '<%= config.bin %> gen events --events 200000 --days 7 --anomalies duplicates=0.001,out_of_order=0.001,future_ts=0.0005,bot_users=3,null_item=0.0002 --truth truth.json -o dirty.arrow',
    },
  ];
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    events: Flags.string({ description: 'rows to write, defects included', default: String(D.events), helpValue: 'N' }),
    users: Flags.string({ description: 'ordinary users (ids 1..N)', default: String(D.users), helpValue: 'N' }),
    items: Flags.string({ description: 'items (ids 1..N)', default: String(D.items), helpValue: 'N' }),
    days: Flags.string({ description: 'length of the time range in days (fractions allowed)', default: String(D.days), helpValue: 'D' }),
    start: Flags.string({ description: 'start of the time range (ISO 8601, UTC)', default: D.start, helpValue: 'TIME' }),
    seed: Flags.string({ description: 'random seed (0 to 4294967295)', default: String(D.seed), helpValue: 'S' }),
    anomalies: Flags.string({
      description: `defects to inject: KIND=RATE,... with KIND duplicates, out_of_order, future_ts, null_item (rates per event, 0 to 1) and bot_users=COUNT (0 to ${MAX_BOT_USERS}); or "default"`,
      helpValue: 'KIND=RATE,...',
    }),
    truth: Flags.string({ description: 'write a JSON file listing every injected defect (written once the whole stream is out)', helpValue: 'FILE' }),
    'batch-size': batchSizeFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(GenEvents);
    this.verbose = flags.verbose;
    const options = parseGenEventsFlags({ ...flags, batchSize: flags['batch-size'] });
    const params = genEventsParams(options);
    const generated = generateEvents(options);
    if (generated.pace < 1) this.note(`gaps shrink by a factor ${generated.pace.toPrecision(3)} to fit ${options.events} events`);
    const truthSink = flags.truth ? AtomicFileSink.create(flags.truth) : null;
    try {
      await writeBatchStream(generated.stream, {
        file: flags.output,
        provenance: this.provenance(params),
        metadata: { 'recdata.gen.time_range': JSON.stringify({ start_ms: generated.range.startMs, end_ms: generated.range.endMs }) },
        progress: this.progress(flags.progress),
      });
      if (truthSink) {
        await truthSink.write(Buffer.from(generated.truth.toJSON()));
        await truthSink.commit();
      }
    } catch (e) {
      truthSink?.abort();
      throw e;
    }
  }
}

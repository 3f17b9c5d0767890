import { ACTION, cumulativeThresholds, pickCode, REGION_SHARES } from './behaviour.js';
import { TAG, type EventRows } from './event-rows.js';
import { hash32, STREAM, Xoshiro128 } from './prng.js';

/**
 * Bot users: extra users (ids users+1 .. users+bots) that act in bursts, dozens of
 * events within a few seconds, nothing like a person scrolling a feed.
 *
 * A burst has BURST.minRows..maxRows rows (uniform), one per item drawn uniformly
 * over all items (bots crawl, they do not follow popularity), with actions
 * impression 45%, like 35%, follow 15%, share 5% and duration 0, from device `web`.
 * Consecutive rows are 1 ms + uniform [0, 2 × step) ms apart, step = span / rows,
 * span uniform in [1 s, 3 s]: a burst lasts about 1 to 3 s and never more than
 * rows + 2 × span ms (6.15 s), and each bot's timestamps strictly increase.
 *
 * Each bot has `burstsPerBot` bursts, one in each equal slot of the time range, at a
 * uniform offset in the slot's first 90% (slots are at least two minutes, so a
 * bot's bursts never overlap). A burst is written whole or not at all: one that would not
 * fit in the rows left is dropped, so every written burst is a full burst.
 */
export const BURST = {
  minRows: 50,
  maxRows: 150,
  minSpanMs: 1000,
  maxSpanMs: 3000,
  /** Bursts per bot are about this share of the run's events divided by a burst's mean size. */
  eventShare: 0.001,
  minSlotMs: 120_000,
} as const;

const BOT_ACTIONS = cumulativeThresholds([0.45, 0.35, 0.15, 0.05]);
const BOT_ACTION_CODES = [ACTION.impression, ACTION.like, ACTION.follow, ACTION.share];
const BOT_DEVICE = 2; // `web` in DEVICES

export interface BotOptions {
  bots: number;
  users: number;
  items: number;
  events: number;
  startMs: number;
  rangeMs: number;
  seed: number;
}

export function burstsPerBot(events: number, rangeMs: number): number {
  const meanRows = (BURST.minRows + BURST.maxRows) / 2;
  const wanted = Math.round((events * BURST.eventShare) / meanRows);
  return Math.max(1, Math.min(wanted, Math.floor(rangeMs / BURST.minSlotMs)));
}

/** All bursts of all bots, taken in start-time order as the session stream reaches them. */
export class BotBursts {
  readonly userIds: number[];
  private readonly rng: Xoshiro128;
  private readonly items: number;
  /** Burst i: its start, bot index and row count, sorted by start then bot. */
  private readonly starts: Float64Array;
  private readonly bots: Int32Array;
  private readonly sizes: Int32Array;
  private readonly spans: Float64Array;
  private readonly botLastTs: Float64Array;
  private readonly regions: Int32Array;
  private nextBurst = 0;

  constructor(opts: BotOptions) {
    this.items = opts.items;
    this.rng = new Xoshiro128(opts.seed, STREAM.bots);
    this.userIds = Array.from({ length: opts.bots }, (_, b) => opts.users + 1 + b);
    const perBot = opts.bots > 0 ? burstsPerBot(opts.events, opts.rangeMs) : 0;
    const slot = opts.rangeMs / Math.max(1, perBot);
    const n = opts.bots * perBot;
    const starts = new Float64Array(n);
    const bots = new Int32Array(n);
    const sizes = new Int32Array(n);
    const spans = new Float64Array(n);
    for (let b = 0, i = 0; b < opts.bots; b++) {
      for (let k = 0; k < perBot; k++, i++) {
        starts[i] = Math.floor(opts.startMs + k * slot + this.rng.nextFloat() * 0.9 * slot);
        bots[i] = b;
        sizes[i] = BURST.minRows + this.rng.nextInt(BURST.maxRows - BURST.minRows + 1);
        spans[i] = BURST.minSpanMs + this.rng.nextFloat() * (BURST.maxSpanMs - BURST.minSpanMs);
      }
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => starts[a] - starts[b] || bots[a] - bots[b]);
    this.starts = Float64Array.from(order, (i) => starts[i]);
    this.bots = Int32Array.from(order, (i) => bots[i]);
    this.sizes = Int32Array.from(order, (i) => sizes[i]);
    this.spans = Float64Array.from(order, (i) => spans[i]);
    this.botLastTs = new Float64Array(opts.bots).fill(-Infinity);
    const regionSalt = hash32(opts.seed ^ 0x165667b1);
    const thresholds = cumulativeThresholds(REGION_SHARES);
    this.regions = Int32Array.from(this.userIds, (id) => pickCode(thresholds, hash32(id ^ regionSalt)));
  }

  /** True when the next burst starts no later than `time`. */
  dueBy(time: number): boolean {
    return this.nextBurst < this.starts.length && this.starts[this.nextBurst] <= time;
  }

  /**
   * Appends the next due burst to `rows` if it fits in `roomLeft` rows (tagged as
   * bot rows, `aux` = the burst's index); a burst that does not fit is dropped.
   */
  emitNext(rows: EventRows, roomLeft: number): void {
    const i = this.nextBurst++;
    const size = this.sizes[i];
    if (size > roomLeft) return;
    const b = this.bots[i];
    const userId = this.userIds[b];
    const step = this.spans[i] / size;
    let t = Math.max(this.starts[i], this.botLastTs[b] + 1);
    rows.reserve(size);
    for (let r = 0; r < size; r++) {
      if (r > 0) t += 1 + Math.floor(this.rng.nextFloat() * 2 * step);
      const j = rows.length++;
      rows.userWords[2 * j] = userId;
      rows.itemWords[2 * j] = 1 + this.rng.nextInt(this.items);
      rows.setTs(j, t);
      rows.action[j] = BOT_ACTION_CODES[pickCode(BOT_ACTIONS, this.rng.nextU32())];
      rows.duration[j] = 0;
      rows.device[j] = BOT_DEVICE;
      rows.region[j] = this.regions[b];
      rows.tag[j] = TAG.bot;
      rows.aux[j] = i;
    }
    this.botLastTs[b] = t;
  }
}

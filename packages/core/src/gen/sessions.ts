import { AliasTable } from './alias.js';
import {
  ACTION,
  cumulativeThresholds,
  DEVICE_SHARES,
  GAP_PER_ROW_MS,
  pickCode,
  PLAY_DURATION,
  REGION_SHARES,
  ROWS_PER_SESSION,
  TIMING,
  viewPatterns,
  ZIPF_EXPONENT,
} from './behaviour.js';
import { TWO_POW_32, type EventRows } from './event-rows.js';
import { exponential, hash32, STREAM, UniformBuffer, Xoshiro128 } from './prng.js';
import { ZipfSampler } from './zipf.js';

export interface PopulationOptions {
  users: number;
  items: number;
  /** Clean events the run is sized for: sets the pace at which sessions start. */
  events: number;
  startMs: number;
  rangeMs: number;
  seed: number;
}

/** Zipf draws for a busy user before falling back to uniform draws (see pickUser). */
const ZIPF_TRIES = 8;
const UNIFORM_TRIES = 64;

/** More uniforms than one session can use: user picking (80) plus 100 views of at most 14. */
const UNIFORMS_PER_SESSION = 4096;

/**
 * The share of all user-time that sessions (with their quiet breaks) may fill. Below
 * one half, a user drawn at random is free more often than not, so the fallback in
 * pickUser almost never has to push a session past its nominal start.
 */
const MAX_OCCUPANCY = 0.5;

const TWO_PI = 2 * Math.PI;

/**
 * The most events `users` users can make in `rangeMs`: each needs about 8 ms per
 * event at the fastest pace (the 1 ms floor per gap, the breaks, and the headroom
 * above). Beyond this, timestamps would have to leave the range.
 */
export function maxEventsFor(users: number, rangeMs: number): number {
  return Math.floor((users * rangeMs) / 8);
}

/**
 * How much faster than TIMING the users must act so the requested events fit in
 * the range: 1 (full pace) unless sessions plus breaks would fill more than
 * MAX_OCCUPANCY of all user-time. All gaps and breaks are multiplied by it.
 */
export function paceFor(users: number, events: number, rangeMs: number): number {
  if (events === 0) return 1;
  const sessions = events / ROWS_PER_SESSION;
  const budget = MAX_OCCUPANCY * users * rangeMs - events - sessions; // the 1 ms floors
  const atFullPace = events * GAP_PER_ROW_MS + sessions * TIMING.sessionBreakMs;
  return Math.max(1e-6, Math.min(1, budget / atFullPace));
}

/**
 * Sessions of ordinary users, in the order of their nominal start times.
 *
 * Session k starts (nominally) at start + range × (clean events before it) / events,
 * so the run fills the range evenly and ends near its end whatever the flags. Its
 * user is drawn by Zipf activity among users who are free (quiet for a break since
 * their last event); the heaviest users are therefore capped by the time they have,
 * which is also how real heavy users look. Every user's timestamps strictly
 * increase, across sessions too, so clean output has no ties and no accidental
 * duplicate (user, item, ts, action) keys.
 */
export class SessionGenerator {
  readonly pace: number;
  private readonly opts: PopulationOptions;
  private readonly random: UniformBuffer;
  private spareNormal = 0;
  private hasSpareNormal = false;
  private readonly userTable: ZipfSampler;
  private readonly itemTable: ZipfSampler;
  /** Each user's last timestamp (-Infinity before their first session). */
  private readonly lastTs: Float64Array;
  private readonly viewGapMs: number;
  private readonly inViewGapMs: number;
  private readonly breakMs: number;
  private readonly sessionViewsLog: number;
  private readonly deviceSalt: number;
  private readonly regionSalt: number;
  private readonly deviceThresholds = cumulativeThresholds(DEVICE_SHARES);
  private readonly regionThresholds = cumulativeThresholds(REGION_SHARES);
  private readonly logMedian = Math.log(PLAY_DURATION.medianMs);
  /** The funnel as one draw per view (see viewPatterns). */
  private readonly viewPattern: AliasTable;
  private cleanRows = 0;

  constructor(opts: PopulationOptions) {
    this.opts = opts;
    this.random = new UniformBuffer(new Xoshiro128(opts.seed, STREAM.sessions));
    this.userTable = new ZipfSampler(opts.users, ZIPF_EXPONENT, new Xoshiro128(opts.seed, STREAM.userIds));
    this.itemTable = new ZipfSampler(opts.items, ZIPF_EXPONENT, new Xoshiro128(opts.seed, STREAM.itemIds));
    this.lastTs = new Float64Array(opts.users).fill(-Infinity);
    const { masks, probabilities } = viewPatterns();
    this.viewPattern = new AliasTable(probabilities, masks);
    this.pace = paceFor(opts.users, opts.events, opts.rangeMs);
    this.viewGapMs = TIMING.viewGapMs * this.pace;
    this.inViewGapMs = TIMING.inViewGapMs * this.pace;
    this.breakMs = Math.max(1, Math.ceil(TIMING.sessionBreakMs * this.pace));
    this.sessionViewsLog = Math.log(1 - 1 / TIMING.meanViewsPerSession);
    this.deviceSalt = hash32(opts.seed ^ 0x5bd1e995);
    this.regionSalt = hash32(opts.seed ^ 0x27d4eb2f);
  }

  /** The nominal start time of the next session (epoch ms, fractional). */
  nextStart(): number {
    return this.opts.startMs + (this.opts.rangeMs * this.cleanRows) / this.opts.events;
  }

  /** Device code of a user (fixed per user and seed). */
  deviceOf(userId: number): number {
    return pickCode(this.deviceThresholds, hash32(userId ^ this.deviceSalt));
  }

  /** Region code of a user (fixed per user and seed). */
  regionOf(userId: number): number {
    return pickCode(this.regionThresholds, hash32(Math.imul(userId, 0x9e3779b1) ^ this.regionSalt));
  }

  /** Appends the next session's rows to `rows`. */
  next(rows: EventRows): void {
    const random = this.random;
    random.ensure(UNIFORMS_PER_SESSION);
    const U = random.values;
    const nominal = this.nextStart();
    const u = this.pickUser(nominal);
    let k = random.cursor;
    const userId = u + 1;
    let t = Math.max(Math.floor(nominal), this.lastTs[u] + this.breakMs);
    let views = 1 + Math.floor(Math.log(1 - U[k++]) / this.sessionViewsLog);
    if (views > TIMING.maxViewsPerSession) views = TIMING.maxViewsPerSession;

    const first = rows.length;
    rows.reserve(views * 8);
    // The arrays are fetched after reserve (which may replace them) and written
    // directly: 64-bit ids and ts as 32-bit words, the ids' high words staying 0.
    const userWords = rows.userWords;
    const itemWords = rows.itemWords;
    const tsWords = rows.tsWords;
    const actions = rows.action;
    const durations = rows.duration;
    const items = this.itemTable;
    const patterns = this.viewPattern;
    const viewGap = this.viewGapMs;
    const inGap = this.inViewGapMs;
    let j = first;
    for (let v = 0; v < views; v++) {
      // Gaps are 1 ms plus an exponential, so a user's timestamps strictly increase.
      if (v > 0) t += 1 + Math.floor(exponential(U[k++]) * viewGap);
      const itemId = items.pick(U[k], U[k + 1]);
      // The view's actions as a bit mask over action codes (see viewPatterns).
      let mask = patterns.pick(U[k + 2], U[k + 3]);
      k += 4;
      let watched = 0;
      if (mask & (1 << ACTION.play)) {
        // Watch time: log-normal from a Box-Muller normal (made in pairs; the spare waits).
        let z: number;
        if (this.hasSpareNormal) {
          z = this.spareNormal;
          this.hasSpareNormal = false;
        } else {
          const radius = Math.sqrt(-2 * Math.log(1 - U[k]));
          const angle = TWO_PI * U[k + 1];
          k += 2;
          z = radius * Math.cos(angle);
          this.spareNormal = radius * Math.sin(angle);
          this.hasSpareNormal = true;
        }
        watched = Math.round(Math.exp(this.logMedian + PLAY_DURATION.sigma * z));
        watched = watched < PLAY_DURATION.minMs ? PLAY_DURATION.minMs : watched > PLAY_DURATION.maxMs ? PLAY_DURATION.maxMs : watched;
      }
      // One row per action, in action code order (lowest set bit first; impression is bit 0).
      for (;;) {
        const a = 31 - Math.clz32(mask & -mask);
        mask &= mask - 1;
        userWords[2 * j] = userId;
        itemWords[2 * j] = itemId;
        tsWords[2 * j] = t; // a Uint32Array keeps t modulo 2^32: the low word
        tsWords[2 * j + 1] = t / TWO_POW_32; // and truncates the quotient: the high word
        actions[j] = a;
        durations[j++] = a === ACTION.play || a === ACTION.finish ? watched : 0;
        if (mask === 0) break;
        t += 1 + Math.floor(exponential(U[k++]) * inGap);
      }
    }
    random.cursor = k;
    const device = this.deviceOf(userId);
    const region = this.regionOf(userId);
    rows.device.fill(device, first, j);
    rows.region.fill(region, first, j);
    rows.tag.fill(0, first, j);
    rows.length = j;
    this.lastTs[u] = t;
    this.cleanRows += j - first;
  }

  /**
   * A user free at `nominal`: up to ZIPF_TRIES draws by activity, then uniform draws
   * (with at most half of all user-time busy, each finds a free user about half of
   * the time); if every try was busy, the tried user who frees up first, whose
   * session then starts when their break ends.
   */
  private pickUser(nominal: number): number {
    const random = this.random;
    const U = random.values;
    let k = random.cursor;
    const lastTs = this.lastTs;
    const breakMs = this.breakMs;
    let best = -1;
    let found = -1;
    for (let i = 0; i < ZIPF_TRIES && found < 0; i++) {
      const u = this.userTable.pick(U[k], U[k + 1]) - 1;
      k += 2;
      if (lastTs[u] + breakMs <= nominal) found = u;
      else if (best < 0 || lastTs[u] < lastTs[best]) best = u;
    }
    for (let i = 0; i < UNIFORM_TRIES && found < 0; i++) {
      const u = Math.floor(U[k++] * this.opts.users);
      if (lastTs[u] + breakMs <= nominal) found = u;
      else if (lastTs[u] < lastTs[best]) best = u;
    }
    random.cursor = k;
    return found >= 0 ? found : best;
  }
}

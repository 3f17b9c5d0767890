/**
 * What a synthetic short-video user does. The numbers are ours, chosen to look like
 * public descriptions of short-video feeds (most views start playing, about a third
 * of plays finish, a few percent of plays get a like, far fewer a comment, share or
 * follow); they are written here once and shown by `recdata gen events --help`.
 */

/** The action dictionary, in code order (code = index). */
export const ACTIONS = ['impression', 'click', 'play', 'finish', 'like', 'share', 'comment', 'follow'] as const;
export type ActionName = (typeof ACTIONS)[number];
export const ACTION = {
  impression: 0,
  click: 1,
  play: 2,
  finish: 3,
  like: 4,
  share: 5,
  comment: 6,
  follow: 7,
} as const satisfies Record<ActionName, number>;

/**
 * One view of an item is a small funnel, written as consecutive rows in action code
 * order: an impression (always), a click (tap on the card) with FUNNEL.click, a play
 * with FUNNEL.play; after a play, each of finish, like, share, comment, follow with
 * its own rate, independently. Rates after `play` are conditional on the play.
 */
export const FUNNEL = {
  click: 0.03,
  play: 0.75,
  finish: 0.35,
  like: 0.06,
  share: 0.008,
  comment: 0.012,
  follow: 0.004,
} as const;

/**
 * The funnel as one categorical draw per view: every possible set of actions of a
 * view (66 of them: click or not, times no play or play with any of the 32 subsets of
 * follow-ups), each as a bit mask over action codes with the probability the
 * independent steps above give it. One draw from this table has exactly the funnel's
 * distribution, for two uniforms instead of up to seven (and as many branches).
 */
export function viewPatterns(): { masks: Int32Array; probabilities: Float64Array } {
  const masks: number[] = [];
  const probabilities: number[] = [];
  const followUps = [ACTION.finish, ACTION.like, ACTION.share, ACTION.comment, ACTION.follow];
  const followUpRate = [FUNNEL.finish, FUNNEL.like, FUNNEL.share, FUNNEL.comment, FUNNEL.follow];
  for (const click of [false, true]) {
    const pClick = click ? FUNNEL.click : 1 - FUNNEL.click;
    const base = (1 << ACTION.impression) | (click ? 1 << ACTION.click : 0);
    masks.push(base);
    probabilities.push(pClick * (1 - FUNNEL.play));
    for (let subset = 0; subset < 1 << followUps.length; subset++) {
      let mask = base | (1 << ACTION.play);
      let p = pClick * FUNNEL.play;
      for (let f = 0; f < followUps.length; f++) {
        const taken = (subset >> f) & 1;
        if (taken) mask |= 1 << followUps[f];
        p *= taken ? followUpRate[f] : 1 - followUpRate[f];
      }
      masks.push(mask);
      probabilities.push(p);
    }
  }
  return { masks: Int32Array.from(masks), probabilities: Float64Array.from(probabilities) };
}

/** Expected rows per view: 1 + click + play × (1 + finish + like + share + comment + follow). */
export const ROWS_PER_VIEW =
  1 + FUNNEL.click + FUNNEL.play * (1 + FUNNEL.finish + FUNNEL.like + FUNNEL.share + FUNNEL.comment + FUNNEL.follow);

/** The share of rows each action has in clean output (what tests and --help quote). */
export const ACTION_SHARES: Readonly<Record<ActionName, number>> = {
  impression: 1 / ROWS_PER_VIEW,
  click: FUNNEL.click / ROWS_PER_VIEW,
  play: FUNNEL.play / ROWS_PER_VIEW,
  finish: (FUNNEL.play * FUNNEL.finish) / ROWS_PER_VIEW,
  like: (FUNNEL.play * FUNNEL.like) / ROWS_PER_VIEW,
  share: (FUNNEL.play * FUNNEL.share) / ROWS_PER_VIEW,
  comment: (FUNNEL.play * FUNNEL.comment) / ROWS_PER_VIEW,
  follow: (FUNNEL.play * FUNNEL.follow) / ROWS_PER_VIEW,
};

/**
 * Watch time of a play: log-normal with a 9 s median and sigma 0.9 (mean about 13.5 s,
 * a long right tail), kept within [250 ms, 10 min]. A finish row carries the watch
 * time of its play (the video was watched to its end); other actions carry 0.
 */
export const PLAY_DURATION = { medianMs: 9000, sigma: 0.9, minMs: 250, maxMs: 600_000 } as const;

/** Zipf exponent of user activity and of item popularity. */
export const ZIPF_EXPONENT = 1.1;

/**
 * Session timing at full pace. Gaps are exponential, plus 1 ms so a user's
 * timestamps strictly increase: a new view comes after a mean 20 s, the next row of
 * the same view after a mean 2 s. A session has a geometric number of views (mean
 * 12, at most 100), about 25 rows. A user starts a new session only after at least
 * 10 minutes of quiet, so any sessioniser with a gap below 10 minutes finds the
 * sessions as generated.
 */
export const TIMING = {
  viewGapMs: 20_000,
  inViewGapMs: 2_000,
  meanViewsPerSession: 12,
  maxViewsPerSession: 100,
  sessionBreakMs: 600_000,
} as const;

/** Expected rows of a session (the cap at 100 views is ignored: it almost never binds). */
export const ROWS_PER_SESSION = TIMING.meanViewsPerSession * ROWS_PER_VIEW;

/** Expected gap per row at full pace, excluding the 1 ms floor. */
export const GAP_PER_ROW_MS =
  ((TIMING.meanViewsPerSession - 1) * TIMING.viewGapMs + TIMING.meanViewsPerSession * (ROWS_PER_VIEW - 1) * TIMING.inViewGapMs) /
  ROWS_PER_SESSION;

/** Device and region: fixed per user (a hash of the user id and the seed). */
export const DEVICES = ['android', 'ios', 'web', 'tv'] as const;
export const DEVICE_SHARES = [0.55, 0.35, 0.07, 0.03] as const;
export const REGIONS = ['asia-pacific', 'europe', 'north-america', 'latin-america', 'middle-east-africa'] as const;
export const REGION_SHARES = [0.34, 0.2, 0.18, 0.16, 0.12] as const;

/** Cumulative thresholds over 2^32, so a uniform u32 picks a code with one scan. */
export function cumulativeThresholds(shares: readonly number[]): Float64Array {
  const total = shares.reduce((a, b) => a + b, 0);
  const out = new Float64Array(shares.length);
  let acc = 0;
  for (let i = 0; i < shares.length; i++) {
    acc += shares[i] / total;
    out[i] = acc * 4294967296;
  }
  out[shares.length - 1] = 4294967296;
  return out;
}

export function pickCode(thresholds: Float64Array, u32: number): number {
  let i = 0;
  while (u32 >= thresholds[i]) i++;
  return i;
}

/** The help text's table of rates, built from the constants above so it cannot drift. */
export function describeRates(): string {
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
  const lines = [
    `Each view of an item: impression (always), click ${pct(FUNNEL.click)}, play ${pct(FUNNEL.play)}; after a play: finish ${pct(FUNNEL.finish)}, like ${pct(FUNNEL.like)}, share ${pct(FUNNEL.share)}, comment ${pct(FUNNEL.comment)}, follow ${pct(FUNNEL.follow)}.`,
    `Share of rows: ${ACTIONS.map((a) => `${a} ${pct(ACTION_SHARES[a])}`).join(', ')}.`,
  ];
  return lines.join('\n');
}

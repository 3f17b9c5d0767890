import type { Day } from '../registry/dates.js';
import { addTotals, criticalValue, emptyTotals, estimateEffect, type ArmTotals, type Effect, type Interval } from './effects.js';

/** The effect in one 7-day block; blocks end on the as-of date and go back in time. */
export interface WeekEffect {
  start: Day;
  end: Day;
  days: number;
  effect: Effect;
}

export interface DecayCheck {
  /** At least three weeks with an estimate: fewer cannot show a trend. */
  assessed: boolean;
  weeks: number;
  /** Weighted least-squares slope of the weekly lift per week (weights 1/SE²), with its interval. */
  slope: number | null;
  slopeCi: Interval | null;
  /** The pooled effect of the first ceil(K/3) weeks, and the interval of the last ceil(K/3). */
  firstEstimate: number | null;
  lastCi: Interval | null;
  /**
   * The interval of (last weeks' effect - first weeks' estimate): the first estimate's
   * own noise is included, else "the last interval excludes the first estimate" would
   * fire in about 8% of constant effects instead of 2.5%.
   */
  changeCi: Interval | null;
  /** slope's upper bound < 0, or changeCi's upper bound < 0. */
  decaying: boolean;
}

export interface WeeklyTotals {
  start: Day;
  end: Day;
  days: number;
  treatment: ArmTotals;
  control: ArmTotals;
}

/** Groups daily totals into weeks ending at `asOf` (later days are ignored); weeks without both arms are left out. */
export function weeklyTotals(days: Map<Day, { treatment?: ArmTotals; control?: ArmTotals }>, asOf: Day, ratio: boolean): WeeklyTotals[] {
  const weeks = new Map<number, WeeklyTotals>();
  for (const [day, arms] of days) {
    if (day > asOf || !arms.treatment || !arms.control) continue;
    const back = Math.floor((asOf - day) / 7);
    let w = weeks.get(back);
    if (!w) weeks.set(back, (w = { start: asOf - 7 * back - 6, end: asOf - 7 * back, days: 0, treatment: emptyTotals(ratio), control: emptyTotals(ratio) }));
    w.days++;
    addTotals(w.treatment, arms.treatment);
    addTotals(w.control, arms.control);
  }
  return [...weeks.values()].filter((w) => w.treatment.n >= 2 && w.control.n >= 2).sort((a, b) => a.start - b.start);
}

export function weeklyEffects(weeks: WeeklyTotals[], confidence: number): WeekEffect[] {
  return weeks.map((w) => ({ start: w.start, end: w.end, days: w.days, effect: estimateEffect(w.treatment, w.control, confidence) }));
}

/**
 * Does the effect fade? Two one-sided looks (docs/strategy-stats.md, section 5): a
 * significant downward trend in the weekly lifts, or the last weeks' effect
 * significantly below the first weeks' estimate. Each alone fires in about 2.5% of
 * runs when the effect is constant, so together in at most 5%.
 */
export function decayCheck(weeks: WeeklyTotals[], effects: WeekEffect[], confidence: number, ratio: boolean): DecayCheck {
  const usable = effects.map((e, i) => ({ e, w: weeks[i] })).filter(({ e }) => e.effect.liftSe > 0 && Number.isFinite(e.effect.liftSe));
  const none: DecayCheck = { assessed: false, weeks: usable.length, slope: null, slopeCi: null, firstEstimate: null, lastCi: null, changeCi: null, decaying: false };
  if (usable.length < 3) return none;
  // Week index by calendar position, so a missing week keeps its gap.
  const x = usable.map(({ e }) => (e.start - usable[0].e.start) / 7);
  const y = usable.map(({ e }) => e.effect.lift);
  const wt = usable.map(({ e }) => 1 / (e.effect.liftSe * e.effect.liftSe));
  const sw = wt.reduce((a, b) => a + b, 0);
  const xBar = wt.reduce((a, w, i) => a + w * x[i], 0) / sw;
  const yBar = wt.reduce((a, w, i) => a + w * y[i], 0) / sw;
  const sxx = wt.reduce((a, w, i) => a + w * (x[i] - xBar) ** 2, 0);
  const sxy = wt.reduce((a, w, i) => a + w * (x[i] - xBar) * (y[i] - yBar), 0);
  const slope = sxy / sxx;
  const slopeSe = Math.sqrt(1 / sxx);
  const z = criticalValue(confidence, Infinity);
  const slopeCi: Interval = [slope - z * slopeSe, slope + z * slopeSe];

  const k = Math.ceil(usable.length / 3);
  const pool = (part: typeof usable) => {
    const t = emptyTotals(ratio);
    const c = emptyTotals(ratio);
    for (const { w } of part) {
      addTotals(t, w.treatment);
      addTotals(c, w.control);
    }
    return estimateEffect(t, c, confidence);
  };
  const first = pool(usable.slice(0, k));
  const last = pool(usable.slice(usable.length - k));
  const change = last.lift - first.lift;
  const changeSe = Math.sqrt(last.liftSe * last.liftSe + first.liftSe * first.liftSe);
  const changeCi: Interval = [change - z * changeSe, change + z * changeSe];
  const decaying = slopeCi[1] < 0 || changeCi[1] < 0;
  return { assessed: true, weeks: usable.length, slope, slopeCi, firstEstimate: first.lift, lastCi: last.ci, changeCi, decaying };
}

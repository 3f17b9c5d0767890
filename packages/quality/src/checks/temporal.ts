import type { Data, RecordBatch } from 'apache-arrow';
import { KeyColumn, foldKey } from '../columns/keys.js';
import { timesMs, type TimeColumn } from '../columns/time.js';
import { displayValue, numberAt } from '../columns/values.js';
import { KeyTable } from './key-table.js';
import { WorstRows, type FlaggedSink } from './result.js';

/**
 * The temporal checks of behaviour sequences, per user, in one pass with state
 * per user (O(users), never O(events)); docs/quality-checks.md states what each
 * guarantees:
 *
 * - future_ts: ts > now + skew. Such rows are left out of the checks below except
 *   duplicates (as gen's definitions say).
 * - out_of_order: ts earlier than the latest ts among the same user's earlier rows
 *   (a tie is not out of order). Exact: the latest ts per user is all it needs.
 * - duplicates: a row whose (user, ts, key columns) equals an earlier row's, where
 *   no row of that user with another ts came in between. Per user: the ts of its
 *   last row and the keys seen at that ts (up to RUN_KEY_LIMIT of them). Every
 *   duplicate written next to its original in the user's sequence is found (gen's
 *   duplicates are written right after the original); a copy that arrives after
 *   the user has moved on to another ts is not (that would need every key ever seen).
 * - burst: more than max_events rows of one user within `window` (inclusive).
 *   Per user in a burst-prone phase: the last max_events timestamps (a ring from a
 *   pool, released once the user has been quiet for a window, or once the stream
 *   has moved an hour past the user's last row). Exact for users whose rows arrive
 *   in ts order and less than an hour behind the latest ts seen. Also, rows of one
 *   user that come consecutively (input grouped by user, like a per-user dump) are
 *   buffered while they come and, if any arrived late, sorted and scanned when the
 *   run ends: a burst whose rows lie in one such run is found whatever their order.
 * - impossible_values: a negative duration, or a duration longer than the gap to
 *   the same user's next row (for rows in ts order; duration converted to ms).
 */
export const RUN_KEY_LIMIT = 1024;
/** Times kept of one run of consecutive rows of a user (for bursts in input not in ts order). */
export const RUN_BUFFER_LIMIT = 1 << 20;

export interface TemporalConfig {
  userIndex: number;
  time: TimeColumn;
  nowMs: number;
  /** Rows with ts beyond this are "future" (now + skew); +Infinity when there is no future_ts check. */
  futureAfterMs: number;
  future: { id: string } | null;
  outOfOrder: { id: string } | null;
  duplicates: { id: string; keyIndices: number[] } | null;
  burst: { id: string; maxEvents: number; windowMs: number } | null;
  impossible: { id: string; durationIndex: number; msPerUnit: number } | null;
  worstLimit: number;
  /** Set before each batch by the runner. */
  flagged: FlaggedSink | null;
  /** Column indices shown with worst rows: user, item, ts, action, duration (when present). */
  showIndices: { name: string; index: number }[];
}

export interface TemporalCounts {
  rowsWithTime: number;
  nullUser: number;
  nullTime: number;
  users: number;
  future: number;
  outOfOrder: number;
  duplicates: number;
  untrackedDuplicateKeys: number;
  burstUsers: number;
  burstRows: number;
  impossible: number;
  runsTooLong: number;
  negativeDurations: number;
  longerThanGap: number;
}

const SWEEP_ROWS = 1 << 16;
/** A ring is dropped once the stream is this far past the user's last row. */
export const SWEEP_HORIZON_MS = 3_600_000;

export class TemporalScanner {
  readonly counts: TemporalCounts = {
    rowsWithTime: 0,
    nullUser: 0,
    nullTime: 0,
    users: 0,
    future: 0,
    outOfOrder: 0,
    duplicates: 0,
    untrackedDuplicateKeys: 0,
    burstUsers: 0,
    burstRows: 0,
    impossible: 0,
    runsTooLong: 0,
    negativeDurations: 0,
    longerThanGap: 0,
  };
  readonly worst = {
    future: new WorstRows(0),
    outOfOrder: new WorstRows(0),
    duplicates: new WorstRows(0),
    impossible: new WorstRows(0),
  };
  private readonly users = new KeyTable(4096);
  private readonly userKeys = new KeyColumn();
  private readonly dupKeyColumns: KeyColumn[];
  private times = new Float64Array(0);
  private packed = new Float64Array(0);
  private durations = new Float64Array(0);
  private durationValid = new Uint8Array(0);
  private readonly key = new Uint32Array(2);
  // Per-user state, grown with the user table.
  private cap = 0;
  private maxTs = new Float64Array(0);
  private runTs = new Float64Array(0);
  private runHi = new Uint32Array(0);
  private runLo = new Uint32Array(0);
  private runMore = new Int32Array(0);
  private prevTs = new Float64Array(0);
  private prevDur = new Float64Array(0);
  private prevRow = new Float64Array(0);
  private lastInOrder = new Float64Array(0);
  private ring = new Int32Array(0);
  private ringCount = new Int32Array(0);
  private ringPos = new Int32Array(0);
  private burstCount = new Float64Array(0);
  private burstFirstRow = new Float64Array(0);
  private burstFirstTs = new Float64Array(0);
  /** Keys beyond the first at a user's current ts: user → keys "hi:lo". */
  private readonly runSets = new Map<number, Set<string>>();
  // The ring pool for bursts.
  private ringPool = new Float64Array(0);
  private ringOwner = new Int32Array(0);
  private readonly freeRings: number[] = [];
  private ringsUsed = 0;
  private globalMaxTs = -Infinity;
  private rowsSinceSweep = 0;
  /** The first row of each bot user's first burst, by user index, for reports. */
  private readonly burstDisplay = new Map<number, Record<string, unknown>>();

  constructor(private readonly config: TemporalConfig) {
    const w = config.worstLimit;
    this.worst.future = new WorstRows(w);
    this.worst.outOfOrder = new WorstRows(w);
    this.worst.duplicates = new WorstRows(w);
    this.worst.impossible = new WorstRows(w);
    this.dupKeyColumns = (config.duplicates?.keyIndices ?? []).map(() => new KeyColumn());
    this.growUsers(4096);
  }

  private growUsers(need: number): void {
    if (need <= this.cap) return;
    let cap = Math.max(this.cap * 2, 4096);
    while (cap < need) cap *= 2;
    const f64 = (a: Float64Array, fill: number) => {
      const b = new Float64Array(cap).fill(fill);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array, fill: number) => {
      const b = new Int32Array(cap).fill(fill);
      b.set(a);
      return b;
    };
    const u32 = (a: Uint32Array) => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    this.maxTs = f64(this.maxTs, -Infinity);
    this.runTs = f64(this.runTs, NaN);
    this.runHi = u32(this.runHi);
    this.runLo = u32(this.runLo);
    this.runMore = i32(this.runMore, 0);
    this.prevTs = f64(this.prevTs, NaN);
    this.prevDur = f64(this.prevDur, NaN);
    this.prevRow = f64(this.prevRow, -1);
    this.lastInOrder = f64(this.lastInOrder, -Infinity);
    this.ring = i32(this.ring, -1);
    this.ringCount = i32(this.ringCount, 0);
    this.ringPos = i32(this.ringPos, 0);
    this.burstCount = f64(this.burstCount, 0);
    this.burstFirstRow = f64(this.burstFirstRow, -1);
    this.burstFirstTs = f64(this.burstFirstTs, NaN);
    this.cap = cap;
  }

  private show(children: Data[], i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const { name, index } of this.config.showIndices) {
      const v = displayValue(children[index], i);
      values[name] = index === this.config.time.index && typeof v === 'number' ? isoOf(v * this.config.time.msPerUnit) : v;
    }
    return { ...values, ...extra };
  }

  /** Where row-level findings of the next batches go. */
  setFlagged(sink: FlaggedSink | null): void {
    this.config.flagged = sink;
  }

  add(batch: RecordBatch, firstRow: number): void {
    const n = batch.numRows;
    if (n === 0) return;
    const cfg = this.config;
    const children = batch.data.children;
    if (this.times.length < n) {
      this.times = new Float64Array(n);
      this.packed = new Float64Array(n);
    }
    const times = this.times;
    timesMs(children[cfg.time.index], cfg.time, times, this.packed);
    const userKeys = this.userKeys;
    userKeys.read(children[cfg.userIndex]);
    const dup = cfg.duplicates;
    if (dup) dup.keyIndices.forEach((idx, j) => this.dupKeyColumns[j].read(children[idx]));
    const imp = cfg.impossible;
    if (imp) this.readDurations(children[imp.durationIndex], n);
    const burst = cfg.burst;
    const flagged = cfg.flagged;
    const futureAfter = cfg.futureAfterMs;
    const key = this.key;
    const c = this.counts;

    for (let i = 0; i < n; i++) {
      const row = firstRow + i;
      if (!userKeys.valid[i]) {
        c.nullUser++;
        continue;
      }
      const t = times[i];
      if (t !== t) {
        c.nullTime++;
        continue;
      }
      c.rowsWithTime++;
      const u = this.users.getOrAdd(userKeys.hi[i], userKeys.lo[i]);
      if (this.users.added && u >= this.cap) this.growUsers(u + 1);
      const isFuture = t > futureAfter;
      if (isFuture && cfg.future) {
        c.future++;
        const ahead = t - cfg.nowMs;
        if (this.worst.future.wants(ahead)) this.worst.future.add(row, ahead, this.show(children, i, { ahead_of_now: msText(ahead) }));
        flagged?.add(row, cfg.future.id, `ts ${isoOf(t)} is ${msText(ahead)} after now`);
      }

      if (dup) {
        key[0] = 0x243f6a88;
        key[1] = 0x85a308d3;
        for (let j = 0; j < this.dupKeyColumns.length; j++) {
          const kc = this.dupKeyColumns[j];
          if (kc.valid[i]) foldKey(key, kc.hi[i], kc.lo[i]);
          else foldKey(key, 0x6e756c6c, 0x6e756c6c); // "null": nulls equal each other
        }
        if (this.runTs[u] === t) {
          if (this.runHi[u] === key[0] && this.runLo[u] === key[1]) this.duplicate(children, i, row, t, dup.id);
          else {
            let set = this.runSets.get(u);
            const k = `${key[0]}:${key[1]}`;
            if (set && set.has(k)) this.duplicate(children, i, row, t, dup.id);
            else if (!set || set.size < RUN_KEY_LIMIT) {
              if (!set) this.runSets.set(u, (set = new Set()));
              set.add(k);
            } else c.untrackedDuplicateKeys++;
          }
        } else {
          this.runTs[u] = t;
          this.runHi[u] = key[0];
          this.runLo[u] = key[1];
          if (this.runSets.size > 0) this.runSets.delete(u);
        }
      }

      if (isFuture) continue;
      const before = this.maxTs[u];
      const inOrder = t >= before;
      if (!inOrder) {
        if (cfg.outOfOrder) {
          c.outOfOrder++;
          const lag = before - t;
          if (this.worst.outOfOrder.wants(lag)) this.worst.outOfOrder.add(row, lag, this.show(children, i, { latest_earlier_ts: isoOf(before), behind_by: msText(lag) }));
          flagged?.add(row, cfg.outOfOrder.id, `ts ${isoOf(t)} is ${msText(lag)} before the user's latest earlier ts ${isoOf(before)}`);
        }
      } else {
        this.maxTs[u] = t;
        if (t > this.globalMaxTs) this.globalMaxTs = t;
      }

      if (imp) {
        const d = this.durationValid[i] ? this.durations[i] : NaN;
        if (d < 0) {
          c.impossible++;
          c.negativeDurations++;
          const score = -d;
          if (this.worst.impossible.wants(score)) this.worst.impossible.add(row, score, this.show(children, i, { problem: `negative duration ${msText(d)}` }));
          flagged?.add(row, imp.id, `negative duration ${msText(d)}`);
        }
        if (inOrder) {
          const pd = this.prevDur[u];
          const pt = this.prevTs[u];
          if (pd === pd && pt === pt) {
            const gap = t - pt;
            if (pd > gap) {
              c.impossible++;
              c.longerThanGap++;
              const prow = this.prevRow[u];
              const excess = pd - gap;
              if (this.worst.impossible.wants(excess)) {
                this.worst.impossible.add(prow, excess, { ...this.show(children, i), problem: `duration ${msText(pd)} of row ${prow} is longer than the ${msText(gap)} gap to the user's next row (row ${row})` });
              }
              flagged?.add(prow, imp.id, `duration ${msText(pd)} is longer than the ${msText(gap)} gap to the user's next row (row ${row})`);
            }
          }
          this.prevTs[u] = t;
          this.prevDur[u] = d;
          this.prevRow[u] = row;
        }
      }

      if (burst) {
        if (inOrder) this.burstStep(u, t, row, children, i, burst);
        this.runStep(u, t, row, inOrder, children, i, burst);
      }
    }
    if (burst) {
      this.rowsSinceSweep += n;
      if (this.rowsSinceSweep >= SWEEP_ROWS) {
        this.rowsSinceSweep = 0;
        this.sweepRings(burst.windowMs);
      }
    }
    c.users = this.users.size;
  }

  /**
   * Runs of consecutive rows of one user: their times are buffered (up to
   * RUN_BUFFER_LIMIT) and, when the run held a late row, sorted and scanned for
   * bursts when it ends, so input grouped by user (not by time) is covered too.
   */
  private runStep(u: number, t: number, row: number, inOrder: boolean, children: Data[], i: number, burst: { id: string; maxEvents: number; windowMs: number }): void {
    if (u !== this.runUser) {
      this.endRun(burst);
      this.runUser = u;
      this.runLength = 0;
      this.runLate = false;
      this.runChildren = children;
      this.runIndex = i;
    }
    if (!inOrder) this.runLate = true;
    if (this.runLength < RUN_BUFFER_LIMIT) {
      if (this.runLength === this.runBuffer.length) {
        const grown = new Float64Array(Math.min(RUN_BUFFER_LIMIT, this.runBuffer.length * 2));
        grown.set(this.runBuffer);
        this.runBuffer = grown;
      }
      this.runBuffer[this.runLength] = t;
      this.runRows[this.runLength] = row;
      this.runLength++;
    } else this.counts.runsTooLong++;
  }

  private endRun(burst: { id: string; maxEvents: number; windowMs: number }): void {
    const u = this.runUser;
    if (u < 0 || !this.runLate || this.burstCount[u] > 0) return;
    const n = this.runLength;
    const N = burst.maxEvents;
    if (n <= N) return;
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => this.runBuffer[a] - this.runBuffer[b] || a - b);
    for (let k = 0; k + N < n; k++) {
      const first = this.runBuffer[order[k]];
      const last = this.runBuffer[order[k + N]];
      if (last - first <= burst.windowMs) {
        const row = this.runRows[order[k + N]];
        this.counts.burstUsers++;
        this.burstCount[u] = 1;
        this.burstFirstRow[u] = row;
        this.burstFirstTs[u] = last;
        this.burstDisplay.set(u, this.runChildren ? this.show(this.runChildren, this.runIndex) : {});
        this.config.flagged?.add(row, burst.id, `more than ${N} rows of this user within ${msText(burst.windowMs)} (from ${isoOf(first)} to ${isoOf(last)}; found in a run of the user's rows not in ts order)`);
        return;
      }
    }
  }

  /** Ends the last run (call once after the last batch). */
  finish(): void {
    if (this.config.burst) {
      this.endRun(this.config.burst);
      this.runUser = -1;
    }
  }

  private runUser = -1;
  private runLength = 0;
  private runLate = false;
  /** The batch (columns) holding the run's first row, kept until the run ends, for its display values. */
  private runChildren: Data[] | null = null;
  private runIndex = 0;
  private runBuffer = new Float64Array(1024);
  private runRows: number[] = [];

  private duplicate(children: Data[], i: number, row: number, t: number, id: string): void {
    this.counts.duplicates++;
    if (this.worst.duplicates.wants(-row)) this.worst.duplicates.add(row, -row, this.show(children, i));
    this.config.flagged?.add(row, id, `same user, ts ${isoOf(t)} and key as an earlier row`);
  }

  private readDurations(data: Data, n: number): void {
    if (this.durations.length < n) {
      this.durations = new Float64Array(n);
      this.durationValid = new Uint8Array(n);
    }
    const scale = this.config.impossible!.msPerUnit;
    for (let i = 0; i < n; i++) {
      const v = numberAt(data, i);
      this.durationValid[i] = v === null || v !== v ? 0 : 1;
      this.durations[i] = v === null ? NaN : v * scale;
    }
  }

  private burstStep(u: number, t: number, row: number, children: Data[], i: number, burst: { id: string; maxEvents: number; windowMs: number }): void {
    const N = burst.maxEvents;
    const last = this.lastInOrder[u];
    this.lastInOrder[u] = t;
    let r = this.ring[u];
    if (!(t - last <= burst.windowMs)) {
      // Quiet for a window: only this row is in the window, no ring needed yet.
      if (r >= 0) this.releaseRing(u);
      return;
    }
    if (r < 0) {
      // Two rows within a window: from here on keep the last N timestamps.
      r = this.allocRing(u, N);
      this.ringPool[r * N] = last;
      this.ringCount[u] = 1;
      this.ringPos[u] = 1 % N;
    }
    const count = this.ringCount[u];
    const pos = this.ringPos[u];
    const base = r * N;
    if (count === N) {
      // The ring holds the user's previous N rows; the oldest is at pos.
      const oldest = this.ringPool[base + pos];
      if (t - oldest <= burst.windowMs) {
        this.counts.burstRows++;
        if (this.burstCount[u] === 0) {
          this.counts.burstUsers++;
          this.burstFirstRow[u] = row;
          this.burstFirstTs[u] = t;
          this.burstDisplay.set(u, this.show(children, i));
          this.config.flagged?.add(row, burst.id, `more than ${N} rows of this user within ${msText(burst.windowMs)} (from ${isoOf(oldest)} to ${isoOf(t)})`);
        }
        this.burstCount[u]++;
      }
    }
    this.ringPool[base + pos] = t;
    this.ringPos[u] = (pos + 1) % N;
    if (count < N) this.ringCount[u] = count + 1;
  }

  private allocRing(u: number, N: number): number {
    let r = this.freeRings.pop();
    if (r === undefined) {
      r = this.ringsUsed++;
      if (r >= this.ringOwner.length) {
        const cap = Math.max(64, this.ringOwner.length * 2);
        const owner = new Int32Array(cap).fill(-1);
        owner.set(this.ringOwner);
        this.ringOwner = owner;
        const pool = new Float64Array(cap * N);
        pool.set(this.ringPool);
        this.ringPool = pool;
      }
    }
    this.ringOwner[r] = u;
    this.ring[u] = r;
    return r;
  }

  private releaseRing(u: number): void {
    const r = this.ring[u];
    this.ring[u] = -1;
    this.ringOwner[r] = -1;
    this.freeRings.push(r);
  }

  /**
   * Releases the rings of users whose last row is more than SWEEP_HORIZON_MS (or
   * the window, if longer) behind the latest ts seen: memory follows the users
   * active in the last hour of stream time, not all users.
   */
  private sweepRings(windowMs: number): void {
    const horizon = this.globalMaxTs - Math.max(windowMs, SWEEP_HORIZON_MS);
    for (let r = 0; r < this.ringsUsed; r++) {
      const u = this.ringOwner[r];
      if (u >= 0 && this.lastInOrder[u] < horizon) this.releaseRing(u);
    }
  }

  /** Ring slots in use (for the memory test). */
  get ringsInUse(): number {
    return this.ringsUsed - this.freeRings.length;
  }

  /** Bot users, most burst rows first: user values, first row, first ts, rows completing a burst window. */
  botUsers(limit: number): Record<string, unknown>[] {
    const list: { u: number; count: number; row: number }[] = [];
    for (let u = 0; u < this.users.size; u++) if (this.burstCount[u] > 0) list.push({ u, count: this.burstCount[u], row: this.burstFirstRow[u] });
    list.sort((a, b) => b.count - a.count || a.row - b.row);
    return list.slice(0, limit).map((e) => ({ row: e.row, ...this.burstDisplay.get(e.u), burst_rows: e.count, first_burst_at: isoOf(this.burstFirstTs[e.u]) }));
  }

  /** Every bot user's display value, sorted (for the report and tests). */
  botUserValues(): unknown[] {
    const col = this.config.showIndices.find((s) => s.index === this.config.userIndex)?.name;
    const out: unknown[] = [];
    for (const [, values] of this.burstDisplay) out.push(col ? values[col] : null);
    return out.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1));
  }
}

export function isoOf(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const d = new Date(Math.round(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export function msText(ms: number): string {
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (a < 1000) return `${sign}${Math.round(a * 1000) / 1000} ms`;
  if (a < 120_000) return `${sign}${Math.round(a / 10) / 100} s`;
  if (a < 7_200_000) return `${sign}${Math.round(a / 600) / 100} min`;
  if (a < 172_800_000) return `${sign}${Math.round(a / 36_000) / 100} h`;
  return `${sign}${Math.round(a / 864_000) / 100} d`;
}


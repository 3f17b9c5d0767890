import type { Data, Table } from 'apache-arrow';

/**
 * What each defect kind means in an event stream, exactly: `gen events --anomalies`
 * makes them, its truth file lists them, and quality checks count them the same way.
 * Clean output (no --anomalies) has none of any kind. `findDefects` below is the
 * reference implementation of these sentences.
 */
export const DEFECT_DEFINITIONS = {
  duplicates: 'a row whose (user_id, item_id, ts, action) equals that of an earlier row; the first occurrence is not a defect, each later one is',
  out_of_order: "a row whose ts is earlier than the latest ts among the same user's earlier rows, leaving rows with future_ts out on both sides (a tie is not out of order)",
  future_ts: 'a row whose ts is more than one day after the end of the time range: ts > time_range.end_ms + 86400000 (= future_after_ms)',
  null_item: 'a row whose item_id is null',
  bot_users: 'a user with at least 50 rows whose ts lie within 10 s of each other (any window); each injected burst is listed with its rows, which are consecutive in the output',
} as const;

export const BURST_RULE = { rows: 50, windowMs: 10_000 } as const;

/** Events as plain columns (item null where missing); row i is the i-th row of the stream. */
export interface EventColumns {
  user: ArrayLike<number>;
  item: ArrayLike<number | null>;
  ts: ArrayLike<number>;
  action: ArrayLike<string | number>;
}

export interface FoundDefects {
  duplicates: number[];
  outOfOrder: number[];
  futureTs: number[];
  nullItem: number[];
  botUsers: number[];
}

/** Rows (0-based) of each defect kind per DEFECT_DEFINITIONS; botUsers is sorted user ids. */
export function findDefects(events: EventColumns, futureAfterMs: number): FoundDefects {
  const found: FoundDefects = { duplicates: [], outOfOrder: [], futureTs: [], nullItem: [], botUsers: [] };
  const keys = new Set<string>();
  const latest = new Map<number, number>();
  const perUser = new Map<number, number[]>();
  const n = events.ts.length;
  for (let i = 0; i < n; i++) {
    const user = events.user[i];
    const item = events.item[i];
    const ts = events.ts[i];
    const key = `${user}\u0000${item}\u0000${ts}\u0000${events.action[i]}`;
    if (keys.has(key)) found.duplicates.push(i);
    else keys.add(key);
    if (item === null) found.nullItem.push(i);
    if (ts > futureAfterMs) {
      found.futureTs.push(i);
      continue;
    }
    const before = latest.get(user);
    if (before !== undefined && ts < before) found.outOfOrder.push(i);
    if (before === undefined || ts > before) latest.set(user, ts);
    let list = perUser.get(user);
    if (!list) perUser.set(user, (list = []));
    list.push(ts);
  }
  for (const [user, list] of perUser) {
    if (list.length < BURST_RULE.rows) continue;
    const sorted = Float64Array.from(list).sort();
    for (let i = 0; i + BURST_RULE.rows - 1 < sorted.length; i++) {
      if (sorted[i + BURST_RULE.rows - 1] - sorted[i] <= BURST_RULE.windowMs) {
        found.botUsers.push(user);
        break;
      }
    }
  }
  found.botUsers.sort((a, b) => a - b);
  return found;
}

/**
 * The event columns of a table of `gen events` output (ids and ts as numbers: they
 * are below 2^53), read chunk by chunk from the typed arrays.
 */
export function eventColumnsOf(table: Table): EventColumns {
  const chunks = (name: string): readonly Data[] => {
    const col = table.getChild(name);
    if (!col) throw new Error(`no column ${name}`);
    return col.data;
  };
  const numbers = (name: string): (number | null)[] => {
    const out: (number | null)[] = [];
    for (const d of chunks(name)) {
      const values = d.values as BigUint64Array | BigInt64Array;
      for (let i = 0; i < d.length; i++) out.push(d.getValid(i) ? Number(values[i]) : null);
    }
    return out;
  };
  const strings = (name: string): string[] => {
    const out: string[] = [];
    for (const d of chunks(name)) {
      const words = d.dictionary!.toArray() as string[];
      const codes = d.values as Int32Array;
      for (let i = 0; i < d.length; i++) out.push(words[codes[i]]);
    }
    return out;
  };
  return { user: numbers('user_id') as number[], item: numbers('item_id'), ts: numbers('ts') as number[], action: strings('action') };
}

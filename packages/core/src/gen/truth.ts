import { DAY_MS, formatAnomalies, type AnomalySpec } from './anomalies.js';
import { ACTIONS } from './behaviour.js';
import { DEFECT_DEFINITIONS } from './defects.js';
import { TAG, type EventRows } from './event-rows.js';

export interface TimeRange {
  startMs: number;
  endMs: number;
}

interface Burst {
  user_id: number;
  first_row: number;
  rows: number;
  start_ts: number;
  end_ts: number;
}

/**
 * What was injected, exactly, as rows of the output are written: the truth file that
 * quality checks measure their recall against. Only defects that made it into the
 * output are listed (a run cut at --events rows may end before a copy or a late
 * event). Rows are 0-based positions in the whole output stream. The file is
 * complete once the stream has been read to its end.
 */
export class TruthRecorder {
  private readonly duplicates: { row: number; original_row: number; user_id: number; item_id: number; ts: number; action: string }[] = [];
  private readonly outOfOrder: { row: number; user_id: number; ts: number; previous_ts: number }[] = [];
  private readonly futureTs: { row: number; user_id: number; ts: number }[] = [];
  private readonly nullItem: number[] = [];
  private readonly bursts: Burst[] = [];
  private lastBurst = -1;

  private readonly params: Record<string, unknown>;
  private readonly anomalies: AnomalySpec;
  private readonly rows: number;
  private readonly range: TimeRange;
  private readonly futureAfterMs: number;
  private readonly botUserIds: number[];

  constructor(run: { params: Record<string, unknown>; anomalies: AnomalySpec; rows: number; range: TimeRange; botUserIds: number[] }) {
    this.params = run.params;
    this.anomalies = run.anomalies;
    this.rows = run.rows;
    this.range = run.range;
    this.futureAfterMs = run.range.endMs + DAY_MS;
    this.botUserIds = run.botUserIds;
  }

  /** Records row `i` of `rows`, written at output position `row` (its tag says what it is). */
  note(rows: EventRows, i: number, row: number): void {
    const userId = rows.user(i);
    switch (rows.tag[i]) {
      case TAG.duplicate:
        this.duplicates.push({ row, original_row: row - 1, user_id: userId, item_id: rows.item(i), ts: rows.ts(i), action: ACTIONS[rows.action[i]] });
        break;
      case TAG.outOfOrder:
        // The swap put the same user's next event right before this one.
        this.outOfOrder.push({ row, user_id: userId, ts: rows.ts(i), previous_ts: rows.ts(i - 1) });
        break;
      case TAG.futureTs:
        this.futureTs.push({ row, user_id: userId, ts: rows.ts(i) });
        break;
      case TAG.nullItem:
        this.nullItem.push(row);
        break;
      case TAG.bot: {
        const burst = rows.aux[i];
        if (burst !== this.lastBurst) {
          this.lastBurst = burst;
          this.bursts.push({ user_id: userId, first_row: row, rows: 0, start_ts: rows.ts(i), end_ts: rows.ts(i) });
        }
        const b = this.bursts[this.bursts.length - 1];
        b.rows++;
        b.end_ts = rows.ts(i);
        break;
      }
    }
  }

  /** The truth file: fixed key order, one record per line, exact integers. */
  toJSON(): string {
    const botsPresent = this.botUserIds.filter((id) => this.bursts.some((b) => b.user_id === id));
    const lines: string[] = [];
    const put = (key: string, value: unknown, last = false) => lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${last ? '' : ','}`);
    const putList = (key: string, count: number, listKey: string, items: unknown[], extra: [string, unknown][] = [], last = false) => {
      lines.push(`  ${JSON.stringify(key)}: {`);
      lines.push(`    "count": ${count},`);
      for (const [k, v] of extra) lines.push(`    ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
      if (items.length === 0) lines.push(`    ${JSON.stringify(listKey)}: []`);
      else {
        lines.push(`    ${JSON.stringify(listKey)}: [`);
        items.forEach((item, i) => lines.push(`      ${JSON.stringify(item)}${i + 1 < items.length ? ',' : ''}`));
        lines.push('    ]');
      }
      lines.push(`  }${last ? '' : ','}`);
    };
    lines.push('{');
    put('format', 'recdata.gen-events.truth/1');
    put('params', this.params);
    put('anomalies', formatAnomalies(this.anomalies));
    put('rows', this.rows);
    put('time_range', { start_ms: this.range.startMs, end_ms: this.range.endMs, future_after_ms: this.futureAfterMs });
    put('definitions', DEFECT_DEFINITIONS);
    putList('duplicates', this.duplicates.length, 'events', this.duplicates);
    putList('out_of_order', this.outOfOrder.length, 'events', this.outOfOrder);
    putList('future_ts', this.futureTs.length, 'events', this.futureTs);
    putList('null_item', this.nullItem.length, 'rows', this.nullItem);
    putList('bot_users', botsPresent.length, 'bursts', this.bursts, [['user_ids', botsPresent]], true);
    lines.push('}');
    return lines.join('\n') + '\n';
  }
}

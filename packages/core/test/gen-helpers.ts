import { Table, tableToIPC } from 'apache-arrow';
import { collect } from '@recdata/core';
import { eventColumnsOf, generateEvents, parseGenEventsFlags, type EventColumns, type GenEventsFlags } from '@recdata/core/gen';

/** Every column of `gen events` output as plain numbers and strings, row by row. */
export interface Events extends EventColumns {
  user: number[];
  item: (number | null)[];
  ts: number[];
  action: string[];
  duration: number[];
  device: string[];
  region: string[];
  length: number;
}

export function eventsOf(table: Table): Events {
  const base = eventColumnsOf(table);
  const strings = (name: string) => table.getChild(name)!.data.flatMap((d) => Array.from((d.values as Int32Array).subarray(0, d.length), (code) => d.dictionary!.get(code) as string));
  return {
    user: base.user as number[],
    item: base.item as (number | null)[],
    ts: base.ts as number[],
    action: base.action as string[],
    duration: table.getChild('duration_ms')!.data.flatMap((d) => Array.from((d.values as Uint32Array).subarray(0, d.length))),
    device: strings('device'),
    region: strings('region'),
    length: table.numRows,
  };
}

/** Runs the generator in-process with flag-like options; returns the table and the truth. */
export async function generate(flags: GenEventsFlags) {
  const generated = generateEvents(parseGenEventsFlags(flags));
  const batches = await collect(generated.stream);
  const table = new Table(generated.stream.schema, batches);
  return { table, batches, events: eventsOf(table), truth: JSON.parse(generated.truth.toJSON()), generated };
}

export const ipcBytes = (table: Table) => Buffer.from(tableToIPC(table, 'stream'));

import type { Data, DataType, Schema } from 'apache-arrow';
import { dictionaryIdsOf, ipcColumnLayout } from '@recdata/core';
import type { Promotion } from './kernels.js';
import type { ColumnStep, ResolutionPlan } from './plan.js';

// Which columns of a relayed record batch are relayed, read ahead, converted or
// filled: decided once per stream from the plan (relay.ts uses it per message).

export interface ColumnLayout {
  nodeStart: number;
  nodes: number;
  bufferStart: number;
  buffers: number;
}

const hasDictionary = (type: DataType) => dictionaryIdsOf(type).length > 0;

/** How each output column is made in a relayed message. */
export type OutputColumn =
  | { kind: 'pass'; input: number; splice: boolean }
  | { kind: 'convert'; input: number; convert: (d: Data) => Data; promotion?: Promotion; deferred: boolean }
  | { kind: 'fill'; fill: (n: number) => Data };

export interface RelayLayout {
  columns: ColumnLayout[];
  totalNodes: number;
  totalBuffers: number;
  outputs: OutputColumn[];
  /** Input columns read into memory before the header is written. */
  materialized: Set<number>;
  /** Input dictionary id -> output dictionary id, for the dictionaries of unchanged columns (others are dropped). */
  dictionaryMap: Map<number, number>;
}

/**
 * Whether the plan can be relayed: every input type has a known IPC layout and no
 * column that changes (or is filled) involves a dictionary. null otherwise (the
 * batch operator takes over).
 */
export function relayLayout(input: Schema, plan: ResolutionPlan): RelayLayout | null {
  const columns: ColumnLayout[] = [];
  let nodes = 0;
  let buffers = 0;
  for (const f of input.fields) {
    const l = ipcColumnLayout(f.type);
    if (!l) return null;
    columns.push({ nodeStart: nodes, nodes: l.nodes, bufferStart: buffers, buffers: l.buffers });
    nodes += l.nodes;
    buffers += l.buffers;
  }
  const outputs: OutputColumn[] = [];
  const materialized = new Set<number>();
  const dictionaryMap = new Map<number, number>();
  // Input columns are consumed in order: relayed ones, and promotions (whose output
  // size the header alone tells), as long as their inputs come in output order.
  let lastStreamed = -1;
  for (const step of plan.steps as ColumnStep[]) {
    if (step.kind === 'fill') {
      if (hasDictionary(step.field.type)) return null;
      outputs.push({ kind: 'fill', fill: step.fill });
    } else if (step.kind === 'convert') {
      if (hasDictionary(step.field.type) || hasDictionary(input.fields[step.source].type)) return null;
      const deferred = step.promotion !== undefined && step.source > lastStreamed;
      if (deferred) lastStreamed = step.source;
      else materialized.add(step.source);
      outputs.push({ kind: 'convert', input: step.source, convert: step.convert, promotion: step.promotion, deferred });
    } else {
      const ids = dictionaryIdsOf(input.fields[step.source].type);
      const outIds = dictionaryIdsOf(step.field.type);
      ids.forEach((id, i) => dictionaryMap.set(id, outIds[i]));
      const splice = step.source > lastStreamed;
      if (splice) lastStreamed = step.source;
      else materialized.add(step.source);
      outputs.push({ kind: 'pass', input: step.source, splice });
    }
  }
  // Everything read before the header comes before everything consumed after it.
  const lastMaterialized = Math.max(-1, ...materialized);
  for (const o of outputs) {
    if (o.kind === 'pass' && o.splice && o.input < lastMaterialized) {
      o.splice = false;
      materialized.add(o.input);
    } else if (o.kind === 'convert' && o.deferred && o.input < lastMaterialized) {
      o.deferred = false;
      materialized.add(o.input);
    }
  }
  return { columns, totalNodes: nodes, totalBuffers: buffers, outputs, materialized, dictionaryMap };
}

import type { Schema } from 'apache-arrow';
import { ArrowReader, batchStream, writeBatchStream, type Progress, type Provenance } from '@recdata/core';
import { applySchema, resolveBatch } from './apply.js';
import { planResolution, type ResolutionPlan, type ResolveOptions } from './plan.js';
import { relayLayout } from './relay-layout.js';
import { relayResolve } from './relay.js';

export interface ReplayOutput {
  /** `-o FILE`; stdout when absent. */
  file?: string;
  provenance?: Provenance;
  progress?: Progress;
  /** Decode every batch (and check every column) instead of relaying unchanged columns. */
  validate?: boolean;
  /** Told the plan before anything is written, and whether unchanged columns are relayed. */
  onPlan?: (plan: ResolutionPlan, relayed: boolean) => void;
}

/** The plan in words, for --verbose. */
export function describePlan(plan: ResolutionPlan, relayed: boolean): string {
  const passed = plan.steps.filter((s) => s.kind === 'pass').length;
  const parts = [`${passed} column${passed === 1 ? '' : 's'} unchanged (${relayed ? 'relayed' : 'decoded'})`];
  for (const s of plan.steps) {
    if (s.kind === 'convert') parts.push(`${s.field.name}: ${s.what}`);
    if (s.kind === 'fill') parts.push(`${s.field.name}: filled`);
  }
  if (plan.dropped.length > 0) parts.push(`dropped: ${plan.dropped.join(', ')}`);
  return parts.join('; ');
}

/**
 * Reads Arrow inputs written under any version and writes them under the reader
 * schema that `optionsFor` picks for the input's schema. By default unchanged
 * columns are relayed message by message (see relay.ts); `validate`, or a plan the
 * relay cannot carry (a changed column with a dictionary, an unusual type), decodes
 * every batch through the applySchema operator instead. Same bytes either way for
 * inputs that recdata wrote.
 */
export async function replayArrow(paths: readonly string[], optionsFor: (input: Schema) => ResolveOptions, output: ReplayOutput): Promise<void> {
  if (output.validate) {
    const input = await ArrowReader.open(paths);
    const options = optionsFor(input.schema);
    output.onPlan?.(planResolution(input.schema, options), false);
    await writeBatchStream(applySchema(input, options), output);
    return;
  }
  await relayResolve(
    paths,
    (schema) => {
      const plan = planResolution(schema, optionsFor(schema));
      const layout = relayLayout(schema, plan);
      output.onPlan?.(plan, layout !== null);
      return { plan, layout };
    },
    output,
    async (sources, framers, schema, plan) => {
      const reader = ArrowReader.adopt(sources, framers, schema);
      const stream = batchStream(plan.schema, (async function* () {
        for await (const batch of reader) yield resolveBatch(batch, plan);
      })());
      await writeBatchStream(stream, output);
    },
  );
}

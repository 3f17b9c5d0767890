import type { Schema } from 'apache-arrow';
import { ArrowReader, batchStream, writeBatchStream, type Progress, type Provenance } from '@recdata/core';
import { applySchema, resolveBatch } from './apply.js';
import { planResolution, type ResolveOptions } from './plan.js';
import { relayLayout, relayResolve } from './relay.js';

export interface ReplayOutput {
  /** `-o FILE`; stdout when absent. */
  file?: string;
  provenance?: Provenance;
  progress?: Progress;
  /** Decode every batch (and check every column) instead of relaying unchanged columns. */
  validate?: boolean;
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
    await writeBatchStream(applySchema(input, optionsFor(input.schema)), output);
    return;
  }
  await relayResolve(
    paths,
    (schema) => {
      const plan = planResolution(schema, optionsFor(schema));
      return { plan, layout: relayLayout(schema, plan) };
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

/**
 * Size-tiered compaction per partition, as Paimon's universal compaction picks
 * sorted runs (docs/store.md, "Compaction"). Runs of a partition are ordered
 * by age and a compaction always merges neighbours in that order, so every run
 * covers an LSN range disjoint from the others and write order survives merging.
 *
 * With R runs in a partition, nothing happens below the trigger (R < trigger).
 * At or above it, in this order:
 *   1. size amplification: when the runs newer than the oldest together exceed
 *      maxSizeAmp% of the oldest, all runs merge;
 *   2. size ratio: from the newest, runs are gathered while the next older run is
 *      at most (100 + sizeRatio)% of those gathered; two or more merge;
 *   3. run count: the newest max(2, R - trigger + 1) runs merge (R drops below the trigger).
 * Ingest stalls (waits for compaction) while a partition has `stall` runs or more:
 * a read never consults more than stall - 1 runs of a partition for long.
 */
export interface CompactionPolicy {
  /** Runs in a partition that start a compaction (Paimon's num-sorted-run.compaction-trigger). */
  trigger: number;
  /** Runs in a partition at which ingest waits (num-sorted-run.stop-trigger). */
  stall: number;
  /** Percent (Paimon's max-size-amplification-percent). */
  maxSizeAmp: number;
  /** Percent (Paimon's sort-size-ratio). */
  sizeRatio: number;
}

export const DEFAULT_POLICY: CompactionPolicy = { trigger: 5, stall: 8, maxSizeAmp: 200, sizeRatio: 1 };

/**
 * The runs to merge, as [from, to) over `sizes` (bytes, oldest first), or null.
 * `full` merges every run when there are two or more.
 */
export function pickRuns(sizes: number[], policy: CompactionPolicy, full = false): [number, number] | null {
  const n = sizes.length;
  if (full) return n >= 2 ? [0, n] : null;
  if (n < policy.trigger || n < 2) return null;
  const oldest = sizes[0];
  let newer = 0;
  for (let i = 1; i < n; i++) newer += sizes[i];
  if (newer * 100 > policy.maxSizeAmp * oldest) return [0, n];
  let gathered = sizes[n - 1];
  let from = n - 1;
  while (from > 0 && (gathered * (100 + policy.sizeRatio)) / 100 >= sizes[from - 1]) {
    from--;
    gathered += sizes[from];
  }
  if (n - from >= 2) return [from, n];
  return [n - Math.max(2, n - policy.trigger + 1), n];
}

export function checkPolicy(p: CompactionPolicy): CompactionPolicy {
  if (!(Number.isInteger(p.trigger) && p.trigger >= 2)) throw new RangeError('the compaction trigger must be an integer of at least 2');
  if (!(Number.isInteger(p.stall) && p.stall > p.trigger)) throw new RangeError('the stall bound must be above the compaction trigger');
  return p;
}

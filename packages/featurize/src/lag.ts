// difference_lag: per group (user), the row's time minus the time of the group's
// previous row in the stream. It carries state from batch to batch, so it runs on
// the main thread in stream order whatever the backend (the other ops of a batch
// run on the backend meanwhile). State lives as long as one transform and holds
// one value per group.
import { Type, type Data } from 'apache-arrow';
import { intValues, keyReader, type Key } from './keys.js';
import { bit, readFloat64, validityBits } from './numbers.js';
import { clearBit, NULL_DENSE, type FeatureOutput } from './kernels/output.js';

export class LagState {
  private readonly last = new Map<Key, number | bigint>();

  /** Groups seen so far (the state's size). */
  get groups(): number {
    return this.last.size;
  }

  /**
   * Writes each row's lag: float64 of the exact difference (big integers subtract
   * as BigInt), rounded once to float32. A group's first row, a null time or a
   * null group is null; a null time leaves the group's previous time as it was.
   */
  run(times: Data, groups: Data, out: FeatureOutput): void {
    const group = keyReader(groups);
    const valid = validityBits(times);
    let big: BigInt64Array | BigUint64Array | null = null;
    let small: ArrayLike<number> | null = null;
    if (times.type.typeId === Type.Float) small = readFloat64(times);
    else {
      const ints = intValues(times);
      if (ints instanceof BigInt64Array || ints instanceof BigUint64Array) big = ints;
      else small = ints;
    }
    const v = out.values as Float32Array;
    for (let i = 0; i < times.length; i++) {
      const at = out.offset + i * out.stride;
      const g = group(i);
      if (g === null || (valid && !bit(valid, i))) {
        v[at] = NULL_DENSE;
        clearBit(out.validity, i);
        continue;
      }
      const t = big ? big[i] : small![i];
      const previous = this.last.get(g);
      this.last.set(g, t);
      if (previous === undefined) {
        v[at] = NULL_DENSE;
        clearBit(out.validity, i);
      } else v[at] = Math.fround(typeof t === 'bigint' ? Number(t - (previous as bigint)) : t - (previous as number));
    }
  }
}

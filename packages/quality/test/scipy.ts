// SciPy and seeded data for the quality tests: the shared Python helper, and a normal deviate.
export { PYTHON, python, scipyVersion, SKIP_SCIPY, mulberry32 as rng } from '../../../test/helpers/python.ts';

export function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

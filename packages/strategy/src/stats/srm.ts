import { chiSquareSf } from '@recdata/core/stats';

/** The threshold below which a sample-ratio mismatch marks the data invalid. */
export const SRM_ALPHA = 0.001;

export interface SampleRatioCheck {
  treatment: number;
  control: number;
  /** The treatment share the registry promises: rollout·(1 - holdout). */
  expectedShare: number;
  observedShare: number;
  chiSquare: number;
  pValue: number;
  /** p < 0.001: the assignment is broken, so no effect estimate can be trusted. */
  mismatch: boolean;
}

/**
 * Pearson's chi-square goodness-of-fit test (1 degree of freedom) of the units seen
 * in each arm against the registered split: Σ (observed - expected)² / expected.
 */
export function sampleRatioCheck(treatment: number, control: number, expectedShare: number): SampleRatioCheck {
  const total = treatment + control;
  const expT = total * expectedShare;
  const expC = total * (1 - expectedShare);
  let chiSquare = 0;
  if (expT > 0) chiSquare += (treatment - expT) ** 2 / expT;
  else if (treatment > 0) chiSquare = Infinity;
  if (expC > 0) chiSquare += (control - expC) ** 2 / expC;
  else if (control > 0) chiSquare = Infinity;
  const pValue = total > 0 ? chiSquareSf(chiSquare, 1) : 1;
  return { treatment, control, expectedShare, observedShare: total > 0 ? treatment / total : NaN, chiSquare, pValue, mismatch: pValue < SRM_ALPHA };
}

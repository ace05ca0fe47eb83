/**
 * What is left of the samples once the fitted levels are taken out: each sample minus the
 * median of its side of the step (or, with no step, of all samples). A real level shift makes
 * the raw samples look autocorrelated and widens their spread by itself; the residuals do not
 * carry it, so independence (independence.ts) and `min-shift` in MADs are read from them.
 */
import { mad, median } from './summary.js'

/**
 * Samples oldest first; `index` is the first sample after the step (as a change point's), or
 * undefined for a flat history. Residuals in the samples' order.
 */
export function stepResiduals(values: readonly number[], index?: number): number[] {
  const sides =
    index === undefined || index <= 0 || index >= values.length
      ? [values]
      : [values.slice(0, index), values.slice(index)]
  return sides.flatMap(side => {
    const level = median(side) as number
    return side.map(v => v - level)
  })
}

/** MAD of the residuals around the step at `index` (the residuals' own median taken out). */
export function residualMad(values: readonly number[], index?: number): number {
  return mad(stepResiduals(values, index)) ?? 0
}

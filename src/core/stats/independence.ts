/**
 * The change-point rates (bench/changepoint.md), the interval and the confident rule assume
 * independent runs. Runners drift, and drifting runs look like shifts: this measures how far
 * a history is from independent. attribution.ts feeds it the residuals around the fitted step
 * (residuals.ts), since a real level shift alone makes neighbouring raw samples alike.
 */
import { doubledRanks } from './changepoint.js'

/** Fewest samples for which the lag-1 autocorrelation is reported (its noise is ~1/√n). */
export const AUTOCORRELATION_MIN_SAMPLES = 20

/**
 * From here on the summary hints that runs may not be independent. Seeded AR(1) trials
 * (npm run trials) measured the false-shift rate on 30 flat samples at these correlations;
 * bench/changepoint.md prints both figures again beside this table.
 */
export const AUTOCORRELATION_HIGH = 0.3
export const AR_FALSE_SHIFTS: readonly { phi: number; n: number; rate: number }[] = [
  { phi: 0.3, n: 30, rate: 0.172 },
  { phi: 0.5, n: 30, rate: 0.35 }
]

/**
 * Lag-1 autocorrelation of the samples' ranks (oldest first), so one 10-minute outlier moves
 * it no more than the slowest ordinary run. Null below AUTOCORRELATION_MIN_SAMPLES or when
 * every sample is tied.
 */
export function lagOneAutocorrelation(values: readonly number[]): number | null {
  const n = values.length
  if (n < AUTOCORRELATION_MIN_SAMPLES) return null
  const { doubled } = doubledRanks(values)
  // Doubled mid-ranks average n + 1.
  const centred = Array.from(doubled, r => r - (n + 1))
  let across = 0
  let total = 0
  for (let i = 0; i < n; i++) {
    total += centred[i] * centred[i]
    if (i + 1 < n) across += centred[i] * centred[i + 1]
  }
  return total === 0 ? null : across / total
}

/** Numbers that summarise a list of samples: median, spread and the median's interval. */

/** The one median: of a list, or of a typed array (the change point's pairwise differences). */
export function median(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null
  // A typed array sorts numerically, natively: hundreds of thousands of differences stay quick.
  const sorted = Float64Array.from(values).sort()
  const mid = sorted.length >> 1
  // Halves first: the sum of two large doubles could overflow to Infinity.
  return sorted.length % 2 === 1 ? sorted[mid] : sorted[mid - 1] / 2 + sorted[mid] / 2
}

/** Median absolute deviation: a spread measure that one wild run cannot drag. */
export function mad(values: readonly number[]): number | null {
  const m = median(values)
  return m === null ? null : median(values.map(v => Math.abs(v - m)))
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomialCdfHalf(k: number, n: number): number {
  let term = Math.pow(0.5, n)
  let sum = term
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i
    sum += term
  }
  return sum
}

/** Lowest coverage for which an interval is reported. */
export const CI_TARGET = 0.95

/** Fewest samples with an interval at CI_TARGET: 5 give 1 - 2/32 = 93.75% at best. */
export const INTERVAL_MIN = 6

/**
 * Distribution-free confidence interval of the median from order statistics: the k-th
 * smallest and k-th largest samples, with the largest k whose coverage
 * 1 - 2·P(Bin(n, ½) <= k-1) stays at or above 95%. Needs at least 6 samples.
 */
export function medianInterval(
  values: readonly number[]
): { low: number; high: number; level: number } | null {
  const n = values.length
  let best: { k: number; level: number } | null = null
  for (let k = 1; k <= n >> 1; k++) {
    const level = 1 - 2 * binomialCdfHalf(k - 1, n)
    if (level < CI_TARGET) break
    best = { k, level }
  }
  if (!best) return null
  const sorted = [...values].sort((a, b) => a - b)
  return { low: sorted[best.k - 1], high: sorted[n - best.k], level: best.level }
}

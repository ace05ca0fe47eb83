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

/**
 * The confident rule's error rate: with the true median exactly at the budget, a window shows
 * k(n) or more runs over it in at most this share of checks (and as many within, likewise).
 */
export const CONFIDENT_ALPHA = 0.055

/** Fewest runs the confident rule can decide on: 5 of 5 on one side is 1/32 by chance. */
export const CONFIDENT_MIN = 5

/**
 * k(n): the smallest k with P(Bin(n, 1/2) >= k) <= CONFIDENT_ALPHA (8 of 10, 15 of 20), or
 * null under CONFIDENT_MIN runs, where even all of them on one side happens more often. The
 * tail is summed from the top down, one term a step.
 */
export function confidentCount(n: number): number | null {
  if (!Number.isInteger(n) || n < 1) return null
  let term = Math.pow(0.5, n)
  let tail = term
  let k: number | null = null
  for (let at = n; at >= 0 && tail <= CONFIDENT_ALPHA; at--) {
    k = at
    // P(X = at - 1) from P(X = at): times at / (n - at + 1).
    term = (term * at) / (n - at + 1)
    tail += term
  }
  return k
}

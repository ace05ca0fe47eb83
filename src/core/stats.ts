import type { Report, Sample, Skip, Stats, Verdict } from './types.js'

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

export function computeStats(values: readonly number[]): Stats {
  const ci = medianInterval(values)
  return {
    count: values.length,
    median: median(values),
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    mad: mad(values),
    ciLow: ci?.low ?? null,
    ciHigh: ci?.high ?? null,
    ciLevel: ci?.level ?? null
  }
}

/**
 * How a verdict is reached. `rubric`: the median against the budget. `confident`: pass or
 * breach only when the whole interval of the median lies on one side, else `inconclusive`.
 */
export const DECIDE_MODES = ['rubric', 'confident'] as const
export type DecideMode = (typeof DECIDE_MODES)[number]

/** Decimals the action prints; values are compared at this precision (see `atOrUnder`). */
export const DECIMALS = 3

/** Trims binary floating-point noise for display and outputs (145.50000000001 -> 145.5). */
export function round(value: number): number {
  return Math.round(value * 10 ** DECIMALS) / 10 ** DECIMALS
}

/**
 * value <= budget as printed: both rounded to the printed precision, so the words and the
 * verdict never disagree (a median of 100.30000000000001 is "100.3 s", and at a 100.3 s budget).
 */
export function atOrUnder(value: number, budget: number): boolean {
  return round(value) <= round(budget)
}

/** value > budget as printed: the one comparison every count, mark and word of "over" uses. */
export function isOver(value: number, budget: number): boolean {
  return !atOrUnder(value, budget)
}

/** Whether the interval of the median lies wholly on one side of the budget. */
export function conclusive(stats: Stats, budget: number): boolean {
  const { ciLow, ciHigh } = stats
  if (ciLow === null || ciHigh === null) return false
  return atOrUnder(ciHigh, budget) || !atOrUnder(ciLow, budget)
}

/**
 * The contract's rule: too few samples is never compared with the budget; then, in
 * `confident` mode, an interval that includes the budget is `inconclusive`.
 */
export function decide(
  stats: Stats,
  budget: number,
  minRuns: number,
  mode: DecideMode = 'rubric'
): Verdict {
  if (stats.median === null || stats.count < minRuns) return 'insufficient'
  if (mode === 'confident' && !conclusive(stats, budget)) return 'inconclusive'
  return atOrUnder(stats.median, budget) ? 'pass' : 'breach'
}

/** Samples over the budget, compared as `decide` compares the median. */
export function countOver(values: readonly number[], budget: number): number {
  return values.filter(v => isOver(v, budget)).length
}

export interface Rubric {
  budget: number
  minRuns: number
  window: number
  /** Default `rubric`. */
  decide?: DecideMode
}

/**
 * Samples (newest first) in, the report out: statistics, verdict, and what was skipped. The
 * rubric's fields are copied by name: whatever else the caller's object holds (a token)
 * never rides into the report.
 */
export function judge(samples: Sample[], skipped: Skip[], rubric: Rubric, source: string): Report {
  const stats = computeStats(samples.map(s => s.value))
  const { budget, minRuns, window, decide: mode = 'rubric' } = rubric
  return {
    verdict: decide(stats, budget, minRuns, mode),
    budget,
    minRuns,
    window,
    decide: mode,
    stats,
    samples,
    skipped,
    source
  }
}

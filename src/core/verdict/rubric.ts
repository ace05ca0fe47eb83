import { confidentCount, medianInterval, mad, median } from '../stats/summary.js'
import type { Report, Sample, Skip, Stats, Verdict } from '../types.js'

/**
 * The confident rule's two order statistics: the k(n)-th largest sample (k runs are at or above
 * it: over the budget, k runs are) and the k(n)-th smallest (k runs at or under it). Nulls
 * where k(n) is.
 */
function confidentBounds(sorted: readonly number[]): {
  signLow: number | null
  signHigh: number | null
} {
  const k = confidentCount(sorted.length)
  if (k === null) return { signLow: null, signHigh: null }
  return { signLow: sorted[sorted.length - k], signHigh: sorted[k - 1] }
}

export function computeStats(values: readonly number[]): Stats {
  const ci = medianInterval(values)
  const sorted = [...values].sort((a, b) => a - b)
  return {
    count: values.length,
    median: median(values),
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    mad: mad(values),
    ciLow: ci?.low ?? null,
    ciHigh: ci?.high ?? null,
    ciLevel: ci?.level ?? null,
    ...confidentBounds(sorted)
  }
}

/**
 * How a verdict is reached. `rubric`: the median against the budget. `confident`: breach when
 * at least k(n) of the n runs are over the budget, pass when at least k(n) are within it,
 * else `inconclusive` (see `confidentVerdict`).
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

/**
 * The contract's "Confident verdicts": at least k(n) runs over the budget is a breach, at least
 * k(n) within it (a run at the budget is within) a pass, else inconclusive. k(n) > n/2, so the
 * two can never both hold. A median exactly at the budget reaches either in at most
 * CONFIDENT_ALPHA of checks, whatever the shape of the noise (a sign test, one-sided).
 */
export function confidentVerdict(stats: Stats, budget: number): 'pass' | 'breach' | 'inconclusive' {
  const { signLow, signHigh } = stats
  if (signHigh !== null && atOrUnder(signHigh, budget)) return 'pass'
  if (signLow !== null && !atOrUnder(signLow, budget)) return 'breach'
  return 'inconclusive'
}

/** Whether the runs decide pass or breach by the confident rule: the same in every mode. */
export function conclusive(stats: Stats, budget: number): boolean {
  return confidentVerdict(stats, budget) !== 'inconclusive'
}

/**
 * The contract's rule: too few samples is never compared with the budget; then `rubric`
 * compares the median, and `confident` applies the confident rule.
 */
export function decide(
  stats: Stats,
  budget: number,
  minRuns: number,
  mode: DecideMode = 'rubric'
): Verdict {
  if (stats.median === null || stats.count < minRuns) return 'insufficient'
  if (mode === 'confident') return confidentVerdict(stats, budget)
  return atOrUnder(stats.median, budget) ? 'pass' : 'breach'
}

/** Samples over the budget, compared as `decide` compares the median (at it is within). */
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

/** Worst first: the check's verdict is the first of these that any budgeted metric has. */
const SEVERITY: readonly Verdict[] = ['breach', 'inconclusive', 'insufficient', 'pass']

/**
 * The check's verdict over its metrics: the worst of the budgeted ones (a watched metric
 * never counts); `watched` when every metric is watched.
 */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  return SEVERITY.find(verdict => verdicts.includes(verdict)) ?? 'watched'
}

import { medianInterval, mad, median } from '../stats/summary.js'
import type { Report, Sample, Skip, Stats, Verdict } from '../types.js'

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
  return values.filter(v => !atOrUnder(v, budget)).length
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

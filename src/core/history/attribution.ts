/**
 * Change-point attribution over a run history: the pure test of `changepoint.ts`, mapped back
 * to runs. No I/O; check.ts and the command's --dir reader both call it.
 */
import { findChangePoint, rankAgainst, type ChangePoint } from '../stats/changepoint.js'
import { changePace, environmentAround } from './environment-change.js'
import { lagOneAutocorrelation } from '../stats/independence.js'
import { matchHistory } from './matching.js'
import { stepResiduals } from '../stats/residuals.js'
import { computeStats, judge, type Rubric } from '../verdict/rubric.js'
import type { Change, Report, Sample, Skip } from '../types.js'

export interface Attribution {
  /** Newest first, as read: the window's samples and the older ones beyond it. */
  history: Sample[]
  change: Change
  /** Only when the newest sample is this run's own `value`. */
  standing?: Report['standing']
}

/**
 * The step the data show, for the residuals: a reported shift, or a significant one under
 * `min-shift` (still a step in the data); undefined for a flat history.
 */
export function fittedStep(result: ChangePoint): number | undefined {
  if (result.kind === 'shift') return result.index
  if (result.kind === 'none' && result.reason === 'below-min-shift') return result.index
  return undefined
}

/**
 * Tests the history (newest first, as every sample list) for one level shift and says where
 * this run's own sample stands. The test reads the samples oldest first, so the split's index
 * counts from the oldest run. `minShiftMads`: `min-shift` given in MADs (then `minShift` is 0).
 */
export function attribute(
  history: readonly Sample[],
  minShift: number,
  outcomeOnly = false,
  minShiftMads?: number
): Attribution {
  const oldestFirst = [...history].reverse()
  const values = oldestFirst.map(s => s.value)
  const result = findChangePoint(values, { minShift, outcomeOnly, minShiftMads })
  const change: Change = {
    result,
    count: history.length,
    minShift,
    ...(minShiftMads === undefined ? {} : { minShiftMads }),
    // Around the fitted levels: a real step alone would make the raw ranks autocorrelated.
    autocorrelation: lagOneAutocorrelation(stepResiduals(values, fittedStep(result)))
  }
  if (result.kind !== 'too-few') {
    const at = result.index
    change.firstAfter = oldestFirst[at]
    change.lastBefore = oldestFirst[at - 1]
    // The split is exact about 3 times in 4 and within one run about 9 in 10: the compare
    // view spans one run more on each side.
    change.spanFrom = oldestFirst[Math.max(0, at - 2)]
    change.spanTo = oldestFirst[Math.min(oldestFirst.length - 1, at + 1)]
  }
  if (result.kind === 'shift') {
    change.environment = environmentAround(oldestFirst, result.index)
    if ('value' in change.environment && Object.keys(change.environment.value).length)
      change.environmentPace = changePace(oldestFirst)
  }
  const [newest, ...rest] = history
  const others = rest.map(s => s.value)
  const standing = newest?.current ? rankAgainst(newest.value, others) : undefined
  return { history: [...history], change, ...(standing ? { standing } : {}) }
}

/** The newest `window` samples are judged; all of `history` is attributed. */
export function withAttribution(
  report: Report,
  history: readonly Sample[],
  minShift: number,
  outcomeOnly = false,
  minShiftMads?: number
): Report {
  return { ...report, ...attribute(history, minShift, outcomeOnly, minShiftMads) }
}

/**
 * How much of attribution a caller needs: `full` (the live check), `outcome` (whether and where
 * a shift was found, its size; a p-value that is not significant only bounded), `none` (the
 * verdict alone: the tracking issue's look back, the backtest's nearby settings).
 */
export type AttributionDepth = 'full' | 'outcome' | 'none'

/** What attribution reads beyond the rubric: how many samples, and the smallest shift reported. */
export interface HistoryRule {
  /** Samples read (>= the window); the verdict uses the newest `window` of them. */
  size: number
  /** Seconds: the smallest level shift attribution reports. */
  minShift: number
  /** `min-shift` in MADs of the residuals around the fitted step (then `minShift` is 0). */
  minShiftMads?: number
  /** Environment keys a sample must share with the newest to count (`match`); empty: all count. */
  match: readonly string[]
}

/**
 * Matches the history like for like when asked (`match`), judges the newest `rubric.window`
 * samples, then attributes all of the matched history: the one way the action and the
 * command turn samples into a report. `read` is newest first, this run's own sample first.
 */
export function judgeHistory(
  read: readonly Sample[],
  skipped: Skip[],
  rubric: Rubric,
  rule: Pick<HistoryRule, 'minShift' | 'match' | 'minShiftMads'>,
  source: string,
  depth: AttributionDepth = 'full'
): Report {
  const { history, match } = matchHistory(read, rule.match)
  const report = judge(history.slice(0, rubric.window), skipped, rubric, source)
  const attributed =
    depth === 'none'
      ? report
      : withAttribution(report, history, rule.minShift, depth === 'outcome', rule.minShiftMads)
  return { ...attributed, ...(match ? { match } : {}) }
}

/** A watched metric's `min-shift` when it gives none: this share of its own median. */
export const WATCHED_MIN_SHIFT = 0.05

/**
 * A metric without a budget: the same matching, numbers and attribution as `judgeHistory`,
 * verdict `watched` whatever they are (nothing to compare with, never a failure). Its
 * smallest reported shift defaults to 5% of its own median, as a budget's does of the budget.
 */
export function judgeWatched(
  read: readonly Sample[],
  skipped: Skip[],
  rubric: Omit<Rubric, 'budget'>,
  rule: { minShift?: number; match: readonly string[] },
  source: string
): Report {
  const { history, match } = matchHistory(read, rule.match)
  const samples = history.slice(0, rubric.window)
  const stats = computeStats(samples.map(s => s.value))
  const report: Report = {
    verdict: 'watched',
    budget: null,
    minRuns: rubric.minRuns,
    window: rubric.window,
    decide: rubric.decide ?? 'rubric',
    stats,
    samples,
    skipped,
    source
  }
  const minShift = rule.minShift ?? (stats.median ?? 0) * WATCHED_MIN_SHIFT
  return { ...withAttribution(report, history, minShift), ...(match ? { match } : {}) }
}

/**
 * The commits to compare: from the run before the last one before the split to the run after
 * the first one after it, since the split may be a run off either way. `same` when both ran
 * one commit (the data then show no code change there, and say nothing of what did change);
 * undefined when either is unknown.
 */
export function splitCommits(
  change: Change
): { before: string; after: string; same: boolean } | undefined {
  const before = (change.spanFrom ?? change.lastBefore)?.head_sha
  const after = (change.spanTo ?? change.firstAfter)?.head_sha
  if (!before || !after) return undefined
  return { before, after, same: before === after }
}

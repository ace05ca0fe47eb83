/**
 * The gate at any position of a history: what it said, or would have said, at the run that was
 * the newest then. Position 0 is the live check itself; position i reads only the samples from
 * the i-th newest on, as the check at that run did. Every position goes through the live
 * check's own `judgeHistory`, so the backtest, the tracking issue's look back and the check
 * can never disagree about a verdict.
 */
import { judgeHistory, type AttributionDepth, type HistoryRule } from './attribution.js'
import type { Rubric } from '../verdict/rubric.js'
import type { HistoryRead, Report, Sample, Skip, Verdict } from '../types.js'

/** Every setting a verdict and its attribution depend on. */
export interface GateRule {
  rubric: Rubric
  history: HistoryRule
}

/**
 * The report at position `at` (0: the newest run): the samples from that run back, at most
 * `history.size` of them, judged exactly as the live check judges its own.
 */
export function judgeAt(
  read: readonly Sample[],
  at: number,
  rule: GateRule,
  depth: AttributionDepth = 'full',
  skipped: Skip[] = [],
  source = ''
): Report {
  const seen = read.slice(at, at + rule.history.size)
  return judgeHistory(seen, skipped, rule.rubric, rule.history, source, depth)
}

/**
 * The live check: position 0 of what was read. A read deeper than `history.size` (for a
 * backtest) lists runs the check alone would not have examined: only the skips newer than the
 * oldest sample it judges are its own (runs are read newest first, and ids grow with time).
 */
export function judgeRead(read: HistoryRead, rule: GateRule): Report {
  const seen = read.samples.slice(0, rule.history.size)
  const deeper = read.samples.length > seen.length
  const oldest = seen.at(-1)?.run_id ?? 0
  const skipped = deeper ? read.skipped.filter(s => s.run_id > oldest) : read.skipped
  return judgeAt(read.samples, 0, rule, 'full', skipped, read.source)
}

/** Reports at the newest `positions` positions, newest first. */
export function replay(
  read: readonly Sample[],
  positions: number,
  rule: GateRule,
  depth: AttributionDepth,
  attributed = positions
): Report[] {
  const count = Math.min(positions, read.length)
  return Array.from({ length: count }, (_, at) =>
    judgeAt(read, at, rule, at < attributed ? depth : 'none')
  )
}

/**
 * Samples that the change-point tests of a backtest may read in all (each position reads its
 * history): 400 positions at history 30, or 12 at history 1,000, a few seconds either way
 * (the shuffles cost in proportion to the samples). 200 positions at history 30 take half.
 */
export const MAX_ATTRIBUTED_SAMPLES = 12_000

/** How many of the newest positions get the change-point test within MAX_ATTRIBUTED_SAMPLES. */
export function attributedPositions(read: number, positions: number, historySize: number): number {
  let total = 0
  for (let at = 0; at < positions; at++) {
    total += Math.min(historySize, read - at)
    if (total > MAX_ATTRIBUTED_SAMPLES) return at
  }
  return positions
}

/**
 * The verdict at each of the newest `count` runs, newest first (the tracking issue closes on
 * them). A history too short for a position gives `insufficient` there, never a pass.
 */
export function replayVerdicts(read: readonly Sample[], count: number, rule: GateRule): Verdict[] {
  return Array.from({ length: count }, (_, at) => judgeAt(read, at, rule, 'none').verdict)
}

/** Positions with a full window among `read` samples; at least the newest one. */
export function fullWindowPositions(read: number, window: number): number {
  return Math.max(1, read - window + 1)
}

/**
 * Samples a backtest reads: each of `positions` positions needs its window, and the newest its
 * whole history, so position 0 is the live check. Undefined positions: all within lookback.
 */
export function backtestDepth(
  positions: number | undefined,
  rule: GateRule,
  lookback: number
): number {
  if (positions === undefined) return Math.max(lookback, rule.history.size)
  return Math.max(positions + rule.rubric.window - 1, rule.history.size)
}

/**
 * The samples read, judged: matched like for like when asked, the newest `window` judged
 * against the budget, all of them attributed. Pure; the check and the command's `--dir`
 * reader both end here, so the two never judge differently.
 */
import { withAttribution } from './attribution.js'
import { matchHistory } from './matching.js'
import { judge, type Rubric } from './stats.js'
import type { Report, Sample, Skip } from './types.js'

export interface HistoryRubric extends Rubric {
  /** Environment keys a sample must share with the newest to count; empty: all count. */
  match: readonly string[]
  minShift: number
}

/** `read` is newest first: this run's own sample (when it has a value), then the history's. */
export function judgeHistory(
  read: readonly Sample[],
  skipped: Skip[],
  rubric: HistoryRubric,
  source: string
): Report {
  const { history, match } = matchHistory(read, rubric.match)
  const { budget, minRuns, window } = rubric
  const report = judge(history.slice(0, window), skipped, { budget, minRuns, window }, source)
  return { ...withAttribution(report, history, rubric.minShift), ...(match ? { match } : {}) }
}

/**
 * Plain-text sentences for change-point results and this run's standing, shared by the job
 * summary, the log and the terminal report. No Markdown: the summary passes its own linked
 * run label, and escaping is the caller's job.
 */
import { splitCommits } from '../core/history/attribution.js'
import {
  RECENT_ALPHA,
  SCAN_ALPHA,
  type ChangePoint,
  type Standing
} from '../core/stats/changepoint.js'
import { AR_FALSE_SHIFTS, AUTOCORRELATION_HIGH } from '../core/stats/independence.js'
import { mad } from '../core/stats/summary.js'
import type { Change, Report } from '../core/types.js'
import { shiftCause } from './environment.js'
import { plural, seconds as exactSeconds } from './wording.js'

/** Said instead of a compare link when the runs either side of the split share a commit. */
export const SAME_COMMIT = 'same commit before and after: a runner or cluster change, not code'

/** `38 s`, `12.5 s`: one decimal at most, since run times are noisier than that. */
function seconds(value: number): string {
  return exactSeconds(Math.round(value * 10) / 10 || 0)
}

function signed(value: number): string {
  const text = seconds(Math.abs(value))
  return text === '0 s' ? text : `${value < 0 ? '-' : '+'}${text}`
}

/**
 * `p = 0.012`, or `p < 0.001` at the floor. Two significant digits, more only when rounding
 * would carry p across the test's threshold (0.0396 must not read as 0.04).
 */
export function formatP(p: number, alpha = SCAN_ALPHA): string {
  if (p < 0.001) return 'p < 0.001'
  for (let digits = 2; digits <= 6; digits++) {
    const shown = Number(p.toPrecision(digits))
    if (shown < alpha === p < alpha) return `p = ${shown}`
  }
  return `p = ${p}`
}

/**
 * `#412 (abc1234)`: the first run after a split, as plain text. A run whose number is not known
 * (0: a `--dir` folder without metadata.json) is named by its id instead, never `#0`.
 */
export function runLabel(number: number, sha: string, id?: number): string {
  const short = sha.slice(0, 7)
  const name = number > 0 || id === undefined ? `#${number}` : `run ${id}`
  return short ? `${name} (${short})` : name
}

function labelOf(index: number, label: string | undefined): string {
  return label ?? `sample ${index + 1}`
}

/**
 * One line for a change-point result, e.g.
 * `Slower since #412 (abc1234): +38 s (182 s -> 220 s), p = 0.01`.
 * `label` names the run at the result's index (`runLabel`, or the summary's linked version);
 * without it the sample's position is named.
 */
export function changeLine(result: ChangePoint, label?: string): string {
  switch (result.kind) {
    case 'too-few':
      return `Too few runs to attribute a shift: ${result.n}, need ${result.needed}`
    case 'none':
      if (result.reason === 'not-significant') return `No shift (${formatP(result.p)})`
      return `No shift beyond the ${seconds(result.minShift)} minimum: ${signed(result.shift)} since ${labelOf(result.index, label)}, ${formatP(result.p)}`
    case 'shift': {
      // The estimate's sign says which way; z breaks a zero estimate's tie.
      const slower = result.shift !== 0 ? result.shift > 0 : result.z > 0
      const levels = `${seconds(result.before)} -> ${seconds(result.after)}`
      const p =
        result.method === 'recent'
          ? `recent slow-down test, ${formatP(result.p, RECENT_ALPHA)}`
          : formatP(result.p)
      return `${slower ? 'Slower' : 'Faster'} since ${labelOf(result.index, label)}: ${signed(result.shift)} (${levels}), ${p}`
    }
  }
}

/** e.g. `This run, 340 s, is slower than 9 of the last 10`. */
export function standingLine(standing: Standing): string {
  return `This run, ${seconds(standing.value)}, ${comparison(standing)}`
}

function comparison({ slowerThan, fasterThan, ties, of }: Standing): string {
  if (of === 0) return 'has no earlier runs to compare with'
  if (of === 1) {
    if (slowerThan) return 'is slower than the previous run'
    return fasterThan ? 'is faster than the previous run' : 'matches the previous run'
  }
  if (ties === of) return `matches all of the last ${of}`
  const equal = ties ? ` (${ties} equal)` : ''
  if (slowerThan === fasterThan)
    return `is slower than ${slowerThan} and faster than ${fasterThan} of the last ${of}${equal}`
  const slower = slowerThan > fasterThan
  const count = slower ? slowerThan : fasterThan
  return `is ${slower ? 'slower' : 'faster'} than ${count === of ? 'all' : count} of the last ${of}${equal}`
}

/** A result that is not a shift, with how many runs the test saw: `No shift (p = 0.4) · 16 runs tested`. */
export function quietLine(change: Change, label?: string): string {
  const line = changeLine(change.result, label)
  // Too few already says how many there were.
  return change.result.kind === 'too-few' ? line : `${line} · ${plural(change.count, 'run')} tested`
}

/**
 * The history's lag-1 autocorrelation (20 samples or more), with a warning when it is high
 * enough that the false-shift rates measured on independent runs do not hold.
 */
export function independenceLine(change: Change): string | undefined {
  const r = change.autocorrelation
  if (r === null) return undefined
  const shown = `Lag-1 autocorrelation of the ${plural(change.count, 'run')} is ${r.toFixed(2)}`
  if (r < AUTOCORRELATION_HIGH) return shown
  const measured = AR_FALSE_SHIFTS.map(a => `${Math.round(a.rate * 100)}% at ${a.phi}`).join(
    ' and '
  )
  return `${shown}: runs are not independent, so shifts are over-reported (seeded trials over ${AR_FALSE_SHIFTS[0].n} runs: ${measured}, against 5% or less for independent runs)`
}

/** `min-shift 15 s (1.4 MAD)`: the threshold in the history's own spread. */
export function minShiftPhrase(change: Change, history: readonly number[]): string {
  const spread = mad(history)
  const inMads = spread ? ` (${(change.minShift / spread).toFixed(1)} MAD)` : ''
  return `min-shift ${seconds(change.minShift)}${inMads}`
}

/**
 * The change line (with the commits to compare, or why there are none) and this run's
 * standing, as plain text for the log and the terminal. Empty when no attribution ran.
 */
export function changeLines(report: Report): string[] {
  const lines: string[] = []
  const change = report.change
  if (change) {
    const after = change.firstAfter
    const label = after && runLabel(after.run_number, after.head_sha, after.run_id)
    const commits = splitCommits(change)
    if (change.result.kind !== 'shift') lines.push(quietLine(change, label))
    else if (!commits) lines.push(changeLine(change.result, label))
    else {
      const cause = shiftCause(change.environment, commits.same)
      const compare = `compare ${commits.before.slice(0, 7)}...${commits.after.slice(0, 7)}`
      const note = commits.same
        ? (cause ?? SAME_COMMIT)
        : [cause, compare].filter(Boolean).join('; ')
      lines.push(`${changeLine(change.result, label)}; ${note}`)
    }
  }
  const independence = change && independenceLine(change)
  if (independence) lines.push(independence)
  if (report.standing) lines.push(standingLine(report.standing))
  return lines
}

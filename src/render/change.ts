/**
 * Plain-text sentences for change-point results and this run's standing, shared by the job
 * summary, the log and the terminal report. No Markdown: the summary passes its own linked
 * run label, and escaping is the caller's job.
 */
import { fittedStep, splitCommits } from '../core/history/attribution.js'
import {
  ALPHA_UNION,
  CONSECUTIVE_FALSE_SHIFTS,
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

/**
 * Said instead of a compare link when the runs either side of the split (one more each way)
 * share a commit: what the data show, and no cause (a false shift, a split a run off, or an
 * image pulled by tag all look the same here).
 */
export const SAME_COMMIT = 'the same commit ran on either side of the shift (±1 run)'

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
 * `Slower since about #412 (abc1234) ±1 run: +38 s (182 s -> 220 s), p = 0.01`: the reported
 * run is exact about 3 times in 4 at a first breach, within one run about 9 in 10.
 * `label` names the run at the result's index (`runLabel`, or the summary's linked version);
 * without it the sample's position is named.
 */
export function changeLine(result: ChangePoint, label?: string): string {
  switch (result.kind) {
    case 'too-few':
      return `Too few runs to attribute a shift: ${result.n}, need ${result.needed}`
    case 'none':
      // "found": a large p is no evidence that nothing changed.
      if (result.reason === 'not-significant') return `No shift found (${formatP(result.p)})`
      return `No shift found beyond the ${seconds(result.minShift)} minimum: ${signed(result.shift)} since about ${labelOf(result.index, label)}, ${formatP(result.p)}`
    case 'shift': {
      // The estimate's sign says which way; z breaks a zero estimate's tie.
      const slower = result.shift !== 0 ? result.shift > 0 : result.z > 0
      const levels = `${seconds(result.before)} -> ${seconds(result.after)}`
      const p =
        result.method === 'recent'
          ? `recent slow-down test, ${formatP(result.p, RECENT_ALPHA)}`
          : formatP(result.p)
      return `${slower ? 'Slower' : 'Faster'} since about ${labelOf(result.index, label)} ±1 run: ${signed(result.shift)} (${levels}), ${p}`
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

/** A result that is not a shift, with how many runs the test saw: `No shift found (p = 0.4) · 16 runs tested`. */
export function quietLine(change: Change, label?: string): string {
  const line = changeLine(change.result, label)
  // Too few already says how many there were.
  return change.result.kind === 'too-few' ? line : `${line} · ${plural(change.count, 'run')} tested`
}

/**
 * The lag-1 autocorrelation of the history's residuals around its fitted levels (20 samples or
 * more), with a hint when it is high enough that the rates measured on independent runs may
 * not hold. A hint, not a test: it fires on some independent histories and misses some
 * drifting ones (docs/statistics.md).
 */
export function independenceLine(change: Change): string | undefined {
  const r = change.autocorrelation
  if (r === null) return undefined
  const around = fittedStep(change.result) === undefined ? 'median' : 'two fitted levels'
  const shown = `Lag-1 autocorrelation of the ${plural(change.count, 'run')} around their ${around} is ${r.toFixed(2)}`
  if (r < AUTOCORRELATION_HIGH) return shown
  const phis = AR_FALSE_SHIFTS.map(a => a.phi).join(' / ')
  const rates = AR_FALSE_SHIFTS.map(a => `${Math.round(a.rate * 100)}%`).join(' / ')
  return `${shown}: runs may not be independent. The shift test, the interval, \`conclusive\` and \`confident\` assume they are: in seeded trials over ${AR_FALSE_SHIFTS[0].n} flat runs, drifting runners (AR(1) φ ${phis}) gave false shifts in ${rates} of histories, against ${pctText(ALPHA_UNION)} or less for independent runs`
}

/** `4.5%`. */
function pctText(rate: number): string {
  return `${Number((rate * 100).toPrecision(2))}%`
}

/**
 * The footnote on p-values: each is per check, and consecutive checks are many tests, e.g.
 * `p-values are per check: over 20 checks of a flat 30-run history, about 25% see at least one
 * false shift`.
 */
export function perCheckNote(): string {
  const { checks, history, rate } = CONSECUTIVE_FALSE_SHIFTS
  return `p-values are per check: over ${checks} consecutive checks of a flat ${history}-run history, about ${Math.round(rate * 100)}% see at least one false shift`
}

/**
 * `min-shift 15 s (1.4 MAD)`: the threshold in the history's own spread; or, given in MADs,
 * `min-shift 2.5 MAD of the residuals (25 s at this split)`.
 */
export function minShiftPhrase(change: Change, history: readonly number[]): string {
  if (change.minShiftMads !== undefined) {
    const result = change.result
    const at =
      result.kind === 'none' && result.reason === 'below-min-shift'
        ? ` (${seconds(result.minShift)} at this split)`
        : ''
    return `min-shift ${change.minShiftMads} MAD of the residuals${at}`
  }
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
      const cause = shiftCause(change.environment, commits.same, change.environmentPace)
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

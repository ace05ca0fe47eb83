/**
 * Plain-text sentences for change-point results and this run's standing. No Markdown, so the
 * job summary and the terminal report can both use them (escaping is the caller's job).
 */
import { ALPHA, type ChangePoint, type Standing } from './changepoint.js'

/** The run a split's index maps to: the first run after the split. */
export interface RunRef {
  number: number
  sha: string
}

/** `38 s`, `12.5 s`: one decimal at most, since run times are noisier than that. */
function seconds(value: number): string {
  return `${Math.round(value * 10) / 10 || 0} s`
}

function signed(value: number): string {
  const text = seconds(Math.abs(value))
  return text === '0 s' ? text : `${value < 0 ? '-' : '+'}${text}`
}

/**
 * `p = 0.012`, or `p < 0.001` at the floor. Two significant digits, more only when rounding
 * would carry p across the 0.05 threshold (0.0496 must not read as 0.05).
 */
export function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001'
  for (let digits = 2; digits <= 6; digits++) {
    const shown = Number(p.toPrecision(digits))
    if (shown < ALPHA === p < ALPHA) return `p = ${shown}`
  }
  return `p = ${p}`
}

function runLabel(index: number, at: RunRef | undefined): string {
  if (!at) return `sample ${index + 1}`
  const sha = at.sha.slice(0, 7)
  return sha ? `#${at.number} (${sha})` : `#${at.number}`
}

/**
 * One line for a change-point result, e.g.
 * `Slower since #412 (abc1234): +38 s (182 s -> 220 s), p = 0.01`.
 * `at` is the run at the result's index; without it the sample's position is named.
 */
export function changeLine(result: ChangePoint, at?: RunRef): string {
  switch (result.kind) {
    case 'too-few':
      return `Too few runs to attribute a shift: ${result.n}, need ${result.needed}`
    case 'none':
      if (result.reason === 'not-significant') return `No shift (${formatP(result.p)})`
      return `No shift beyond the ${seconds(result.minShift)} minimum: ${signed(result.shift)} since ${runLabel(result.index, at)}, ${formatP(result.p)}`
    case 'shift': {
      // The estimate's sign says which way; z breaks a zero estimate's tie.
      const slower = result.shift !== 0 ? result.shift > 0 : result.z > 0
      const levels = `${seconds(result.before)} -> ${seconds(result.after)}`
      return `${slower ? 'Slower' : 'Faster'} since ${runLabel(result.index, at)}: ${signed(result.shift)} (${levels}), ${formatP(result.p)}`
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

/**
 * Plain-text sentences about the runs' environments, shared by the job summary, the log and
 * the terminal report. Environment values come from other runs' artifacts: callers escape.
 */
import { describeEnvironment } from '../core/history/environment.js'
import type {
  ChangePace,
  Sample,
  Environment,
  EnvironmentShift,
  KeyChanges,
  MatchSummary
} from '../core/types.js'
import { NOT_SET, unknownCount, valueCounts, varyingKeys } from '../core/history/variation.js'
import { plural } from './wording.js'

/** What the values of a built-in key are, in the plural; workflow keys are "values of kind". */
const NOUNS: Record<string, string> = {
  'image-version': 'runner images',
  'image-os': 'runner image systems',
  'runner-os': 'runner operating systems',
  'runner-arch': 'runner architectures',
  'runner-environment': 'runner kinds'
}

const WORDS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten']

/** Values listed per key before "and N more". */
const MOST_VALUES = 5

/**
 * One line when the samples span more than one value of a key, e.g. `The window spans two
 * runner images: 20261115.1 (4 runs), 20261122.1 (6 runs)`; undefined when nothing varies.
 */
export function spanLine(samples: readonly Sample[], what = 'window'): string | undefined {
  const keys = varyingKeys(samples)
  if (keys.length === 0) return undefined
  const parts = keys.map(key => {
    const counts = valueCounts(samples, key)
    const shown = counts.slice(0, MOST_VALUES).map(c => `${c.value} (${plural(c.runs, 'run')})`)
    const more = counts.length > MOST_VALUES ? `, and ${counts.length - MOST_VALUES} more` : ''
    // Own keys only: a key named `constructor` is not Object.prototype's.
    const noun = (Object.hasOwn(NOUNS, key) ? NOUNS[key] : undefined) ?? `values of ${key}`
    return `${WORDS[counts.length] ?? counts.length} ${noun}: ${shown.join(', ')}${more}`
  })
  const unknown = unknownCount(samples)
  const tail = unknown ? `; ${plural(unknown, 'run')} with no recorded environment` : ''
  return `The ${what} spans ${parts.join('; ')}${tail}`
}

/** `image-version 20261115.1 -> 20261122.1`, each changed key. */
export function changesPhrase(changed: KeyChanges): string {
  return Object.entries(changed)
    .map(([key, [before, after]]) => `${key} ${before ?? NOT_SET} -> ${after ?? NOT_SET}`)
    .join(', ')
}

/**
 * What changed at a shift besides the level, replacing the bare "same commit" note when the
 * environment is known around the shift; undefined when it is not (the caller says what it
 * said before). `sameCommit`: whether the runs either side ran one commit. The data show
 * what changed together, never which of them caused the shift; `pace` says how often a split
 * anywhere in this history would land as near an environment change.
 */
export function shiftCause(
  shift: EnvironmentShift | undefined,
  sameCommit: boolean,
  pace?: ChangePace
): string | undefined {
  if (!shift || 'reason' in shift) return undefined
  const changes = Object.keys(shift.value).length ? changesPhrase(shift.value) : undefined
  const also = changes && `the environment also changed there: ${changes}${paceNote(pace)}`
  if (sameCommit && also) return `same commit on either side; ${also}`
  if (sameCommit) return 'same commit and recorded environment on either side'
  if (also) return `${also}; so did the commit`
  return 'the commit changed there, the recorded environment did not'
}

/**
 * `(by coincidence alone: 9 of the 25 places a split can fall in this history are as near a
 * change)`: how often a split placed anywhere would land as near one; empty when unknown.
 */
function paceNote(pace: ChangePace | undefined): string {
  if (!pace || pace.of === 0) return ''
  return ` (by coincidence alone: ${pace.near} of the ${pace.of} places a split can fall in this history are as near a change)`
}

/** The reference environment, on the matched keys only. */
function matchedOn(match: MatchSummary): string {
  return match.reference
    ? describeEnvironment(match.reference as Environment, match.keys)
    : `${match.keys.join(', ')} (the newest sample has no recorded environment, so none can match)`
}

/**
 * How many samples `match` kept, e.g. `Like for like on image-version=20261122.1: 7 of 30
 * samples read match; 23 from other environments left out (2 with none recorded)`. With
 * too few to judge it also says what dropping each key would leave. `term` names an input
 * as the reader gives it: the action's input, or the command's flag.
 */
export function matchLine(
  match: MatchSummary,
  minRuns: number,
  term: (input: string) => string = input => input
): string {
  const left = match.read - match.matched
  const unknown = match.unknown ? ` (${match.unknown} with none recorded)` : ''
  const base = `Like for like on ${matchedOn(match)}: ${match.matched} of ${plural(match.read, 'sample')} read match; ${left} from other environments left out${unknown}`
  if (match.matched >= minRuns) return base
  const dropped = match.dropped.map(d => `with ${d.key} dropped ${d.matched}`)
  const without = [`${match.read} without ${term('match')}`, ...dropped].join(', ')
  return `${base}. Too few to judge (${term('min-runs')} ${minRuns}); ${without}. Other environments are never pooled in: wait for more runs like this one, or raise ${term('history')} (up to ${term('lookback')})`
}

/** Log lines for samples whose environment is unknown, one per reason, naming the runs. */
export function unknownEnvironmentLines(history: readonly Sample[]): string[] {
  const byReason = new Map<string, number[]>()
  for (const s of history) {
    if (s.environment) continue
    const reason = s.environmentProblem ?? 'not recorded'
    byReason.set(reason, [...(byReason.get(reason) ?? []), s.run_id])
  }
  return [...byReason].map(([reason, runs]) => {
    const shown = runs.slice(0, 10).join(', ') + (runs.length > 10 ? ', …' : '')
    return `Environment unknown for ${plural(runs.length, 'run')} (counted all the same): ${reason}: ${shown}`
  })
}

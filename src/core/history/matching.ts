/**
 * Like for like (`match`): only samples whose named environment keys equal the reference
 * run's count. Pure; the check and the command's `--dir` reader both call it. Samples from
 * other environments are counted for the summary, never pooled in silently.
 */
import { keyValue } from './environment.js'
import type { Environment, MatchSummary, Sample } from '../types.js'

/** Whether `sample` equals the reference on every key; an unknown environment never matches. */
export function matches(
  sample: Sample,
  reference: Environment | undefined,
  keys: readonly string[]
): boolean {
  const environment = sample.environment
  if (!environment || !reference) return false
  return keys.every(key => keyValue(environment, key) === keyValue(reference, key))
}

/**
 * The history (newest first; its first sample is this run's when it has a value, else the
 * newest run's) reduced to the samples that match it on `keys`. No keys: the history as is.
 */
export function matchHistory(
  history: readonly Sample[],
  keys: readonly string[]
): { history: Sample[]; match?: MatchSummary } {
  if (keys.length === 0) return { history: [...history] }
  const reference = history[0]?.environment
  const kept = history.filter(s => matches(s, reference, keys))
  const dropped =
    keys.length < 2
      ? []
      : keys.map(key => {
          const rest = keys.filter(k => k !== key)
          return { key, matched: history.filter(s => matches(s, reference, rest)).length }
        })
  const match: MatchSummary = {
    keys: [...keys],
    ...(reference ? { reference } : {}),
    read: history.length,
    matched: kept.length,
    unknown: history.filter(s => !s.environment).length,
    dropped
  }
  return { history: kept, match }
}

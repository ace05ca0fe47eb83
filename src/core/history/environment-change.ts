/**
 * Whether the environment changed where the level did: the keys whose values differ between
 * runs within two of the change point on either side. Pure; `attribution.ts` calls it.
 */
import { MIN_SIDE } from '../stats/changepoint.js'
import { keyValue } from './environment.js'
import type { ChangePace, EnvironmentShift, KeyChanges, Sample } from '../types.js'

/** Runs looked at on each side of the change point. */
export const REACH = 2

/**
 * `oldestFirst[index]` is the first run after the split. A key changed there when the first
 * run on a new value lies within `REACH` runs of it, either side; the first such change is
 * reported with the values either side of it.
 */
export function environmentAround(oldestFirst: readonly Sample[], index: number): EnvironmentShift {
  // The runs from one before the earliest possible first-new-value run to the latest.
  const span = oldestFirst.slice(Math.max(0, index - REACH - 1), index + REACH + 1)
  const missing = span.filter(s => !s.environment).length
  if (missing > 0)
    return {
      reason: `${missing} of the ${span.length} runs around the shift have no recorded environment`
    }
  const environments = span.map(s => s.environment ?? {})
  const keys = [...new Set(environments.flatMap(e => Object.keys(e)))].sort()
  const changed: KeyChanges = {}
  for (const key of keys) {
    const values = environments.map(e => keyValue(e, key) ?? null)
    const at = values.findIndex((value, i) => i > 0 && value !== values[i - 1])
    if (at > 0) changed[key] = [values[at - 1], values[at]]
  }
  return { value: changed }
}

/**
 * At this history's pace of environment changes, how often a split placed anywhere would land
 * next to one: the chance that "the environment also changed there" is a coincidence, were
 * the split's place unrelated to the environment. Unknown environments count as no change.
 */
export function changePace(oldestFirst: readonly Sample[]): ChangePace {
  let near = 0
  let of = 0
  for (let k = MIN_SIDE; k <= oldestFirst.length - MIN_SIDE; k++) {
    of++
    const around = environmentAround(oldestFirst, k)
    if ('value' in around && Object.keys(around.value).length > 0) near++
  }
  return { near, of }
}

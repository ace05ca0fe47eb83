/**
 * Which environment keys vary across a list of samples, and how the runs spread over their
 * values. Pure; samples with no recorded environment say nothing about any key.
 */
import { keyValue } from './environment.js'
import type { Sample, Environment } from '../types.js'

/** Said for a key a run's environment does not set. */
export const NOT_SET = '(not set)'

const known = (samples: readonly Sample[]): Environment[] =>
  samples.flatMap(s => (s.environment ? [s.environment] : []))

/** Keys whose value (or absence) differs between two samples with a recorded environment; sorted. */
export function varyingKeys(samples: readonly Sample[]): string[] {
  const environments = known(samples)
  const keys = [...new Set(environments.flatMap(e => Object.keys(e)))].sort()
  return keys.filter(key => new Set(environments.map(e => keyValue(e, key))).size > 1)
}

export interface ValueCount {
  value: string
  runs: number
}

/** The runs per value of a key, oldest value first (samples come newest first). */
export function valueCounts(samples: readonly Sample[], key: string): ValueCount[] {
  const counts = new Map<string, number>()
  for (const environment of known(samples).reverse()) {
    const value = keyValue(environment, key) ?? NOT_SET
    counts.set(value, (counts.get(value) ?? 0) + 1)
  }
  return [...counts].map(([value, runs]) => ({ value, runs }))
}

/** Samples whose environment was not recorded or not readable. */
export const unknownCount = (samples: readonly Sample[]): number =>
  samples.filter(s => !s.environment).length

/**
 * The keys, in order, as long as their values across all samples fit `budget` bytes as
 * `size` writes them: the `samples` output and the summary's table stay far under GitHub's
 * 1 MB limits at window 1,000 even when every key varies with 64-character values. Built-in
 * keys are taken first, and come first.
 */
export function keysWithinBudget(
  samples: readonly Sample[],
  keys: readonly string[],
  budget: number,
  size: (key: string, value: string) => number
): string[] {
  const kept: string[] = []
  let used = 0
  const ordered = [...keys].sort((a, b) => Number(isUserKey(a)) - Number(isUserKey(b)))
  for (const key of ordered) {
    const cost = samples.reduce(
      (sum, s) => sum + size(key, (s.environment && keyValue(s.environment, key)) ?? ''),
      0
    )
    if (used + cost > budget) continue
    used += cost
    kept.push(key)
  }
  return kept
}

const isUserKey = (key: string) => !/^(runner|image)-/.test(key)

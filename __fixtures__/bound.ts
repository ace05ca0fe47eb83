import type { RunSpec } from './history.js'

/**
 * The fewest requests any reader needs to find `window` samples in a history (newest first):
 * one list call per 100 runs examined, one artifact lookup per eligible run examined, and a
 * 302 plus a blob download per sample. Cancelled runs are known from the listing alone.
 */
export function requestBound(history: RunSpec[], window: number, perPage = 100): number {
  let examined = 0
  let lookups = 0
  let samples = 0
  for (const run of history) {
    if (samples >= window) break
    examined++
    if (run.conclusion === 'cancelled' || run.conclusion === 'skipped') continue
    lookups++
    if (run.value !== undefined) samples++
  }
  return Math.ceil(examined / perPage) + lookups + 2 * samples
}

import type { Reach } from '../core/types.js'
import { plural, utcMinute } from './wording.js'

/**
 * How far back the job timings reach, in words: the oldest run read and, when a run further
 * back has no job or step of that name, that run and its reason (a rename shows here, as where
 * the history stops). Plain text: the caller escapes it for the log or the summary.
 */
export function reachText(reach: Reach): string {
  const oldest = reach.oldest
  const back = oldest
    ? `Job timings: ${plural(reach.read, 'sample')} read, back to run #${oldest.run_number}${dateOf(oldest.created_at)}`
    : 'Job timings: no sample read'
  if (!reach.stop) return `${back}.`
  const number = reach.stop.run_number ? `#${reach.stop.run_number}` : String(reach.stop.run_id)
  return `${back}; run ${number}: ${reach.stop.reason}, so the history with this name stops there.`
}

function dateOf(iso: string): string {
  const minute = utcMinute(iso)
  return minute ? ` (${minute} UTC)` : ''
}

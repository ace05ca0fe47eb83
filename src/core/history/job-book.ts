import type { Environment } from '../types.js'
import {
  isId,
  isReason,
  isSampleValue,
  newestRuns,
  parseEntries,
  withEnvironmentTable,
  type Read
} from './sample-book.js'
import type { Result } from '../types.js'

/**
 * One run's sample from its job timings as the stored file holds it (the reason under `skip`).
 * A completed attempt of a run never changes, so the outcome is bound to the run id and the
 * attempt it was read from; a re-run is a new attempt and is read again.
 */
export type JobOutcome = { run_id: number; attempt: number } & (
  { value: number; environment: Environment } | { skip: string }
)

/** Names the format in the stored file; a file of another format is ignored. */
export const JOB_BOOK_SCHEMA = 'helm-rolling-action/job-samples@1'

/**
 * The job-timing samples already read (restored from the Actions cache) and those this check
 * reads anew, for one job and span (the cache's scope names them). Pure: the cache's I/O lives
 * in `cache/sample-cache.ts`.
 */
export class JobBook {
  private readonly known = new Map<string, JobOutcome>()
  private readonly fresh: JobOutcome[] = []

  constructor(restored: readonly JobOutcome[] = []) {
    for (const outcome of restored) this.known.set(key(outcome.run_id, outcome.attempt), outcome)
  }

  /** What was read before from this attempt of this run. */
  lookup(runId: number, attempt: number): Read | undefined {
    const known = this.known.get(key(runId, attempt))
    if (!known) return undefined
    return 'skip' in known ? { reason: known.skip } : known
  }

  /** Keeps what a completed attempt gave (a reason too long to store is read again instead). */
  learn(runId: number, attempt: number, read: Read): void {
    if (!isId(runId) || !isId(attempt)) return
    if ('reason' in read && !isReason(read.reason)) return
    if ('unknown' in read) return
    const outcome: JobOutcome = {
      run_id: runId,
      attempt,
      ...('reason' in read ? { skip: read.reason } : read)
    }
    this.known.set(key(runId, attempt), outcome)
    this.fresh.push(outcome)
  }

  /** Outcomes read anew by this check: the cache is saved only when there are some. */
  get learned(): number {
    return this.fresh.length
  }

  /** The file to save: every outcome known, of the newest `lookback` runs only. */
  serialize(scope: string, lookback: number): string {
    const newest = newestRuns(this.known.values(), lookback).sort(
      (a, b) => b.run_id - a.run_id || b.attempt - a.attempt
    )
    const { environments, entries } = withEnvironmentTable(
      newest,
      outcome => ('skip' in outcome ? undefined : outcome.environment),
      (outcome, env) => {
        if ('skip' in outcome) return outcome
        const { run_id, attempt, value } = outcome
        return { run_id, attempt, value, env }
      }
    )
    return JSON.stringify({ schema: JOB_BOOK_SCHEMA, scope, environments, entries })
  }
}

const key = (runId: number, attempt: number) => `${runId}:${attempt}`

/**
 * Reads a restored file with the same distrust as the artifact samples' file: anything off in
 * any entry rejects the whole file, and the check reads every run's jobs anew.
 */
export function parseJobBook(text: string, scope: string): Result<JobOutcome[]> {
  const of = 'repository, workflow, job or span'
  return parseEntries(text, { schema: JOB_BOOK_SCHEMA, scope, of }, toOutcome)
}

const ENTRY_KEYS = new Set(['attempt,run_id,skip', 'attempt,env,run_id,value'])

function toOutcome(raw: unknown, environments: readonly Environment[]): JobOutcome | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const o = raw as Record<string, unknown>
  if (!ENTRY_KEYS.has(Object.keys(o).sort().join(','))) return undefined
  if (!isId(o.run_id) || !isId(o.attempt)) return undefined
  const base = { run_id: o.run_id, attempt: o.attempt }
  if (!('value' in o)) return isReason(o.skip) ? { ...base, skip: o.skip } : undefined
  if (!isSampleValue(o.value)) return undefined
  const environment = Number.isSafeInteger(o.env) ? environments[o.env as number] : undefined
  return environment ? { ...base, value: o.value, environment } : undefined
}

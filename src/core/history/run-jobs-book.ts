import { ResponseShapeError } from '../errors.js'
import type { Result } from '../types.js'
import { MAX_JOBS, apiJob, toJob } from './api-jobs.js'
import type { JobTiming } from './job-span.js'
import { MAX_BOOK_BYTES, isId, newestRuns, storedFile } from './sample-book.js'

/**
 * The jobs of one completed attempt of a run, as the jobs API listed them. A completed attempt
 * never changes, so its jobs are bound to the run id and the attempt; a re-run is a new
 * attempt and is read again.
 */
export interface RunJobs {
  run_id: number
  attempt: number
  jobs: JobTiming[]
}

/** Names the format in the stored file; a file of another format is ignored. */
export const RUN_JOBS_SCHEMA = 'helm-rolling-action/run-jobs@1'

/**
 * The runs' jobs already read (restored from the Actions cache) and those this check reads
 * anew, for one repository and workflow: every metric read from job timings (each step of
 * `each-step` too) is served by this one book. Pure: the cache's I/O lives in
 * `cache/sample-cache.ts`.
 */
export class RunJobsBook {
  private readonly known = new Map<string, RunJobs>()
  private fresh = 0

  constructor(restored: readonly RunJobs[] = []) {
    for (const runJobs of restored) this.known.set(key(runJobs.run_id, runJobs.attempt), runJobs)
  }

  /** The jobs read before from this attempt of this run. */
  lookup(runId: number, attempt: number): JobTiming[] | undefined {
    return this.known.get(key(runId, attempt))?.jobs
  }

  /**
   * Keeps the jobs of a completed attempt (more than a restore accepts are read again
   * instead). Only when every job has completed: the jobs listing names the latest attempt, so
   * a run re-run between the runs listing and its jobs read answers with the new attempt's
   * jobs, still running; those are judged by this check but never kept.
   */
  learn(runId: number, attempt: number, jobs: readonly JobTiming[]): void {
    if (!isId(runId) || !isId(attempt) || jobs.length > MAX_JOBS) return
    if (!jobs.every(job => job.status === 'completed')) return
    this.known.set(key(runId, attempt), { run_id: runId, attempt, jobs: [...jobs] })
    this.fresh++
  }

  /** Attempts read anew by this check: the cache is saved only when there are some. */
  get learned(): number {
    return this.fresh
  }

  /**
   * The file to save: the jobs of the newest `lookback` runs, in the API's own field names,
   * newest first, and only as many runs as a restore accepts (MAX_BOOK_BYTES): an older run
   * that does not fit is read again by the next check.
   */
  serialize(scope: string, lookback: number): string {
    const head = JSON.stringify({ schema: RUN_JOBS_SCHEMA, scope, runs: [] })
    // In bytes, as the restore reads it: a step named "✅ Test" takes more bytes than characters.
    let size = utf8Bytes(head)
    const runs: string[] = []
    const newest = newestRuns(this.known.values(), lookback).sort(
      (a, b) => b.run_id - a.run_id || b.attempt - a.attempt
    )
    for (const { run_id, attempt, jobs } of newest) {
      const text = JSON.stringify({ run_id, attempt, jobs: jobs.map(apiJob) })
      size += utf8Bytes(text) + 1
      if (size > MAX_BOOK_BYTES) break
      runs.push(text)
    }
    return `${head.slice(0, -2)}${runs.join(',')}]}`
  }
}

const key = (runId: number, attempt: number) => `${runId}:${attempt}`

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

const ENTRY_KEYS = 'attempt,jobs,run_id'

/**
 * Reads a restored file as untrusted: anyone who can run a workflow in the default branch's
 * cache scope can write one. The size, the format and the scope are checked, and every job
 * goes through the same parser as the jobs API's answers; anything off rejects the whole file,
 * and the check reads every run's jobs anew.
 */
export function parseRunJobsBook(text: string, scope: string): Result<RunJobs[]> {
  const file = storedFile(text, RUN_JOBS_SCHEMA)
  if ('reason' in file) return file
  const book = file.value
  if (book.scope !== scope) return { reason: 'saved for another repository or workflow' }
  if (!Array.isArray(book.runs)) return { reason: "no 'runs' array" }
  const runs: RunJobs[] = []
  for (const [index, raw] of book.runs.entries()) {
    const entry = toRunJobs(raw)
    if ('reason' in entry) return { reason: `run ${index}: ${entry.reason}` }
    runs.push(entry.value)
  }
  return { value: runs }
}

function toRunJobs(raw: unknown): Result<RunJobs> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { reason: 'not an object' }
  const o = raw as Record<string, unknown>
  if (Object.keys(o).sort().join(',') !== ENTRY_KEYS)
    return { reason: `keys are not ${ENTRY_KEYS}` }
  if (!isId(o.run_id) || !isId(o.attempt)) return { reason: 'no valid run id and attempt' }
  if (!Array.isArray(o.jobs) || o.jobs.length > MAX_JOBS)
    return { reason: `no 'jobs' array of at most ${MAX_JOBS}` }
  let jobs: JobTiming[]
  try {
    jobs = o.jobs.map(toJob)
  } catch (error) {
    if (error instanceof ResponseShapeError) return { reason: error.message }
    throw error
  }
  // What learn() keeps, and nothing else: jobs of one attempt, each once, all completed.
  if (!jobs.every(job => isId(job.id))) return { reason: 'a job id that is not a whole number' }
  if (new Set(jobs.map(job => job.id)).size !== jobs.length) return { reason: 'a job listed twice' }
  if (!jobs.every(job => job.status === 'completed')) return { reason: 'a job not completed' }
  return { value: { run_id: o.run_id, attempt: o.attempt, jobs } }
}

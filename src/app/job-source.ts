import { SkipRun } from '../core/errors.js'
import type { JobBook } from '../core/history/job-book.js'
import {
  jobEnvironment,
  selectJob,
  spanSeconds,
  type JobTiming,
  type SpanSpec
} from '../core/history/job-span.js'
import type { Read } from '../core/history/sample-book.js'
import type { Measured } from '../core/types.js'
import { explain, httpStatus } from '../github/failures.js'
import type { Run } from '../github/runs.js'
import type { JobReader } from './job-reader.js'
import { measuredOf, type SampleSource } from './source.js'

export interface JobSourceOptions {
  reader: JobReader
  /** The job and steps, once this run's own job is resolved. */
  span: Promise<SpanSpec>
  /** The samples earlier checks read (the Actions cache), once restored; undefined: none. */
  book?: () => Promise<JobBook | undefined>
  /**
   * The run just before this one: its check saved the cache before it completed, so it is
   * never in it, and its jobs are read beside the restore instead of after it.
   */
  newestUncached?: number
}

/**
 * A run's sample from GitHub's job timings: the span in the one job of its latest attempt,
 * with the job's runner labels and group as its environment. No blob, no artifact.
 */
export class JobSource implements SampleSource {
  constructor(private readonly options: JobSourceOptions) {}

  async read(run: Run): Promise<Measured> {
    const attempt = run.run_attempt ?? 1
    const { reader, book } = this.options
    const cached = run.run_number !== this.options.newestUncached
    const known = cached ? (await book?.())?.lookup(run.id, attempt) : undefined
    if (known) return measuredOf(known)
    let jobs: JobTiming[]
    try {
      jobs = await reader.jobsOf(run.id, attempt, {
        cached,
        completed: run.status === 'completed'
      })
    } catch (error) {
      throw skipOrFailure(error, run)
    }
    const read = measure(jobs, await this.options.span)
    // Only a completed attempt is final; the listing holds completed runs only, but says so.
    if (run.status === 'completed') (await book?.())?.learn(run.id, attempt, read)
    return measuredOf(read)
  }
}

/** The span's seconds in the run's one matching job, or the reason the run does not count. */
export function measure(jobs: readonly JobTiming[], span: SpanSpec): Read {
  const job = selectJob(jobs, span.job)
  if ('reason' in job) return job
  const seconds = spanSeconds(job.value, span.steps)
  if ('reason' in seconds) return seconds
  return { value: seconds.value, environment: jobEnvironment(job.value) }
}

/**
 * A run whose jobs are gone (404) is skipped; anything else that outlasted the retries fails
 * the check naming the run, as for artifacts: skipping it would slide the window.
 */
function skipOrFailure(error: unknown, run: Run): SkipRun | Error {
  if (httpStatus(error) === 404) return new SkipRun('jobs not found (404)')
  return new Error(explain(error, `Reading the jobs of run ${run.id}`))
}

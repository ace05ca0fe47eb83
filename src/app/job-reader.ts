import type { JobTiming } from '../core/history/job-span.js'
import type { RunJobsBook } from '../core/history/run-jobs-book.js'
import type { RepoRef } from '../github/artifacts.js'
import type { Client } from '../github/client.js'
import { listJobs } from '../github/jobs.js'

/** How a listed run's jobs may be taken from, and kept in, the runs' jobs book. */
export interface JobsOfOptions {
  /** False for the run just before this one: never in the cache, read beside the restore. */
  cached?: boolean
  /** Only a completed attempt's jobs are final, and kept. */
  completed?: boolean
}

/**
 * The jobs of the runs a check reads, each attempt's read once: several metrics of one run
 * (and the samples of a check and its pull request comment) share one jobs request. With a
 * book (the runs' jobs earlier checks read, from the Actions cache), an attempt it holds costs
 * no request, and a completed attempt read anew is kept in it.
 */
export class JobReader {
  private readonly reads = new Map<string, Promise<JobTiming[]>>()

  constructor(
    private readonly client: Client,
    private readonly ref: RepoRef,
    /** The runs' jobs book, once restored; undefined (or answering undefined): none. */
    private readonly book?: () => Promise<RunJobsBook | undefined>
  ) {}

  /** A listed run's jobs, by run id and attempt (a completed attempt's jobs never change). */
  jobsOf(runId: number, attempt: number, options: JobsOfOptions = {}): Promise<JobTiming[]> {
    const key = `${runId}:${attempt}`
    let read = this.reads.get(key)
    if (!read) {
      read = this.read(runId, attempt, options)
      // A failed read is not kept: the next caller asks again (and gets the failure itself).
      read.catch(() => this.reads.delete(key))
      this.reads.set(key, read)
    }
    return read
  }

  private async read(runId: number, attempt: number, options: JobsOfOptions) {
    const { book } = this
    const cached = book && options.cached !== false
    const known = cached ? (await book())?.lookup(runId, attempt) : undefined
    if (known) return known
    const jobs = await listJobs(this.client, this.ref, runId)
    if (book && options.completed) (await book())?.learn(runId, attempt, jobs)
    return jobs
  }

  /** This run's jobs as they are now: never memoized nor taken from the book, its steps are still ending. */
  current(runId: number): Promise<JobTiming[]> {
    return listJobs(this.client, this.ref, runId)
  }
}

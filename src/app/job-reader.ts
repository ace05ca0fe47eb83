import type { JobTiming } from '../core/history/job-span.js'
import type { RepoRef } from '../github/artifacts.js'
import type { Client } from '../github/client.js'
import { listJobs } from '../github/jobs.js'

/**
 * The jobs of the runs a check reads, each attempt's read once: several metrics of one run
 * (and the samples of a check and its pull request comment) share one jobs request.
 */
export class JobReader {
  private readonly reads = new Map<string, Promise<JobTiming[]>>()

  constructor(
    private readonly client: Client,
    private readonly ref: RepoRef
  ) {}

  /** A listed run's jobs, by run id and attempt (a completed attempt's jobs never change). */
  jobsOf(runId: number, attempt: number): Promise<JobTiming[]> {
    const key = `${runId}:${attempt}`
    let read = this.reads.get(key)
    if (!read) {
      read = listJobs(this.client, this.ref, runId)
      // A failed read is not kept: the next caller asks again (and gets the failure itself).
      read.catch(() => this.reads.delete(key))
      this.reads.set(key, read)
    }
    return read
  }

  /** This run's jobs as they are now: never memoized, its steps are still ending. */
  current(runId: number): Promise<JobTiming[]> {
    return listJobs(this.client, this.ref, runId)
  }
}

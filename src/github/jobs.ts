import { MAX_JOBS, toJob } from '../core/history/api-jobs.js'
import type { JobTiming } from '../core/history/job-span.js'
import type { RepoRef } from './artifacts.js'
import type { Client } from './client.js'
import { listPages } from './listing.js'

/**
 * The jobs of a run's latest attempt (`filter=latest`: a job that a partial re-run did not
 * repeat is still listed), 100 a page, with their steps' times. Each job is checked by the
 * core's one parser of a job, which a restored cache file's jobs go through too.
 */
export async function listJobs(client: Client, ref: RepoRef, runId: number): Promise<JobTiming[]> {
  const jobs: JobTiming[] = []
  for await (const page of listPages(client, {
    route: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
    params: { ...ref, run_id: runId, filter: 'latest' },
    key: 'jobs',
    parse: toJob,
    id: job => job.id,
    maxItems: MAX_JOBS,
    perPage: 100,
    what: `the jobs listing of run ${runId}`,
    unordered: true
  }))
    jobs.push(...page)
  return jobs
}

import { ResponseShapeError } from '../core/errors.js'
import type { JobTiming, StepTiming } from '../core/history/job-span.js'
import type { RepoRef } from './artifacts.js'
import type { Client } from './client.js'
import { listPages } from './listing.js'

/**
 * More jobs than one run of a workflow holds (a matrix makes at most 256 per job, and a
 * workflow has few jobs): the listing never reads past this.
 */
export const MAX_JOBS = 1000

/**
 * The jobs of a run's latest attempt (`filter=latest`: a job that a partial re-run did not
 * repeat is still listed), 100 a page, with their steps' times.
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

/** Checks one untrusted job and keeps what the span and the environment read. */
export function toJob(raw: unknown): JobTiming {
  const job = raw as Record<string, unknown> | null
  if (typeof job !== 'object' || job === null || typeof job.id !== 'number')
    throw new ResponseShapeError('a job without a numeric id')
  if (typeof job.name !== 'string') throw new ResponseShapeError(`job ${job.id} has no name`)
  const steps = Array.isArray(job.steps) ? job.steps.map(step => toStep(step, job.id)) : []
  return {
    id: job.id,
    name: job.name,
    status: text(job.status) ?? '',
    conclusion: text(job.conclusion),
    startedAt: time(job.started_at),
    completedAt: time(job.completed_at),
    labels: Array.isArray(job.labels) ? job.labels.filter(l => typeof l === 'string') : [],
    runnerName: text(job.runner_name),
    runnerGroup: text(job.runner_group_name),
    steps
  }
}

function toStep(raw: unknown, jobId: unknown): StepTiming {
  const step = raw as Record<string, unknown> | null
  if (
    typeof step !== 'object' ||
    step === null ||
    typeof step.name !== 'string' ||
    typeof step.number !== 'number'
  )
    throw new ResponseShapeError(`a step of job ${String(jobId)} without a name or number`)
  return {
    name: step.name,
    number: step.number,
    status: text(step.status) ?? '',
    conclusion: text(step.conclusion),
    startedAt: time(step.started_at),
    completedAt: time(step.completed_at)
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** A date GitHub wrote, in ms; null when absent or garbled. */
function time(value: unknown): number | null {
  if (typeof value !== 'string') return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : ms
}

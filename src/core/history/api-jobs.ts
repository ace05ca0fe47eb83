/**
 * A job as the jobs API gives it, checked: the one parser of a job, for the API's answers
 * (`github/jobs.ts`) and for the jobs a restored cache file holds (`run-jobs-book.ts`), which
 * stores them in the API's own field names. Pure: untrusted input in, checked data out.
 */
import { ResponseShapeError } from '../errors.js'
import type { JobTiming, StepTiming } from './job-span.js'

/**
 * More jobs than one run of a workflow holds (a matrix makes at most 256 per job, and a
 * workflow has few jobs): the listing never reads past this, nor does a restored file hold more.
 */
export const MAX_JOBS = 1000

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

/**
 * A checked job back in the API's field names, reduced to what `toJob` reads: `toJob` of it
 * gives the job again (a time is written as an ISO date of the same millisecond).
 */
export function apiJob(job: JobTiming): Record<string, unknown> {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    conclusion: job.conclusion,
    started_at: iso(job.startedAt),
    completed_at: iso(job.completedAt),
    labels: job.labels,
    runner_name: job.runnerName,
    runner_group_name: job.runnerGroup,
    steps: job.steps.map(step => ({
      name: step.name,
      number: step.number,
      status: step.status,
      conclusion: step.conclusion,
      started_at: iso(step.startedAt),
      completed_at: iso(step.completedAt)
    }))
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** A date GitHub wrote, in ms; null when absent or garbled. */
function time(value: unknown): number | null {
  if (typeof value !== 'string') return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : ms
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

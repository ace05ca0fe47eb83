/**
 * Metrics read from GitHub's job timings inside a check of several metrics: each span a
 * source of its own over one shared `JobReader` (each run's jobs read once, whatever the
 * number of metrics), this run's own span from its jobs read once, and `each-step` expanded
 * into one watched metric per step of the job as the newest run names it.
 */
import { InputError } from '../core/errors.js'
import {
  currentSpan,
  jobEnvironment,
  selectJob,
  type JobName,
  type JobTiming,
  type SpanSpec,
  type StepSpan
} from '../core/history/job-span.js'
import type { Sample } from '../core/types.js'

/** This run, when the check runs inside one: its id, number, commit, link and runner. */
export interface OwnRun {
  runId: number
  runNumber: number
  sha: string
  htmlUrl: string
  runnerName: string
}

/** Steps a job always has, or that run after the work: never a metric of `each-step`. */
const NOT_WORK = /^(Set up job|Complete job|Post .*)$/
/** The action's own step: its default name is `Run tracecore/helm-rolling-action@v1`. */
const OWN_ACTION = /helm-rolling-action/

/** The job a span rule names, or this step's own job (the in-progress one on this runner). */
export function jobOf(
  rule: { name: string; job?: string },
  own: readonly JobTiming[] | undefined,
  runnerName: string
): JobName {
  if (rule.job !== undefined) return { text: rule.job, exact: false }
  const mine = (own ?? []).filter(
    j => j.status === 'in_progress' && runnerName !== '' && j.runnerName === runnerName
  )
  if (mine.length === 1) return { text: mine[0].name, exact: true }
  throw new InputError(
    'metrics',
    `entry ${rule.name}: key 'job' is needed: this step's own job cannot be told here (${mine.length} in-progress jobs on runner ${JSON.stringify(runnerName)})`
  )
}

/** This run's own sample of a span, when it ended before this step; never read again. */
export function ownSample(
  jobs: readonly JobTiming[] | undefined,
  span: SpanSpec,
  own: OwnRun | undefined
): Sample | undefined {
  if (!jobs || !own) return undefined
  const read = currentSpan(jobs, span)
  if (!('value' in read)) return undefined
  const job = selectJob(jobs, span.job)
  return {
    run_id: own.runId,
    run_number: own.runNumber,
    value: read.value,
    head_sha: own.sha,
    created_at: new Date().toISOString(),
    html_url: own.htmlUrl,
    conclusion: 'in progress',
    current: true,
    environment: 'value' in job ? jobEnvironment(job.value) : {}
  }
}

/** `Pull images` -> `pull-images`: lowercase letters, digits and `-`. */
export function slug(name: string): string {
  const text = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
  return text || 'step'
}

/**
 * The steps of `job` in the newest run's jobs that `each-step` watches, by name, each once:
 * not `Set up job`, `Complete job`, `Post ...`, nor the action's own step (`ownStep`).
 */
export function watchedSteps(
  jobs: readonly JobTiming[],
  job: JobName,
  ownStep: string | undefined
): string[] {
  const found = selectJob(jobs, job)
  if ('reason' in found) return []
  const names = found.value.steps
    .map(s => s.name)
    .filter(name => !NOT_WORK.test(name) && !OWN_ACTION.test(name) && name !== ownStep)
  return [...new Set(names)]
}

/** Metric names for steps: slugs, a number added where two share one (or a taken name). */
export function stepNames(steps: readonly string[], taken: ReadonlySet<string>): string[] {
  const used = new Set(taken)
  return steps.map(step => {
    const base = slug(step)
    let name = base
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`
    used.add(name)
    return name
  })
}

/** One step, exactly by its name: the span from its start to its end. */
export const oneStep = (name: string): StepSpan => ({ text: name, first: name, last: name })

/** The step of this run's own job that is running now: the action's own. */
export function runningStep(
  jobs: readonly JobTiming[] | undefined,
  job: JobName
): string | undefined {
  if (!jobs) return undefined
  const found = selectJob(jobs, job)
  if ('reason' in found) return undefined
  return found.value.steps.find(s => s.status === 'in_progress')?.name
}

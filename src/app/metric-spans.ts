/**
 * Metrics read from GitHub's job timings inside a check of several metrics: each span a
 * source of its own over one shared `JobReader` (each run's jobs read once, whatever the
 * number of metrics), this run's own spans from its jobs (read again, within a bound, while a
 * step GitHub has not yet posted as ended shows running), and `each-step` expanded
 * into one watched metric per step of the job as the newest run names it.
 */
import { InputError } from '../core/errors.js'
import { selectJob, type JobName, type JobTiming, type StepSpan } from '../core/history/job-span.js'
import { ownJob } from './current-run.js'

/** Steps a job always has, or that run after the work: never a metric of `each-step`. */
const NOT_WORK = /^(Set up job|Complete job|Post .*)$/
/** The action's own step: its default name is `Run tracecore/helm-rolling-action@v1`. */
const OWN_ACTION = /helm-rolling-action/

/**
 * The job a span rule names, or this step's own job (the in-progress one on this runner): an
 * input error naming the entry when that cannot be told.
 */
export function jobOf(
  rule: { name: string; job?: string },
  own: readonly JobTiming[] | undefined,
  runnerName: string
): JobName {
  return ownJob(
    own ?? [],
    runnerName,
    rule.job,
    found =>
      new InputError(
        'metrics',
        `entry ${rule.name}: key 'job' is needed: this step's own job cannot be told here (${found} in-progress jobs on runner ${JSON.stringify(runnerName)})`
      )
  )
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

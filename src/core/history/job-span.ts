/**
 * A sample from the timings GitHub keeps of every job and step: which job, which steps, and
 * the seconds between them. Pure: the jobs are read in `github/jobs.ts`.
 */
import { MAX_SAMPLE_SECONDS } from '../untrusted/parse.js'
import { validateEnvironment } from './environment.js'
import type { Environment, Result } from '../types.js'

/** One step of a job, as the jobs API reports it, checked; times in ms since the epoch. */
export interface StepTiming {
  name: string
  number: number
  /** `queued`, `in_progress` or `completed`. */
  status: string
  conclusion: string | null
  startedAt: number | null
  completedAt: number | null
}

/** One job of a run's latest attempt, checked; untrusted strings kept as text. */
export interface JobTiming {
  id: number
  name: string
  status: string
  conclusion: string | null
  startedAt: number | null
  completedAt: number | null
  labels: string[]
  runnerName: string | null
  runnerGroup: string | null
  steps: StepTiming[]
}

/** Which job: a name as GitHub shows it (`*` matches any text), or this job's own, exactly. */
export interface JobName {
  text: string
  /** A name resolved from this run's own job is compared as is: a `*` in it is no wildcard. */
  exact: boolean
}

/** The `steps` input: `NAME`, or `FIRST .. LAST`. */
export interface StepSpan {
  /** As given (trimmed): a step whose whole name matches it is that one step. */
  text: string
  first: string
  last: string
}

/** What the sample spans: one job, and in it the steps (absent: the whole job). */
export interface SpanSpec {
  job: JobName
  steps?: StepSpan
}

/**
 * The span as one stable text, for the gate's identity (its issue, comment and cache): the
 * job as resolved (`=` marks this step's own job, compared exactly) and the steps as given.
 */
export function spanIdentity(span: SpanSpec): string {
  return `${span.job.exact ? '=' : ''}${span.job.text}\n${span.steps?.text ?? ''}`
}

/** ` .. ` with spaces around it (or at either end) separates FIRST from LAST. */
const SEPARATOR = /(?:^|\s+)\.\.(?:\s+|$)/

/** Parses `steps`: one name, or two around ` .. `; an empty side or a third part is refused. */
export function parseSteps(text: string): Result<StepSpan> {
  const trimmed = text.trim()
  const parts = trimmed.split(SEPARATOR).map(part => part.trim())
  if (parts.length > 2)
    return { reason: `names more than two steps: give NAME or FIRST .. LAST, got ${q(trimmed)}` }
  if (parts.some(part => part === ''))
    return { reason: `has an empty side of ' .. ': give FIRST .. LAST, got ${q(trimmed)}` }
  return { value: { text: trimmed, first: parts[0], last: parts.at(-1) ?? parts[0] } }
}

/** Whether `name` matches `pattern`: case-sensitive, `*` any text (` / ` included). */
export function matchesName(pattern: string, name: string, exact = false): boolean {
  if (exact || !pattern.includes('*')) return pattern === name
  const source = pattern
    .split('*')
    .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*')
  return new RegExp(`^${source}$`).test(name)
}

/** The one job of the run whose name matches, or why there is not exactly one. */
export function selectJob(jobs: readonly JobTiming[], job: JobName): Result<JobTiming> {
  const found = jobs.filter(j => matchesName(job.text, j.name, job.exact))
  if (found.length === 1) return { value: found[0] }
  if (found.length === 0) return { reason: `no job named ${q(job.text)}` }
  const names = found.slice(0, 3).map(j => q(j.name))
  return {
    reason: `${found.length} jobs match ${q(job.text)} (${names.join(', ')}${found.length > 3 ? ', …' : ''}): name one`
  }
}

/** The first and the last step of the span in this job, in GitHub's order of steps. */
export function spanSteps(job: JobTiming, span: StepSpan): Result<[StepTiming, StepTiming]> {
  // A value that is a whole step's name is that step, even when the name holds ` .. `.
  const whole = job.steps.filter(s => matchesName(span.text, s.name))
  const firsts = whole.length ? whole : job.steps.filter(s => matchesName(span.first, s.name))
  const lasts = whole.length ? whole : job.steps.filter(s => matchesName(span.last, s.name))
  const missing = !firsts.length ? span.first : !lasts.length ? span.last : undefined
  if (missing !== undefined) return { reason: `no step named ${q(missing)} in job ${q(job.name)}` }
  const first = firsts[0]
  const last = lasts[lasts.length - 1]
  if (first.number > last.number)
    return {
      reason: `step ${q(first.name)} comes after ${q(last.name)} in job ${q(job.name)}`
    }
  return { value: [first, last] }
}

/** Step conclusions whose times do not measure the span: it did not run, or was stopped. */
const NOT_RUN = new Set(['skipped', 'cancelled'])

/** Why a step (or the job) gives no end point of a span, or undefined when it does. */
function endProblem(
  what: string,
  item: { status: string; conclusion: string | null },
  times: [number | null, number | null]
): string | undefined {
  if (item.conclusion && NOT_RUN.has(item.conclusion)) return `${what} was ${item.conclusion}`
  if (item.status !== 'completed') return `${what} has not ended (${item.status})`
  // A skipped step may carry equal times or none (GitHub documents neither): both are refused.
  if (times[0] === null || times[1] === null) return `${what} has no times`
  return undefined
}

/**
 * The span's seconds in this job, whole as GitHub reports them: from the first step's start to
 * the last one's end, or the job's own start and end. A failed step counts (a wait that timed
 * out is the slow run); skipped, cancelled, unfinished or untimed ones do not.
 */
export function spanSeconds(job: JobTiming, steps?: StepSpan): Result<number> {
  if (!steps) {
    const problem = endProblem(`job ${q(job.name)}`, job, [job.startedAt, job.completedAt])
    if (problem) return { reason: problem }
    return seconds(job.startedAt, job.completedAt)
  }
  const picked = spanSteps(job, steps)
  if ('reason' in picked) return picked
  const [first, last] = picked.value
  for (const step of first === last ? [first] : [first, last]) {
    const problem = endProblem(`step ${q(step.name)}`, step, [step.startedAt, step.completedAt])
    if (problem) return { reason: problem }
  }
  return seconds(first.startedAt, last.completedAt)
}

function seconds(start: number | null, end: number | null): Result<number> {
  if (start === null || end === null) return { reason: 'no times' }
  if (end < start) return { reason: 'ends before it starts' }
  const value = Math.round((end - start) / 1000)
  // The bound a recorded sample has: a garbled date (or a poisoned cache entry) moves no median.
  if (value > MAX_SAMPLE_SECONDS)
    return { reason: `over the ${MAX_SAMPLE_SECONDS}-second (one year) maximum` }
  return { value }
}

/** A name in a reason: quoted, and short (reasons are stored and shown). */
const q = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)

/** This run's own span, or why it is left out; `again`: the API may not show its end yet. */
export type CurrentSpan = Result<number> & { again?: boolean }

/**
 * This run's span, read while the run is in progress. A step the API still shows running may
 * have just ended (its end is posted a moment later), so that case asks to read again; a step
 * not yet started runs after this one, and reading again cannot help.
 */
export function currentSpan(jobs: readonly JobTiming[], spec: SpanSpec): CurrentSpan {
  const job = selectJob(jobs, spec.job)
  if ('reason' in job) return job
  if (!spec.steps) {
    if (job.value.status === 'completed') return spanSeconds(job.value)
    return {
      reason: `job ${q(job.value.name)} has not ended (${job.value.status}): a job's own whole span is never this run's sample`
    }
  }
  const picked = spanSteps(job.value, spec.steps)
  if ('reason' in picked) return picked
  const last = picked.value[1]
  if (last.status === 'in_progress')
    return { reason: `step ${q(last.name)} has not ended before this step`, again: true }
  if (last.status !== 'completed')
    return {
      reason: `step ${q(last.name)} has not started (${last.status}): it runs after this step, or in a job this one does not 'needs'`
    }
  return spanSeconds(job.value, spec.steps)
}

/** Runner facts of a job, recorded as environment keys so `match` compares like with like. */
export const JOB_ENVIRONMENT_KEYS = ['runner-labels', 'runner-group'] as const

/**
 * The job's labels (comma-joined, as `runs-on` gave them) and runner group. A value the
 * environment's rules refuse (over 64 characters, not printable ASCII) is left out: unknown.
 */
export function jobEnvironment(job: JobTiming): Environment {
  const candidates: [string, string][] = [
    ['runner-labels', job.labels.join(',')],
    ['runner-group', job.runnerGroup ?? '']
  ]
  const kept = candidates.filter(
    ([key, value]) => value !== '' && !('reason' in validateEnvironment({ [key]: value }))
  )
  return Object.fromEntries(kept)
}

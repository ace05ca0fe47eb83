/**
 * This run's own span, for the single-metric check and for the metrics of `metrics` alike:
 * which job is this step's own, this run's sample of a span, and the bounded re-reads of this
 * run's jobs while GitHub has not yet posted the end of a step that ended.
 */
import {
  currentSpan,
  jobEnvironment,
  selectJob,
  type JobName,
  type JobTiming,
  type SpanSpec,
  type StepSpan
} from '../core/history/job-span.js'
import type { Result, Sample } from '../core/types.js'
import type { JobReader } from './job-reader.js'

/**
 * How often this run's jobs are read again when a step of the span still shows as running,
 * and how long apart: GitHub posts a step's end a moment after it ends. At most
 * REREADS * REREAD_MS (3 s) is spent before the run is left out.
 */
export const REREADS = 3
export const REREAD_MS = 1000

/** This run, when the check runs inside one: its id, number, commit, link and runner. */
export interface OwnRun {
  runId: number
  runNumber: number
  sha: string
  htmlUrl: string
  /** `RUNNER_NAME`: this step's job is the in-progress one that ran there. */
  runnerName: string
}

export interface CurrentRunRequest extends OwnRun {
  reader: JobReader
  /** The `job` input; undefined: this step's own job. */
  job?: string
  steps?: StepSpan
  rereadMs?: number
}

export interface CurrentRead {
  /** The job and steps, resolved: this step's own job is named as this run shows it. */
  span: SpanSpec
  /** This run's sample when its span has ended before this step. */
  current?: Sample
  /** Why this run is not the newest sample, for an info line. */
  note?: string
}

/**
 * Reads this run's jobs: which job is this step's own (with its matrix values), and this run's
 * span when it ended before this step. A step still shown running is read again, a few times
 * within a stated bound; one not yet started is left out at once.
 */
export async function readCurrentRun(request: CurrentRunRequest): Promise<CurrentRead> {
  const { span, read } = await readSettled(
    request.reader,
    request.runId,
    jobs => {
      const job = ownJob(jobs, request.runnerName, request.job, found => {
        const what = found === 0 ? 'no in-progress job' : `${found} in-progress jobs`
        return new Error(
          `Cannot tell which job this step runs in: ${what} of run ${request.runId} on runner ${JSON.stringify(request.runnerName)} (RUNNER_NAME); give the 'job' input`
        )
      })
      const span: SpanSpec = { job, steps: request.steps }
      return { span, read: readOwnSpan(jobs, span, request) }
    },
    ({ read }) => read.again === true,
    request.rereadMs
  )
  if ('value' in read) return { span, current: read.value }
  return { span, note: `This run is not counted: ${read.reason}` }
}

/**
 * This run's jobs, judged by `judge`, and read again while `unsettled` says a step still shows
 * as running: at most REREADS more reads, `rereadMs` (default REREAD_MS) apart. The judgement
 * of the newest read is the answer.
 */
export async function readSettled<T>(
  reader: JobReader,
  runId: number,
  judge: (jobs: readonly JobTiming[]) => T,
  unsettled: (judged: T) => boolean,
  rereadMs = REREAD_MS
): Promise<T> {
  let judged = judge(await reader.current(runId))
  for (let reread = 0; reread < REREADS && unsettled(judged); reread++) {
    await new Promise(resolve => setTimeout(resolve, rereadMs))
    judged = judge(await reader.current(runId))
  }
  return judged
}

/**
 * The job a span names: `given` as a pattern, or this step's own job, the in-progress one of
 * this run on `runnerName`, exactly. When that cannot be told, `cannot` says so, given how
 * many in-progress jobs ran on that runner.
 */
export function ownJob(
  jobs: readonly JobTiming[],
  runnerName: string,
  given: string | undefined,
  cannot: (found: number) => Error
): JobName {
  if (given !== undefined) return { text: given, exact: false }
  const own = jobs.filter(
    j => j.status === 'in_progress' && runnerName !== '' && j.runnerName === runnerName
  )
  if (own.length === 1) return { text: own[0].name, exact: true }
  throw cannot(own.length)
}

/**
 * This run's sample of a span on one read of its jobs, or why there is none; `again`: the
 * span's last step still shows running, and a later read may show its end.
 */
export function readOwnSpan(
  jobs: readonly JobTiming[],
  span: SpanSpec,
  own: OwnRun
): Result<Sample> & { again?: boolean } {
  const read = currentSpan(jobs, span)
  return 'value' in read ? { value: ownSample(read.value, jobs, span, own) } : read
}

/** This run's sample of a span whose seconds `value` were read from its jobs. */
export function ownSample(
  value: number,
  jobs: readonly JobTiming[],
  span: SpanSpec,
  own: OwnRun
): Sample {
  const job = selectJob(jobs, span.job)
  return {
    run_id: own.runId,
    run_number: own.runNumber,
    value,
    head_sha: own.sha,
    created_at: new Date().toISOString(),
    html_url: own.htmlUrl,
    conclusion: 'in progress',
    current: true,
    environment: 'value' in job ? jobEnvironment(job.value) : {}
  }
}

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
import type { JobReader } from './job-reader.js'

/**
 * How often this run's jobs are read again when a step of the span still shows as running,
 * and how long apart: GitHub posts a step's end a moment after it ends. At most
 * REREADS * REREAD_MS (3 s) is spent before the run is left out.
 */
export const REREADS = 3
export const REREAD_MS = 1000

export interface CurrentRunRequest {
  reader: JobReader
  runId: number
  runNumber: number
  /** `RUNNER_NAME`: this step's job is the in-progress one that ran there. */
  runnerName: string
  /** The `job` input; undefined: this step's own job. */
  job?: string
  steps?: StepSpan
  sha: string
  htmlUrl: string
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
  const { reader, runId } = request
  let jobs = await reader.current(runId)
  const span: SpanSpec = { job: resolveJob(jobs, request), steps: request.steps }
  for (let attempt = 0; ; attempt++) {
    const read = currentSpan(jobs, span)
    if ('value' in read) return { span, current: sampleOf(read.value, jobs, span, request) }
    if (!read.again || attempt >= REREADS)
      return { span, note: `This run is not counted: ${read.reason}` }
    await new Promise(resolve => setTimeout(resolve, request.rereadMs ?? REREAD_MS))
    jobs = await reader.current(runId)
  }
}

/** The `job` input as a pattern, or the in-progress job of this run on this runner, exactly. */
function resolveJob(jobs: readonly JobTiming[], request: CurrentRunRequest): JobName {
  if (request.job !== undefined) return { text: request.job, exact: false }
  const own = jobs.filter(
    j =>
      j.status === 'in_progress' && request.runnerName !== '' && j.runnerName === request.runnerName
  )
  if (own.length === 1) return { text: own[0].name, exact: true }
  const found = own.length === 0 ? 'no in-progress job' : `${own.length} in-progress jobs`
  throw new Error(
    `Cannot tell which job this step runs in: ${found} of run ${request.runId} on runner ${JSON.stringify(request.runnerName)} (RUNNER_NAME); give the 'job' input`
  )
}

function sampleOf(
  value: number,
  jobs: readonly JobTiming[],
  span: SpanSpec,
  request: CurrentRunRequest
): Sample {
  const job = selectJob(jobs, span.job)
  return {
    run_id: request.runId,
    run_number: request.runNumber,
    value,
    head_sha: request.sha,
    created_at: new Date().toISOString(),
    html_url: request.htmlUrl,
    conclusion: 'in progress',
    current: true,
    environment: 'value' in job ? jobEnvironment(job.value) : {}
  }
}

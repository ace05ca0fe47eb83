/**
 * Job timings for the fake GitHub: a run's jobs with their steps' times, as the jobs API
 * reports them. The usual job is the seed's: set-up, check-out, `Install chart`, `Wait for
 * DaemonSet Ready`, the end; the span from the install's start to the wait's end is the sample.
 */
import type { Fault } from './github-server.js'

export interface FakeStep {
  name: string
  status?: 'queued' | 'in_progress' | 'completed'
  conclusion?: string | null
  /** Seconds after the job started; null: no time. */
  start?: number | null
  end?: number | null
}

export interface FakeJob {
  name: string
  status?: 'queued' | 'in_progress' | 'completed'
  conclusion?: string | null
  /** The attempt that ran it; defaults to the run's latest. */
  attempt?: number
  labels?: string[]
  runnerName?: string | null
  runnerGroup?: string | null
  steps: FakeStep[]
}

export const INSTALL = 'Install chart'
export const WAIT = 'Wait for DaemonSet Ready'
export const SPAN = `${INSTALL} .. ${WAIT}`
/** The action's own step, after the wait. */
export const GATE = 'Run tracecore/helm-rolling-action@v1'
/** The runner this run's job runs on (`RUNNER_NAME`). */
export const RUNNER = 'GitHub Actions 7'

export interface InstallJobOptions {
  name?: string
  /** The wait step's conclusion (a timed-out wait fails); default success. */
  wait?: string
  /** Renames the install step, as a workflow edit would. */
  installName?: string
  labels?: string[]
  runnerName?: string
  attempt?: number
}

/**
 * The seed's install job, where `seconds` pass from the install step's start to the wait's
 * end. Its whole job takes 20 s more (set-up before, clean-up after).
 */
export function installJob(seconds: number, options: InstallJobOptions = {}): FakeJob {
  const install = Math.round(seconds / 3)
  return {
    name: options.name ?? 'install',
    conclusion: options.wait === 'failure' ? 'failure' : 'success',
    labels: options.labels ?? ['ubuntu-latest'],
    runnerName: options.runnerName ?? RUNNER,
    runnerGroup: 'GitHub Actions',
    attempt: options.attempt,
    steps: [
      { name: 'Set up job', start: 0, end: 5 },
      { name: 'Check out', start: 5, end: 10 },
      { name: options.installName ?? INSTALL, start: 10, end: 10 + install },
      {
        name: WAIT,
        start: 10 + install,
        end: 10 + seconds,
        conclusion: options.wait ?? 'success'
      },
      { name: GATE, start: 10 + seconds, end: 12 + seconds },
      { name: 'Complete job', start: 12 + seconds, end: 20 + seconds }
    ]
  }
}

/**
 * A job of 6 working steps (and the ones `each-step` leaves out: set-up, a post step, the
 * end), the action's own step after them; the image pull's and the install's seconds given.
 */
export function sixSteps(pull: number, install: number): FakeJob {
  const work: [string, number][] = [
    ['Check out', 5],
    ['Set up kind', 40],
    ['Pull images', pull],
    [INSTALL, install],
    [WAIT, 30],
    ['Run smoke tests', 20]
  ]
  let at = 5
  const steps = [{ name: 'Set up job', start: 0, end: 5 }]
  for (const [name, seconds] of work) {
    steps.push({ name, start: at, end: at + seconds })
    at += seconds
  }
  steps.push({ name: GATE, start: at, end: at + 2 })
  steps.push({ name: 'Post Check out', start: at + 2, end: at + 3 })
  steps.push({ name: 'Complete job', start: at + 3, end: at + 5 })
  return { name: 'install', labels: ['ubuntu-latest'], runnerName: RUNNER, steps }
}

/**
 * This run's own job while the action runs in it: the steps before the action's have ended,
 * the action's step runs, the ones after have not started.
 */
export function runningJob(job: FakeJob, runningStep: string): FakeJob {
  const at = job.steps.findIndex(s => s.name === runningStep)
  return {
    ...job,
    status: 'in_progress',
    conclusion: null,
    steps: job.steps.map((step, i) =>
      i < at
        ? step
        : i === at
          ? { ...step, status: 'in_progress', conclusion: null, end: null }
          : { ...step, status: 'queued', conclusion: null, start: null, end: null }
    )
  }
}

/** This run (GITHUB_RUN_ID 9100 in run-action.ts), in progress, with the given jobs. */
export function currentRun(jobs: FakeJob[], id = 9100) {
  return {
    id,
    run_number: 1100,
    head_branch: 'main',
    head_sha: 'c0ffee0000000000000000000000000000000000',
    event: 'push',
    status: 'in_progress',
    conclusion: null,
    created_at: '2026-11-01T01:00:00Z',
    head: 'own' as const,
    artifacts: [],
    jobs
  }
}

/**
 * This run's jobs as GitHub shows them a moment after `step` ended, the first `times` reads:
 * the step still running, its end not yet posted; the reads after that show its end.
 */
export function laggingStep(step: string, times = 1, id = 9100): Fault {
  return {
    path: new RegExp(`/runs/${id}/jobs`),
    times,
    passThrough: true,
    rewrite: answer => {
      const body = answer.body as { jobs: { steps: Record<string, unknown>[] }[] }
      const found = body.jobs[0].steps.find(s => s.name === step)
      Object.assign(found ?? {}, { status: 'in_progress', conclusion: null, completed_at: null })
      return answer
    }
  }
}

import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import type { FakeRun } from '../__fixtures__/github-server.js'
import {
  GATE,
  INSTALL,
  RUNNER,
  SPAN,
  WAIT,
  currentRun,
  installJob,
  laggingStep,
  runningJob,
  type FakeJob
} from '../__fixtures__/jobs.js'
import { makeRuns, type RunSpec } from '../__fixtures__/history.js'
import { samplesOf, skippedOf } from '../__fixtures__/run-action.js'
import { useFakeGitHub, type Scenario } from '../__fixtures__/scenario.js'

/**
 * End to end: samples from the job timings GitHub keeps (`job`, `steps`), through the bundled
 * dist/index.js against the fake GitHub's jobs API. No artifact anywhere.
 */
describe('durations GitHub already keeps', () => {
  const { fake, run } = useFakeGitHub()
  const SPANS = [150, 160, 170, 140, 130, 180, 190, 120, 200, 210]

  /** The history, this run in progress on RUNNER with its own jobs, and the inputs. */
  const check = (
    specs: (RunSpec | number)[],
    own: FakeJob[] | undefined,
    inputs: Record<string, string> = { steps: SPAN },
    scenario: Scenario = {}
  ) =>
    run(specs, {
      ...scenario,
      inputs: { cache: 'false', ...inputs },
      env: { RUNNER_NAME: RUNNER, ...scenario.env },
      amend: runs => {
        if (own) runs.unshift(currentRun(own) as FakeRun)
        scenario.amend?.(runs)
      }
    })
  const spans = (values: number[]) => values.map(span => ({ span }))
  const afterWait = (seconds: number) => [runningJob(installJob(seconds), GATE)]

  it('fills the window on the first check from step timings alone, this run newest', async () => {
    const r = await check(spans(SPANS), afterWait(155))
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual([155, ...SPANS.slice(0, 9)])
    expect(r.outputs.count).toBe('10')
    expect(r.outputs.median).toBe('157.5')
    expect(r.outputs.verdict).toBe('pass')
    const calls = fake.apiCalls()
    expect(calls.filter(c => /artifacts/.test(c))).toEqual([])
    expect(calls.filter(c => /\/jobs\?/.test(c)).length).toBeGreaterThanOrEqual(10)
    expect(r.summary).toContain('job install')
  })

  it('judges a matrix leg against the same leg of earlier runs', async () => {
    const legs = (a: number, b: number): FakeJob[] => [
      installJob(a, { name: 'install (1.29, ubuntu)', runnerName: 'runner-a' }),
      installJob(b, { name: 'install (1.30, ubuntu)', runnerName: 'runner-b' })
    ]
    const history = SPANS.map((v, i) => ({ jobs: legs(v, 400 + i) }))
    const own = legs(155, 455).map(job =>
      job.runnerName === RUNNER ? job : { ...job, runnerName: 'other' }
    )
    own[1] = runningJob({ ...own[1], runnerName: RUNNER }, GATE)
    const r = await check(history, own)
    expect(samplesOf(r)).toEqual([455, 400, 401, 402, 403, 404, 405, 406, 407, 408])
    expect(r.summary).toContain('install (1.30, ubuntu)')
  })

  it('shows a renamed step as where the history stops, naming the missing step', async () => {
    const renamed = { jobs: [installJob(300, { installName: 'helm install' })] }
    const r = await check([...spans(SPANS.slice(0, 4)), renamed, renamed], afterWait(155))
    expect(samplesOf(r)).toEqual([155, ...SPANS.slice(0, 4)])
    const skips = skippedOf(r)
    expect(skips).toHaveLength(2)
    expect(skips[0].reason).toBe(`no step named "${INSTALL}" in job "install"`)
    expect(r.summary).toContain(`no step named`)
  })

  it('skips a run whose wait step was skipped, with the reason', async () => {
    const job = installJob(170)
    job.steps[3] = { ...job.steps[3], conclusion: 'skipped', start: null, end: null }
    const equalTimes = installJob(170)
    equalTimes.steps[3] = {
      ...equalTimes.steps[3],
      conclusion: 'skipped',
      end: equalTimes.steps[3].start
    }
    const r = await check(
      [{ span: 150 }, { jobs: [job] }, { jobs: [equalTimes] }, { span: 160 }],
      afterWait(155)
    )
    expect(samplesOf(r)).toEqual([155, 150, 160])
    expect(skippedOf(r).map(s => s.reason)).toEqual([
      `step "${WAIT}" was skipped`,
      `step "${WAIT}" was skipped`
    ])
  })

  it('counts a failed wait: a wait that timed out is the slow run', async () => {
    const failed = { jobs: [installJob(900, { wait: 'failure' })], conclusion: 'failure' }
    const r = await check([{ span: 150 }, failed, { span: 160 }], afterWait(155))
    expect(samplesOf(r)).toEqual([155, 150, 900, 160])
  })

  it('leaves this run out, saying why, when the action runs before the wait has ended', async () => {
    const r = await check(spans(SPANS), [runningJob(installJob(155), 'Check out')])
    expect(samplesOf(r)).toEqual(SPANS)
    expect(r.stdout).toContain(`This run is not counted: step "${WAIT}" has not started (queued)`)
    expect(fake.apiCalls().filter(c => c.includes('/runs/9100/jobs'))).toHaveLength(1)
  })

  it('reads this run again while the API still shows a step that ended as running', async () => {
    // The first read shows the wait running; the next one shows its end.
    const r = await check(spans(SPANS), afterWait(155), undefined, {
      faults: [laggingStep(WAIT)],
      env: { HELM_ROLLING_REREAD_MS: '50' }
    })
    expect(samplesOf(r)[0]).toBe(155)
    expect(fake.apiCalls().filter(c => c.includes('/runs/9100/jobs'))).toHaveLength(2)
  })

  it('gives up on a step still running after the stated re-reads, and says so', async () => {
    const r = await check(spans(SPANS), [runningJob(installJob(155), WAIT)], undefined, {
      env: { HELM_ROLLING_REREAD_MS: '50' }
    })
    expect(samplesOf(r)).toEqual(SPANS)
    expect(r.stdout).toContain(`This run is not counted: step "${WAIT}" has not ended`)
    // The first read and three more.
    expect(fake.apiCalls().filter(c => c.includes('/runs/9100/jobs'))).toHaveLength(4)
  })

  it('skips, with the reason, a run whose step was cancelled or has no times', async () => {
    const cancelled = installJob(170)
    cancelled.steps[3] = { ...cancelled.steps[3], conclusion: 'cancelled' }
    const untimed = installJob(170)
    untimed.steps[2] = { ...untimed.steps[2], start: null }
    const r = await check(
      [{ span: 150 }, { jobs: [cancelled], conclusion: 'failure' }, { jobs: [untimed] }],
      afterWait(155)
    )
    expect(samplesOf(r)).toEqual([155, 150])
    expect(skippedOf(r).map(s => s.reason)).toEqual([
      `step "${WAIT}" was cancelled`,
      `step "${INSTALL}" has no times`
    ])
  })

  it('skips a run where the job is missing or several jobs match, naming them', async () => {
    const twoLegs = [
      installJob(150, { name: 'install (a)' }),
      installJob(160, { name: 'install (b)' })
    ]
    const r = await check(
      [
        { jobs: [installJob(150, { name: 'install (a)' })] },
        { jobs: twoLegs },
        { jobs: [installJob(1, { name: 'lint' })] }
      ],
      afterWait(155),
      { job: 'install*', steps: SPAN }
    )
    // This run's own job, `install`, matches too.
    expect(samplesOf(r)).toEqual([155, 150])
    expect(skippedOf(r).map(s => s.reason)).toEqual([
      '2 jobs match "install*" ("install (a)", "install (b)"): name one',
      'no job named "install*"'
    ])
  })

  it('compares names case-sensitively, as GitHub shows them', async () => {
    const r = await check(spans([150]), afterWait(155), { steps: SPAN.toLowerCase() })
    expect(samplesOf(r)).toEqual([])
    expect(skippedOf(r)[0].reason).toBe(`no step named "${INSTALL.toLowerCase()}" in job "install"`)
  })

  it('skips a run where FIRST comes after LAST', async () => {
    const r = await check(spans([150]), afterWait(155), { steps: `${WAIT} .. ${INSTALL}` })
    expect(samplesOf(r)).toEqual([])
    expect(skippedOf(r)[0].reason).toBe(`step "${WAIT}" comes after "${INSTALL}" in job "install"`)
  })

  it("matches `*` across a reusable workflow's ' / ', and a whole step name holding ' .. '", async () => {
    const called = (seconds: number): FakeJob => {
      const job = installJob(seconds, { name: 'deploy / install', installName: 'Up .. down' })
      return job
    }
    const r = await check(
      [{ jobs: [called(150)] }, { jobs: [called(160)] }],
      [runningJob({ ...called(155), name: 'deploy / install' }, GATE)],
      { job: 'deploy*install', steps: 'Up .. down' }
    )
    // The install step alone (its third of the span): 'Up .. down' is that one step.
    expect(samplesOf(r)).toEqual([52, 50, 53])
  })

  it("times the whole job when no steps are named; this run's own whole job never counts", async () => {
    const r = await check(spans([150, 160]), afterWait(155), { job: 'install' })
    // The whole job: 20 s around the span.
    expect(samplesOf(r)).toEqual([170, 180])
    expect(r.stdout).toContain('This run is not counted: job "install" has not ended (in_progress)')
  })

  it('reads a run with more than 100 jobs page by page, and a partial re-run from its latest attempt', async () => {
    const crowd = Array.from({ length: 150 }, (_, i) => installJob(10, { name: `shard ${i}` }))
    const paged = { jobs: [...crowd, installJob(150)] }
    // Attempt 2 re-ran only the failed lint job; the install job is attempt 1's.
    const rerun = {
      attempt: 2,
      jobs: [
        installJob(160, { attempt: 1 }),
        { ...installJob(5, { name: 'lint', attempt: 1 }), conclusion: 'failure' },
        installJob(6, { name: 'lint', attempt: 2 })
      ]
    }
    const r = await check([paged, rerun], afterWait(155))
    expect(samplesOf(r)).toEqual([155, 150, 160])
    expect(fake.apiCalls().filter(c => c.includes(`/runs/9000/jobs`))).toHaveLength(2)
    expect(fake.apiCalls().filter(c => c.includes(`/runs/8999/jobs`))).toEqual([
      expect.stringContaining('filter=latest')
    ])
  })

  it('chooses runs as for artifacts: forks, other branches and uncounted conclusions are left out', async () => {
    const r = await check(
      [
        { span: 150 },
        { span: 1, head: 'fork' },
        { span: 2, conclusion: 'cancelled' },
        { span: 160 }
      ],
      afterWait(155)
    )
    expect(samplesOf(r)).toEqual([155, 150, 160])
    expect(skippedOf(r).map(s => s.reason)).toEqual([
      'head repository is a fork',
      'conclusion cancelled is not counted'
    ])
  })

  it("records the job's runner labels and group as its environment, and matches on them", async () => {
    const on = (labels: string[], seconds: number) => ({ jobs: [installJob(seconds, { labels })] })
    const own = [runningJob(installJob(155, { labels: ['self-hosted', 'gpu'] }), GATE)]
    const history = [
      on(['self-hosted', 'gpu'], 150),
      on(['ubuntu-latest'], 900),
      on(['self-hosted', 'gpu'], 160)
    ]
    const all = await check(history, own)
    expect(samplesOf(all)).toEqual([155, 150, 900, 160])
    // The outputs name the keys that vary within the history.
    const environments = (JSON.parse(all.outputs.samples) as { environment?: object }[]).map(
      sample => sample.environment
    )
    expect(environments[0]).toEqual({ 'runner-labels': 'self-hosted,gpu' })
    expect(environments[2]).toEqual({ 'runner-labels': 'ubuntu-latest' })
    const like = await check(history, own, { steps: SPAN, match: 'runner-labels' })
    expect(samplesOf(like)).toEqual([155, 150, 160])
    expect(like.stdout).toContain('runner-labels')
  })

  it.each([
    [{ steps: SPAN, value: '150' }, "Input 'steps' cannot be given with 'value'"],
    [{ steps: SPAN, record: 'true' }, "Input 'steps' cannot be given with 'record'"],
    [{ job: 'install', file: 'x.txt' }, "Input 'job' cannot be given with 'file'"],
    [
      { job: 'install', 'artifact-name': 'x-{run_id}' },
      "Input 'job' cannot be given with 'artifact-name'"
    ],
    [{ steps: 'Install chart ..' }, "Input 'steps' has an empty side of ' .. '"],
    [{ steps: '.. Wait' }, "Input 'steps' has an empty side of ' .. '"],
    [{ steps: 'A .. B .. C' }, "Input 'steps' names more than two steps"],
    [{ steps: SPAN, workflow: 'lint.yml' }, "Input 'job' is required with 'steps' when 'workflow'"]
  ])('refuses %j at once as an input error', async (inputs, message) => {
    const r = await check(spans([150]), afterWait(155), inputs)
    expect(r.code).toBe(1)
    expect(r.annotations).toContainEqual({
      level: 'error',
      message: expect.stringContaining(message)
    })
    expect(fake.apiCalls()).toEqual([])
  })

  it('gives two matrix legs a tracking issue each: the resolved job is part of the gate', async () => {
    fake.resetIssues()
    const legs = (a: number, b: number, on: 'a' | 'b'): FakeJob[] => [
      installJob(a, { name: 'install (a)', runnerName: on === 'a' ? RUNNER : 'other' }),
      installJob(b, { name: 'install (b)', runnerName: on === 'b' ? RUNNER : 'other' })
    ]
    const history = SPANS.map(v => ({ jobs: legs(v + 300, v + 400, 'a') }))
    const breach = { steps: SPAN, issue: 'true', budget: '200' }
    const onMain = { env: { GITHUB_REF: 'refs/heads/main' } }
    const own = (on: 'a' | 'b') =>
      legs(1, 1, on).map(job => (job.runnerName === RUNNER ? runningJob(job, GATE) : job))
    const a = await check(history, own('a'), breach, onMain)
    const b = await check(history, own('b'), breach, onMain)
    expect([a.outputs.verdict, b.outputs.verdict]).toEqual(['breach', 'breach'])
    const issues = fake.openIssues()
    expect(issues).toHaveLength(2)
    const gates = issues.map(i => /gate=([0-9a-f]{16})/.exec(i.body ?? '')?.[1])
    expect(new Set(gates).size).toBe(2)
    expect(issues.map(i => /job install \((a|b)\)/.exec(text(i.body ?? ''))?.[1]).sort()).toEqual([
      'a',
      'b'
    ])
  })

  it('summarises how far back the job timings reach', async () => {
    const renamed = { jobs: [installJob(300, { installName: 'helm install' })] }
    const r = await check([...spans([150, 160]), renamed], afterWait(155))
    expect(text(r.summary)).toContain('Job timings: 3 samples read, back to run #999')
    expect(text(r.summary)).toContain(
      `run #998: no step named "${INSTALL}" in job "install", so the history with this name stops there`
    )
  })

  it("comments on a pull request with the pull request's own spans, read the same way", async () => {
    fake.resetIssues()
    fake.addPullRequest(7)
    const history: RunSpec[] = [
      { span: 500, branch: 'feature', event: 'pull_request' },
      { span: 510, branch: 'feature', event: 'pull_request' },
      ...spans(SPANS)
    ]
    const r = await check(
      history,
      afterWait(250),
      { steps: SPAN, 'pr-comment': 'always' },
      {
        env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' },
        payload: {
          pull_request: {
            number: 7,
            head: {
              ref: 'feature',
              sha: 'b'.repeat(40),
              repo: { full_name: 'tracecore/tracecore' }
            }
          }
        }
      }
    )
    expect(samplesOf(r)).toEqual([250, ...SPANS.slice(0, 9)])
    const [comment] = fake.commentsOn(7)
    expect(comment.body).toContain('This run: **250 s**')
    expect(comment.body).toContain('(3, newest first): 250 s, 500 s, 510 s')
  })

  it('--job and --steps give the command the same history', async () => {
    fake.runs = makeRuns(spans(SPANS))
    const env = { GH_TOKEN: fake.token, GITHUB_API_URL: fake.url }
    const r = await report(
      ['--repo', 'tracecore/tracecore', '--job', 'install', '--steps', SPAN, '--json'],
      env
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const samples = (JSON.parse(r.stdout) as { samples: { value: number }[] }).samples
    expect(samples.map(s => s.value)).toEqual(SPANS)
    const alone = await report(['--repo', 'tracecore/tracecore', '--steps', SPAN], env)
    expect(alone.code).toBe(2)
    expect(alone.stderr).toContain('--steps needs --job')
  })
})

/** Markdown as a reader sees it: the numeric entities that escape untrusted text decoded. */
const text = (markdown: string) =>
  markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))

const REPORT = resolve(import.meta.dirname, '..', 'dist', 'report.js')

/** Runs the bundled operator command with only the environment given. */
function report(
  args: string[],
  env: Record<string, string>
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(done => {
    execFile(
      process.env.E2E_NODE ?? process.execPath,
      [REPORT, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr })
    )
  })
}

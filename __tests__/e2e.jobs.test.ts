import { describe, expect, it } from '@jest/globals'
import type { FakeRun, Fault } from '../__fixtures__/github-server.js'
import {
  GATE,
  INSTALL,
  RUNNER,
  SPAN,
  WAIT,
  currentRun,
  installJob,
  runningJob,
  type FakeJob
} from '../__fixtures__/jobs.js'
import type { RunSpec } from '../__fixtures__/history.js'
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
    const lagging: Fault = {
      path: /\/runs\/9100\/jobs/,
      times: 1,
      passThrough: true,
      rewrite: answer => {
        const body = answer.body as { jobs: { steps: Record<string, unknown>[] }[] }
        const wait = body.jobs[0].steps.find(step => step.name === WAIT)
        Object.assign(wait ?? {}, { status: 'in_progress', conclusion: null, completed_at: null })
        return answer
      }
    }
    const r = await check(spans(SPANS), afterWait(155), undefined, {
      faults: [lagging],
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
})

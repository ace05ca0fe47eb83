import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/core/errors.js'
import type { JobTiming } from '../src/core/history/job-span.js'
import {
  REREADS,
  ownJob,
  ownSample,
  readCurrentRun,
  readOwnSpan,
  readSettled,
  type OwnRun
} from '../src/app/current-run.js'
import type { JobReader } from '../src/app/job-reader.js'
import { jobOf } from '../src/app/metric-spans.js'

const job = (name: string, runnerName: string, status = 'in_progress'): JobTiming => ({
  id: 1,
  name,
  status,
  conclusion: null,
  startedAt: 0,
  completedAt: null,
  labels: ['ubuntu-latest'],
  runnerName,
  runnerGroup: 'GitHub Actions',
  steps: [
    {
      name: 'Wait',
      number: 1,
      status: 'completed',
      conclusion: 'success',
      startedAt: 1000,
      completedAt: 31_000
    }
  ]
})

const OWN: OwnRun = {
  runId: 9100,
  runNumber: 1100,
  sha: 'c0ffee',
  htmlUrl: 'https://github.com/o/r/actions/runs/9100',
  runnerName: 'runner-a'
}

/** A reader of this run's jobs answering each read in turn (the last one again after that). */
const readerOf = (...answers: JobTiming[][]) => {
  let reads = 0
  const reader = {
    current: () => Promise.resolve(answers[Math.min(reads++, answers.length - 1)])
  } as unknown as JobReader
  return { reader, reads: () => reads }
}

describe("this step's own job, one resolver for both checks", () => {
  const jobs = [
    job('install (a)', 'runner-a'),
    job('lint', 'runner-b'),
    job('x', 'runner-a', 'completed')
  ]
  const never = () => new Error('not called')

  it('takes the given job as a pattern, and otherwise the in-progress job on this runner, exactly', () => {
    expect(ownJob(jobs, 'runner-a', 'inst*', never)).toEqual({ text: 'inst*', exact: false })
    expect(ownJob(jobs, 'runner-a', undefined, never)).toEqual({
      text: 'install (a)',
      exact: true
    })
  })

  it('says how many in-progress jobs it found on the runner when it cannot tell', () => {
    const found: number[] = []
    const cannot = (n: number) => (found.push(n), new Error(`found ${n}`))
    expect(() => ownJob(jobs, 'runner-c', undefined, cannot)).toThrow('found 0')
    expect(() => ownJob(jobs, '', undefined, cannot)).toThrow('found 0')
    const twice = [...jobs, job('install (b)', 'runner-a')]
    expect(() => ownJob(twice, 'runner-a', undefined, cannot)).toThrow('found 2')
    expect(found).toEqual([0, 0, 2])
  })

  it('words the failure for each check: the job input, or the metrics entry', async () => {
    const { reader } = readerOf([])
    await expect(readCurrentRun({ ...OWN, reader })).rejects.toThrow(
      `Cannot tell which job this step runs in: no in-progress job of run 9100 on runner "runner-a" (RUNNER_NAME); give the 'job' input`
    )
    const failure = (() => {
      try {
        return jobOf({ name: 'pull' }, undefined, 'runner-a')
      } catch (error) {
        return error
      }
    })()
    expect(failure).toBeInstanceOf(InputError)
    expect((failure as InputError).input).toBe('metrics')
    expect((failure as Error).message).toBe(
      `Input 'metrics' entry pull: key 'job' is needed: this step's own job cannot be told here (0 in-progress jobs on runner "runner-a")`
    )
  })
})

describe("this run's sample of a span", () => {
  it('is the newest, in progress, with the environment of its job', () => {
    const jobs = [job('install', 'runner-a')]
    const sample = ownSample(30, jobs, { job: { text: 'install', exact: true } }, OWN)
    expect(sample).toMatchObject({
      run_id: 9100,
      run_number: 1100,
      value: 30,
      head_sha: 'c0ffee',
      html_url: OWN.htmlUrl,
      conclusion: 'in progress',
      current: true,
      environment: { 'runner-labels': 'ubuntu-latest', 'runner-group': 'GitHub Actions' }
    })
  })
})

describe("this run's own span on one read", () => {
  const span = {
    job: { text: 'install', exact: true },
    steps: { text: 'Wait', first: 'Wait', last: 'Wait' }
  }

  it('is the sample once its last step has ended', () => {
    const read = readOwnSpan([job('install', 'runner-a')], span, OWN)
    expect(read).toMatchObject({ value: { run_id: 9100, value: 30, current: true } })
  })

  it('asks to be read again while its last step shows running, not once it is queued', () => {
    const running = job('install', 'runner-a')
    running.steps[0] = { ...running.steps[0], status: 'in_progress', completedAt: null }
    expect(readOwnSpan([running], span, OWN)).toMatchObject({ again: true })
    const queued = job('install', 'runner-a')
    queued.steps[0] = { ...queued.steps[0], status: 'queued', startedAt: null, completedAt: null }
    const read = readOwnSpan([queued], span, OWN)
    expect('reason' in read && read.again).toBeFalsy()
  })
})

describe("this run's jobs read again", () => {
  it('only while unsettled, judged on the newest read', async () => {
    const { reader, reads } = readerOf([job('a', 'r')], [job('b', 'r')], [job('c', 'r')])
    const names = await readSettled(
      reader,
      9100,
      jobs => jobs[0].name,
      name => name === 'a',
      1
    )
    expect(names).toBe('b')
    expect(reads()).toBe(2)
  })

  it(`at most ${REREADS} more times, then gives the last judgement`, async () => {
    const { reader, reads } = readerOf([job('a', 'r')])
    expect(
      await readSettled(
        reader,
        9100,
        jobs => jobs.length,
        () => true,
        1
      )
    ).toBe(1)
    expect(reads()).toBe(1 + REREADS)
  })

  it('never when settled at once', async () => {
    const { reader, reads } = readerOf([job('a', 'r')])
    await readSettled(
      reader,
      9100,
      jobs => jobs.length,
      () => false
    )
    expect(reads()).toBe(1)
  })
})

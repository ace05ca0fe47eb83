import { describe, expect, it } from '@jest/globals'
import { toJob } from '../src/core/history/api-jobs.js'
import type { JobTiming } from '../src/core/history/job-span.js'
import {
  RUN_JOBS_SCHEMA,
  RunJobsBook,
  parseRunJobsBook
} from '../src/core/history/run-jobs-book.js'
import { MAX_BOOK_BYTES } from '../src/core/history/sample-book.js'

const SCOPE = 'o/r\nchart.yml\njobs of runs'

/** A job as the jobs API lists it. */
const apiJob = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: 'install',
  status: 'completed',
  conclusion: 'success',
  started_at: '2026-11-01T00:00:00Z',
  completed_at: '2026-11-01T00:02:00Z',
  labels: ['ubuntu-latest'],
  runner_name: 'GitHub Actions 7',
  runner_group_name: 'GitHub Actions',
  steps: [
    {
      name: 'Install chart',
      number: 3,
      status: 'completed',
      conclusion: 'success',
      started_at: '2026-11-01T00:00:10Z',
      completed_at: '2026-11-01T00:01:10Z'
    }
  ],
  ...extra
})

const job = (id: number): JobTiming => toJob(apiJob(id))

const fileOf = (runs: unknown[], scope = SCOPE) =>
  JSON.stringify({ schema: RUN_JOBS_SCHEMA, scope, runs })

const runsOf = (text: string) => {
  const parsed = parseRunJobsBook(text, SCOPE)
  if ('reason' in parsed) throw new Error(parsed.reason)
  return parsed.value
}

describe('the runs’ jobs book', () => {
  it('answers only for the same run and attempt', () => {
    const book = new RunJobsBook([{ run_id: 7, attempt: 1, jobs: [job(70)] }])
    expect(book.lookup(7, 1)).toEqual([job(70)])
    expect(book.lookup(7, 2)).toBeUndefined()
    expect(book.lookup(8, 1)).toBeUndefined()
    expect(book.learned).toBe(0)
  })

  it('learns a run’s jobs, but no attempt with a bad id or more jobs than a restore accepts', () => {
    const book = new RunJobsBook()
    book.learn(7, 2, [job(70), job(71)])
    book.learn(0, 1, [job(1)])
    book.learn(8, 1.5, [job(1)])
    book.learn(
      9,
      1,
      Array.from({ length: 1001 }, (_, i) => job(i + 1))
    )
    expect(book.learned).toBe(1)
    expect(book.lookup(7, 2)).toHaveLength(2)
    expect(book.lookup(9, 1)).toBeUndefined()
  })

  it('keeps no attempt with a job still running (a re-run listed as the latest attempt)', () => {
    const book = new RunJobsBook()
    const running = toJob(apiJob(71, { status: 'in_progress', completed_at: null }))
    book.learn(7, 1, [job(70), running])
    expect(book.learned).toBe(0)
    expect(book.lookup(7, 1)).toBeUndefined()
  })

  it('saves the newest lookback runs (every attempt of them) and reads back what it saved', () => {
    const book = new RunJobsBook([
      { run_id: 5, attempt: 1, jobs: [job(50)] },
      { run_id: 9, attempt: 1, jobs: [job(90)] }
    ])
    book.learn(9, 2, [job(91)])
    book.learn(7, 1, [job(70)])
    book.learn(3, 1, [job(30)])
    const runs = runsOf(book.serialize(SCOPE, 2))
    expect(runs.map(r => [r.run_id, r.attempt])).toEqual([
      [9, 2],
      [9, 1],
      [7, 1]
    ])
    expect(runs[0].jobs).toEqual([job(91)])
    // Stored in the API's own field names, every time to the millisecond.
    const stored = JSON.parse(book.serialize(SCOPE, 1)) as { runs: { jobs: unknown[] }[] }
    expect(stored.runs[0].jobs[0]).toMatchObject({
      id: 91,
      started_at: '2026-11-01T00:00:00.000Z',
      runner_group_name: 'GitHub Actions',
      steps: [{ name: 'Install chart', number: 3, completed_at: '2026-11-01T00:01:10.000Z' }]
    })
    expect(toJob(stored.runs[0].jobs[0])).toEqual(job(91))
  })

  it('saves no more runs than a restore accepts, counted in bytes as the restore reads them', () => {
    const book = new RunJobsBook()
    // Three bytes each in UTF-8, one character: a cap counted in characters would let through
    // a file three times too big, which every restore would then ignore.
    const name = '✅'.repeat(100_000)
    const big = toJob(apiJob(1, { name }))
    for (let run = 1; run <= 400; run++) book.learn(run, 1, [big])
    const text = book.serialize(SCOPE, 1000)
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_BOOK_BYTES)
    const runs = runsOf(text)
    expect(runs.length).toBeLessThan(400)
    expect(runs[0].run_id).toBe(400)
  })

  it('refuses a file of another format, scope or size', () => {
    const good = fileOf([{ run_id: 7, attempt: 1, jobs: [apiJob(70)] }])
    expect(runsOf(good)).toEqual([{ run_id: 7, attempt: 1, jobs: [job(70)] }])
    const refused = (text: string, scope = SCOPE) => {
      const parsed = parseRunJobsBook(text, scope)
      return 'reason' in parsed ? parsed.reason : undefined
    }
    expect(refused(good, 'o/other\nchart.yml\njobs of runs')).toMatch(/another repository/)
    expect(refused('{')).toBe('not JSON')
    expect(
      refused(
        JSON.stringify({ schema: 'helm-rolling-action/job-samples@1', scope: SCOPE, runs: [] })
      )
    ).toMatch(/not a helm-rolling-action\/run-jobs@1 file/)
    expect(refused(good + ' '.repeat(MAX_BOOK_BYTES))).toMatch(/over the \d+-byte cap/)
    expect(refused(JSON.stringify({ schema: RUN_JOBS_SCHEMA, scope: SCOPE }))).toMatch(
      /no 'runs' array/
    )
  })

  it('refuses a file with any bad run or job, checked as the jobs API’s answers are', () => {
    const cases: [unknown, RegExp][] = [
      [null, /run 0: not an object/],
      [{ run_id: 7, attempt: 1, jobs: [], extra: 1 }, /keys are not/],
      [{ run_id: -7, attempt: 1, jobs: [] }, /no valid run id/],
      [{ run_id: 7, attempt: 0, jobs: [] }, /no valid run id/],
      [{ run_id: 7, attempt: 1, jobs: {} }, /no 'jobs' array/],
      [
        { run_id: 7, attempt: 1, jobs: Array.from({ length: 1001 }, (_, i) => apiJob(i + 1)) },
        /of at most 1000/
      ],
      [{ run_id: 7, attempt: 1, jobs: [apiJob(70, { id: '70' })] }, /a job without a numeric id/],
      [{ run_id: 7, attempt: 1, jobs: [apiJob(70, { name: 3 })] }, /job 70 has no name/],
      [
        { run_id: 7, attempt: 1, jobs: [apiJob(70, { steps: [{ name: 5, number: 1 }] })] },
        /a step of job 70 without a name or number/
      ],
      [
        { run_id: 7, attempt: 1, jobs: [apiJob(70, { steps: [{ name: 'a' }] })] },
        /a step of job 70 without a name or number/
      ],
      // What learn() never keeps: ids that are no ids, a job twice, a job still running.
      [{ run_id: 7, attempt: 1, jobs: [apiJob(70.5)] }, /a job id that is not a whole number/],
      [{ run_id: 7, attempt: 1, jobs: [apiJob(-70)] }, /a job id that is not a whole number/],
      [{ run_id: 7, attempt: 1, jobs: [apiJob(70), apiJob(70)] }, /a job listed twice/],
      [
        { run_id: 7, attempt: 1, jobs: [apiJob(70), apiJob(71, { status: 'in_progress' })] },
        /a job not completed/
      ]
    ]
    for (const [run, reason] of cases) {
      const parsed = parseRunJobsBook(fileOf([run]), SCOPE)
      expect('reason' in parsed && parsed.reason).toMatch(reason)
    }
  })
})

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  archiveOf,
  pushRunEnv,
  cacheVersion,
  fileInArchive,
  type CacheEntry
} from '../__fixtures__/cache-service.js'
import { FakeGitHub, type FakeRun } from '../__fixtures__/github-server.js'
import { makeRuns, type RunSpec } from '../__fixtures__/history.js'
import {
  GATE,
  INSTALL,
  RUNNER,
  WAIT,
  currentRun,
  runningJob,
  sixSteps
} from '../__fixtures__/jobs.js'
import { runAction, type ActionResult } from '../__fixtures__/run-action.js'
import { buildZip } from '../__fixtures__/zip.js'
import { RUN_JOBS_PATH, keyPrefix } from '../src/cache/sample-cache.js'
import { MAX_BOOK_BYTES } from '../src/core/history/sample-book.js'

/**
 * Several metrics read from job timings, with the Actions cache, through dist/index.js: the
 * runs' jobs are kept in one entry for every timed metric (each-step's steps too), so a warm
 * check reads only this run's jobs and the newest run's; the recorded metric keeps its own
 * artifact samples' entry beside it. Cold and warm give the same outputs; a bad entry only
 * costs requests; a re-run is read again.
 */

const SCOPE = {
  owner: 'tracecore',
  repo: 'tracecore',
  workflow: 'chart.yml',
  runJobs: true as const
}

const lint = (seconds: number) =>
  buildZip([
    { name: 'chart-lint.txt', data: `${seconds}\n` },
    { name: 'metadata.json', data: '{"environment":{"runner-os":"Linux"}}' }
  ])

/** 16 runs, newest first (ids 9000 down, numbers 1000 down): the pull slower in the newest 6. */
const HISTORY: RunSpec[] = Array.from({ length: 16 }, (_, i) => ({
  jobs: [sixSteps((i < 6 ? 50 : 15) + (i % 3), 60 + ((i * 7) % 5))],
  artifact: { zip: lint(8 + (i % 4)) }
}))

/** Two step spans, every step of the job, and one recorded metric. */
const METRICS = `
- name: install-to-ready
  steps: ${INSTALL} .. ${WAIT}
  budget: 100
- name: image-pull
  steps: Pull images
  budget: 40
- name: install-steps
  job: install
  each-step: true
- name: chart-lint
  budget: 30
`

/** This run in progress (the action's step running), `number` after the history's newest. */
function withCurrent(runs: FakeRun[], id: number, number: number): FakeRun[] {
  const own = { ...currentRun([runningJob(sixSteps(51, 61), GATE)], id), run_number: number }
  return [own as FakeRun, ...runs]
}

const fake = new FakeGitHub()
beforeAll(async () => {
  await fake.start()
})
afterAll(async () => {
  await fake.stop()
})
beforeEach(() => {
  fake.cache.reset()
  fake.faults = []
  fake.runs = withCurrent(makeRuns(HISTORY), 9101, 1001)
})

/** One check on a default-branch push, this run `id` numbered `number`, the cache reachable. */
async function check(id = 9101, number = 1001): Promise<ActionResult> {
  fake.requests.length = 0
  fake.cache.calls.length = 0
  return runAction(fake, {
    inputs: { metrics: METRICS, window: '10', history: '16' },
    env: {
      ...pushRunEnv(fake, id, number),
      RUNNER_NAME: RUNNER,
      HELM_ROLLING_RETRY_UNIT_MS: '10',
      HELM_ROLLING_TIMEOUT_MS: '2000'
    }
  })
}

const jobReads = () => fake.apiCalls().filter(c => /\/runs\/\d+\/jobs\?/.test(c))
const jobReadsOf = (id: number) => jobReads().filter(c => c.includes(`/runs/${id}/jobs?`)).length
const runJobsEntries = () =>
  fake.cache.entries().filter(e => e.key.startsWith(keyPrefix(SCOPE)) && e.finalized)
/** What a check gives that must not depend on the cache. */
const verdictOf = (r: ActionResult) => ({
  code: r.code,
  verdict: r.outputs.verdict,
  metrics: JSON.parse(r.outputs.metrics) as unknown
})

/** Every output; this run's own sample is dated when its check reads it, so not its date. */
function outputsOf(r: ActionResult): Record<string, unknown> {
  const samples = (JSON.parse(r.outputs.samples) as Record<string, unknown>[]).map(
    ({ created_at, ...sample }) => (sample.run_id === 9101 ? sample : { ...sample, created_at })
  )
  return { ...r.outputs, samples }
}

/** The runs' jobs file inside a saved entry. */
const fileOf = (entry: CacheEntry) =>
  JSON.parse(fileInArchive(entry.archive, RUN_JOBS_PATH)) as Record<string, unknown>

/** An entry written by someone else into the default branch's scope, newer than any saved. */
function seed(content: string, suffix: string): void {
  const archive = archiveOf(RUN_JOBS_PATH, content)
  const later = new Date(Date.now() + 60_000)
  fake.cache.seed(`${keyPrefix(SCOPE)}${suffix}`, cacheVersion([RUN_JOBS_PATH]), archive, later)
}

describe('metrics from job timings with the cache, through dist/index.js', () => {
  it('reads every run cold, only this run and the newest warm, with the same outputs', async () => {
    const cold = await check()
    expect(cold.code).toBe(1)
    expect(cold.outputs.verdict).toBe('breach')
    const coldCalls = fake.apiCalls()
    // This run's jobs, and each of the 15 earlier runs' once for every timed metric.
    expect(jobReads()).toHaveLength(16)
    expect(coldCalls).toHaveLength(COLD_REQUESTS)
    // Two entries: the artifact samples' and the runs' jobs'.
    expect(fake.cache.count('CreateCacheEntry')).toBe(2)
    expect(runJobsEntries()).toHaveLength(1)
    const saved = fileOf(runJobsEntries()[0]) as { runs: { run_id: number }[] }
    expect(saved.runs.map(r => r.run_id)).toEqual(HISTORY.slice(1).map((_, i) => 9000 - i))
    expect(cold.stdout).toMatch(/Sample cache: saved 15 new runs' jobs as helm-rolling-runjobs-v1-/)

    // The same history again, warm: the same outputs.
    const warm = await check()
    expect(verdictOf(warm)).toEqual(verdictOf(cold))
    expect(outputsOf(warm)).toEqual(outputsOf(cold))
    expect(warm.stdout).toMatch(/Sample cache: 15 runs' jobs known from helm-rolling-runjobs-v1-/)
    // This run's jobs and the newest run's (number 1000, never in the entry its check saved).
    expect(jobReads()).toHaveLength(2)
    expect(jobReadsOf(9101)).toBe(1)
    expect(jobReadsOf(9000)).toBe(1)
    // With the artifact path's own: its listing, and the newest run's download.
    expect(fake.apiCalls()).toEqual([
      expect.stringMatching(/\/actions\/artifacts\?/),
      expect.stringMatching(/\/runs\/9101\/jobs\?/),
      expect.stringMatching(/\/actions\/workflows\/chart\.yml\/runs\?/),
      expect.stringMatching(/\/runs\/9000\/jobs\?/),
      expect.stringMatching(/\/actions\/artifacts\/90000\/zip$/)
    ])
    expect(fake.apiCalls().length).toBeLessThan(coldCalls.length)
    // Two restores (the runs' jobs', the artifact samples'), each one download.
    expect(fake.cache.count('GetCacheEntryDownloadURL')).toBe(2)
    expect(fake.cache.count('download')).toBe(2)

    // The steady state: this run completed (and recorded its lint), the next one checks.
    const previous = fake.runs[0]
    Object.assign(previous, { status: 'completed', conclusion: 'success' })
    previous.jobs = [sixSteps(51, 61)]
    previous.artifacts = [{ name: 'helm-install-duration-9101', zip: lint(9) }]
    fake.runs = withCurrent(fake.runs, 9102, 1002)
    const steady = await check(9102, 1002)
    expect(steady.code).toBe(1)
    expect(jobReads()).toHaveLength(2)
    expect(jobReadsOf(9102)).toBe(1)
    expect(jobReadsOf(9101)).toBe(1)
    expect(fake.apiCalls()).toHaveLength(WARM_REQUESTS)
    const metrics = JSON.parse(steady.outputs.metrics) as Record<string, Record<string, unknown>>
    expect(metrics['image-pull']).toMatchObject({ verdict: 'breach', count: 10 })
  })

  it('ignores a hostile or broken entry with a notice, and judges as cold', async () => {
    const cold = await check()
    const good = fileOf(runJobsEntries()[0]) as {
      scope: string
      runs: { jobs: { id: unknown; steps: { name: unknown }[] }[] }[]
    }
    const cases: [string, (file: typeof good) => string, RegExp][] = [
      [
        'scope',
        f => JSON.stringify({ ...f, scope: 'other/repo\nchart.yml\njobs of runs' }),
        /another repository or workflow/
      ],
      [
        'size',
        f => JSON.stringify(f) + ' '.repeat(MAX_BOOK_BYTES),
        /the cached file is longer than \d+ bytes/
      ],
      [
        'job-id',
        f => {
          const copy = structuredClone(f)
          copy.runs[3].jobs[0].id = '4000'
          return JSON.stringify(copy)
        },
        /run 3: a job without a numeric id/
      ],
      [
        'step-name',
        f => {
          const copy = structuredClone(f)
          copy.runs[5].jobs[0].steps[2].name = 7
          return JSON.stringify(copy)
        },
        /run 5: a step of job \d+ without a name or number/
      ]
    ]
    for (const [suffix, make, reason] of cases) {
      seed(make(good), suffix)
      const r = await check()
      expect(r.annotations).toContainEqual({
        level: 'notice',
        message: expect.stringMatching(reason)
      })
      expect(verdictOf(r)).toEqual(verdictOf(cold))
      expect(outputsOf(r)).toEqual(outputsOf(cold))
      // Every run's jobs read again, as cold.
      expect(jobReads()).toHaveLength(16)
      fake.cache.evict(`${keyPrefix(SCOPE)}${suffix}`)
    }
  })

  it('reads the run just before this one beside the restore, not after it', async () => {
    await check()
    // Both cache lookups are held until the run just before this one has had its jobs read:
    // a check that waited for the entry before asking for them would wait past its restore
    // deadline and read every run's jobs instead. No timing involved.
    fake.faults = [
      {
        path: /CacheService\/GetCacheEntryDownloadURL/,
        times: 2,
        passThrough: true,
        holdUntil: { method: 'GET', path: /\/runs\/9000\/jobs\?/, answered: 1 }
      }
    ]
    const warm = await check()
    const said = warm.stdout.split('\n').filter(line => line.startsWith('Sample cache'))
    expect(said).toContainEqual(expect.stringMatching(/15 runs' jobs known/))
    expect(jobReads()).toHaveLength(2)
  })

  it('reads a re-run run again, not from its first attempt in the entry', async () => {
    await check()
    // Run 8995 re-run: its second attempt pulled images for 90 s.
    const rerun = fake.runs.find(r => r.id === 8995) as FakeRun
    rerun.run_attempt = 2
    rerun.jobs = [sixSteps(90, 70)]
    const r = await check()
    expect(jobReads()).toHaveLength(3)
    expect(jobReadsOf(8995)).toBe(1)
    const samples = JSON.parse(r.outputs.samples) as { run_id: number; value: number }[]
    // The first metric's samples: install to ready is unchanged; the pull's own output shows 90.
    expect(samples.map(s => s.run_id)).toContain(8995)
    const metrics = JSON.parse(r.outputs.metrics) as Record<string, Record<string, unknown>>
    expect(metrics['pull-images']).toBeDefined()
    // Its install took 70 s in the second attempt: 100 s to ready, against 92 s in the first.
    expect(samples).toContainEqual(expect.objectContaining({ run_id: 8995, value: 100 }))
  })
})

/**
 * Measured, quoted in docs/metrics.md (Cost): cold, the two listings, this run's jobs, 15 runs'
 * jobs and 16 downloads; warm, the two listings, this run's jobs, the newest run's and its
 * download. The timed part alone: 17 requests cold, 3 warm.
 */
const COLD_REQUESTS = 34
const WARM_REQUESTS = 5

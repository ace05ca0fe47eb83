import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { pushRunEnv } from '../__fixtures__/cache-service.js'
import { FakeGitHub, type FakeRun } from '../__fixtures__/github-server.js'
import { makeRuns } from '../__fixtures__/history.js'
import { GATE, RUNNER, SPAN, currentRun, installJob, runningJob } from '../__fixtures__/jobs.js'
import { runAction, samplesOf, type ActionResult } from '../__fixtures__/run-action.js'

/**
 * Job timings and the sample cache, through dist/index.js: each run's jobs are read once and
 * kept by run id and attempt, so the steady state is the runs listing, this run's jobs and
 * the newest run's; cold and warm give the same outputs; GHES checks the same way.
 */
const SPANS = Array.from({ length: 30 }, (_, i) => 120 + ((i * 37) % 90))

/** This run in progress after its wait, `number` following the history's newest (1000). */
function withCurrent(runs: FakeRun[], id: number, number: number, seconds = 155): FakeRun[] {
  const own = { ...currentRun([runningJob(installJob(seconds), GATE)], id), run_number: number }
  return [own as FakeRun, ...runs]
}

async function check(
  fake: FakeGitHub,
  id: number,
  number: number,
  inputs: Record<string, string> = {}
): Promise<ActionResult> {
  fake.requests.length = 0
  return runAction(fake, {
    inputs: { steps: SPAN, window: '10', ...inputs },
    env: {
      ...pushRunEnv(fake, id, number),
      RUNNER_NAME: RUNNER,
      HELM_ROLLING_RETRY_UNIT_MS: '10'
    }
  })
}

const jobReads = (fake: FakeGitHub) => fake.apiCalls().filter(c => /\/jobs\?/.test(c))

describe('job timings with the sample cache', () => {
  const fake = new FakeGitHub()
  beforeAll(async () => {
    await fake.start()
  })
  afterAll(async () => {
    await fake.stop()
  })

  it('reads each run once cold, gives the same outputs warm, and costs 3 requests in the steady state', async () => {
    fake.cache.reset()
    fake.runs = withCurrent(makeRuns(SPANS.map(span => ({ span }))), 9101, 1001)
    const cold = await check(fake, 9101, 1001)
    expect(cold.code).toBe(0)
    // The default history is 30: this run and 29 earlier ones, plus one read while this run's
    // own span was being read (dropped once it counted).
    expect(jobReads(fake)).toHaveLength(31)
    expect(fake.apiCalls()).toHaveLength(32)
    expect(fake.apiCalls().filter(c => /artifacts/.test(c))).toEqual([])
    expect(fake.cache.count('CreateCacheEntry')).toBe(1)

    // The same history again, warm: the same outputs, only this run's jobs read.
    const warm = await check(fake, 9101, 1001)
    const { samples: coldSamples, ...coldRest } = cold.outputs
    const { samples: warmSamples, ...warmRest } = warm.outputs
    expect(warmRest).toEqual(coldRest)
    expect(JSON.parse(warmSamples).slice(1)).toEqual(JSON.parse(coldSamples).slice(1))
    // The listing, this run's jobs and the newest run's (the run just before this one is
    // never in the entry that run's own check saved).
    expect(fake.apiCalls()).toHaveLength(3)
    expect(warm.stdout).toMatch(/Sample cache: \d+ samples known/)

    // The steady state: that run completed, and the next one checks.
    const previous = fake.runs[0]
    Object.assign(previous, { status: 'completed', conclusion: 'success' })
    previous.jobs = [installJob(155)]
    fake.runs = withCurrent(fake.runs, 9102, 1002, 165)
    const steady = await check(fake, 9102, 1002)
    expect(samplesOf(steady).slice(0, 3)).toEqual([165, 155, SPANS[0]])
    expect(fake.apiCalls()).toHaveLength(3)
    expect(fake.apiCalls()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/actions\/workflows\/chart\.yml\/runs\?/),
        expect.stringMatching(/\/runs\/9102\/jobs\?/),
        expect.stringMatching(/\/runs\/9101\/jobs\?/)
      ])
    )
  })
})

describe('the cache entry names the job and the span', () => {
  const fake = new FakeGitHub()
  beforeAll(async () => {
    await fake.start()
  })
  afterAll(async () => {
    await fake.stop()
  })

  it('gives another span its own entry: nothing read for one is reused for the other', async () => {
    fake.cache.reset()
    fake.runs = withCurrent(makeRuns(SPANS.slice(0, 12).map(span => ({ span }))), 9101, 1001)
    await check(fake, 9101, 1001)
    const other = await check(fake, 9101, 1001, { steps: 'Wait for DaemonSet Ready' })
    expect(other.stdout).toContain('Sample cache: no entry yet')
    expect(jobReads(fake).length).toBeGreaterThan(10)
    const again = await check(fake, 9101, 1001)
    expect(again.stdout).toMatch(/Sample cache: \d+ samples known/)
  })
})

describe('job timings on GitHub Enterprise Server', () => {
  const ghes = new FakeGitHub({
    apiPrefix: '/api/v3',
    digests: false,
    rateLimitHeaders: false,
    webUrl: 'https://ghes.example.com'
  })
  beforeAll(async () => {
    await ghes.start()
  })
  afterAll(async () => {
    await ghes.stop()
  })

  it('checks from job timings there, no artifact needed, with the cache not turned off', async () => {
    ghes.cache.reset()
    ghes.runs = withCurrent(makeRuns(SPANS.slice(0, 12).map(span => ({ span }))), 9101, 1001)
    const r = await check(ghes, 9101, 1001)
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual([155, ...SPANS.slice(0, 9)])
    const rest = ghes.apiCalls().filter(c => c.startsWith('GET /api/v3/'))
    expect(rest.filter(c => /artifacts/.test(c))).toEqual([])
    // @actions/cache speaks GHES's own cache protocol there (which this fake does not serve):
    // asked, so the cache is on for job timings; its failure only costs the reads.
    expect(ghes.apiCalls()).toContainEqual(
      expect.stringMatching(/^GET \/_apis\/artifactcache\/cache\?keys=helm-rolling-jobs-v1-/)
    )
    expect(r.stdout).not.toContain('not used on GitHub Enterprise Server')
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import { runtimeToken } from '../__fixtures__/runtime-token.js'
import { makeRuns } from '../__fixtures__/history.js'
import { runAction, samplesOf, skippedOf } from '../__fixtures__/run-action.js'
import { isGhesServer } from '../src/io/context.js'

/**
 * GitHub Enterprise Server as the runner meets it: the API under `/api/v3` on the server's own
 * host, artifacts without a `digest`, no `x-ratelimit-*` headers when rate limiting is off,
 * and no v4 artifact service for `record`.
 */
const SERVER = 'https://ghes.example.com'

describe('on GitHub Enterprise Server', () => {
  const fake = new FakeGitHub({
    apiPrefix: '/api/v3',
    digests: false,
    rateLimitHeaders: false,
    webUrl: SERVER
  })
  const ghesEnv = (runId = 9100) => ({
    GITHUB_SERVER_URL: SERVER,
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: '1',
    ACTIONS_RUNTIME_TOKEN: runtimeToken(runId),
    ACTIONS_RESULTS_URL: `${fake.url}/`,
    HELM_ROLLING_RETRY_UNIT_MS: '10'
  })
  beforeAll(async () => {
    await fake.start()
  })
  afterAll(async () => {
    await fake.stop()
  })

  it('uses no sample cache, whose entries need the digests GHES artifacts lack', async () => {
    fake.runs = makeRuns([120, 130, 140])
    fake.cache.reset()
    const r = await runAction(fake, {
      inputs: { window: '3' },
      env: { ...ghesEnv(), ACTIONS_CACHE_URL: `${fake.url}/`, GITHUB_REF: 'refs/heads/main' }
    })
    expect(r.code).toBe(0)
    expect(fake.cache.calls).toEqual([])
    // GHES's own cache service (@actions/cache's v1 API) is not asked either.
    expect(fake.requests.filter(q => q.path.includes('_apis/artifactcache'))).toEqual([])
    expect(r.stdout).toContain('Sample cache: not used on GitHub Enterprise Server')
  })

  it('checks as on github.com: API under /api/v3, no digests, no rate-limit headers', async () => {
    fake.runs = makeRuns([120, 130, { value: 999, conclusion: 'cancelled' }, 140, 150, 160])
    fake.requests.length = 0
    const r = await runAction(fake, { inputs: { window: '5' }, env: ghesEnv() })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('pass')
    expect(samplesOf(r)).toEqual([120, 130, 140, 150, 160])
    expect(skippedOf(r).map(s => s.run_id)).toEqual([8998])
    const api = fake.apiCalls()
    expect(api.length).toBeGreaterThan(5)
    for (const call of api) expect(call).toMatch(/^GET \/api\/v3\/repos\//)
    // No rate-limit headers: the bill has the request count and no invented "left" figure.
    expect(r.stdout).toMatch(/^GitHub API: \d+ requests$/m)
    const links = (JSON.parse(r.outputs.samples) as { html_url: string }[]).map(s => s.html_url)
    expect(links[1]).toBe(`${SERVER}/${fake.owner}/${fake.repo}/actions/runs/8999`)
  })

  it('pages through a long history under /api/v3', async () => {
    // 101 runs without a sample fill the first page of 100; the sample is on page 2.
    fake.runs = makeRuns([...Array.from({ length: 101 }, () => ({})), 150])
    fake.requests.length = 0
    const r = await runAction(fake, {
      inputs: { window: '1', lookback: '110' },
      env: ghesEnv()
    })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual([150])
    const listings = fake.apiCalls().filter(c => c.includes('/runs?'))
    expect(listings).toHaveLength(2)
    expect(listings[1]).toMatch(/^GET \/api\/v3\/repos\/.*[?&]page=2/)
  })

  it('warns at once that record cannot upload there and says what to do; the check still runs', async () => {
    fake.runs = makeRuns([120, 130, 140])
    fake.uploads.clear()
    fake.requests.length = 0
    const r = await runAction(fake, {
      inputs: { value: '125', record: 'true', window: '4' },
      env: ghesEnv()
    })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('pass')
    expect(samplesOf(r)).toEqual([125, 120, 130, 140])
    const warnings = r.annotations.filter(a => a.level === 'warning').map(a => a.message)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/GitHub Enterprise Server/)
    expect(warnings[0]).toMatch(/v4 artifact service/)
    expect(warnings[0]).toMatch(/actions\/upload-artifact@v3/)
    expect(warnings[0]).toContain('helm-install-duration-${{ github.run_id }}')
    // "At once": before the check's first request is logged, and nothing reached the service.
    expect(r.stdout.indexOf('GitHub Enterprise Server')).toBeLessThan(
      r.stdout.indexOf('GitHub API:')
    )
    expect(fake.uploads.size).toBe(0)
    expect(fake.requests.some(q => q.path.startsWith('/twirp/'))).toBe(false)
    expect(r.stdout).not.toMatch(/Recorded /)
  })
})

describe('GitHub Enterprise Server is told from GITHUB_SERVER_URL', () => {
  it.each([
    ['https://github.com', false],
    ['https://GitHub.com/', false],
    ['https://octo.ghe.com', false],
    ['http://runner.localhost', false],
    ['https://ghes.example.com', true],
    ['https://github.example.com', true],
    ['http://10.0.0.5:8080', true],
    ['not a url', false]
  ])('%s -> %s', (url, ghes) => {
    expect(isGhesServer(url)).toBe(ghes)
  })
})

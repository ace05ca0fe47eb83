import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  RUNS,
  bare429,
  emptyBody,
  endlessPages,
  leakedTo,
  linkHeader,
  oddHeaders,
  oversizedBody,
  redirect,
  repoListingDown,
  resetAfterHeaders,
  runCompletesBeforePage2,
  runRerunBeforePage2,
  selfLink
} from '../__fixtures__/faults.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import type { RunSpec } from '../__fixtures__/history.js'
import { samplesOf, skippedOf, type ActionResult } from '../__fixtures__/run-action.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'

/**
 * Faults of real HTTP and of GitHub's pagination, each against dist/index.js: the verdict is
 * right or the step fails clearly, never a quiet "insufficient" or a double-counted run.
 */

const GOOD = [101, 102, 103]
const window3 = { window: '3' }
const errors = (r: ActionResult) =>
  r.annotations.filter(a => a.level === 'error').map(a => a.message)
const warnings = (r: ActionResult) =>
  r.annotations.filter(a => a.level === 'warning').map(a => a.message)
const cancelled = (n: number): RunSpec[] =>
  Array.from({ length: n }, () => ({ value: 1, conclusion: 'cancelled' }))
const noSample = (n: number): RunSpec[] => Array.from({ length: n }, () => ({}))
/** 100 runs: of every 5, 3 hold a sample, 1 none, 1 cancelled (the bench's mix). */
const busySparse = (): RunSpec[] =>
  Array.from({ length: 100 }, (_, i) =>
    i % 5 === 3 ? {} : i % 5 === 4 ? { value: 1, conclusion: 'cancelled' } : { value: 100 + i }
  )

describe('pagination that shifts, loops or leaves the API', () => {
  const { fake, run } = useFakeGitHub()
  const other = new FakeGitHub()
  beforeAll(async () => {
    await other.start()
  })
  afterAll(async () => {
    await other.stop()
  })
  const listCalls = () => fake.apiCalls().filter(c => c.includes('/workflows/'))

  // Page 1 (100 runs) holds one sample, 400; the next two, on page 2, are 100.
  const twoPages: (RunSpec | number)[] = [...cancelled(99), { value: 400 }, 100, 100, 400, 400]
  const twoPageInputs = { ...window3, lookback: '150' }

  it('counts a run once when a run completes between two pages (page 2 repeats it)', async () => {
    const r = await run(twoPages, {
      inputs: twoPageInputs,
      faults: [runCompletesBeforePage2(100)]
    })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('pass')
    expect(samplesOf(r)).toEqual([400, 100, 100])
    expect(r.outputs.median).toBe('100')
    // total_count changed between the pages: read again from page 1, once.
    expect(r.stdout).toContain('changed while it was read; reading it again from page 1')
    expect(listCalls()).toHaveLength(4)
    // The run that completed after the listing began is left out, with a note.
    expect(r.stdout).toMatch(/9001 appeared after the listing began; not counted/)
  })

  it('loses no run when a run of page 1 is re-run between two pages', async () => {
    const history: (RunSpec | number)[] = [...cancelled(99), 100, 100, 400, 400]
    const r = await run(history, {
      inputs: twoPageInputs,
      faults: [runRerunBeforePage2(8995)]
    })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual([100, 100, 400])
    expect(r.outputs.verdict).toBe('pass')
  })

  it('fails clearly when the runs listing shrinks again while it is read a second time', async () => {
    const history: (RunSpec | number)[] = [...cancelled(99), 100, 100, 400, 400]
    const r = await run(history, {
      inputs: twoPageInputs,
      faults: [runRerunBeforePage2(8995), runRerunBeforePage2(8990)]
    })
    expect(r.code).toBe(1)
    expect(r.outputs.verdict).toBeUndefined()
    expect(errors(r)).toEqual([
      expect.stringMatching(
        /^Listing runs .*lost items again while it was read a second time.*run the check again$/
      )
    ])
  })

  it('gives the same verdict when a page of the repository artifact listing comes back empty', async () => {
    const inputs = { window: '30', lookback: '500' }
    const good = await run(busySparse(), { busy: 2, inputs })
    const r = await run(busySparse(), {
      busy: 2,
      inputs,
      faults: [
        {
          path: /\/actions\/artifacts\?.*\bpage=2\b/,
          times: 1,
          passThrough: true,
          rewrite: answer => ({ ...answer, body: { ...(answer.body as object), artifacts: [] } })
        }
      ]
    })
    expect(good.outputs.count).toBe('30')
    expect(r.outputs).toEqual(good.outputs)
    // The runs past the empty page were asked on their own.
    expect(fake.apiCalls().some(c => /\/runs\/\d+\/artifacts/.test(c))).toBe(true)
  })

  it('stops at a page that brings no new run (a next link back to itself)', async () => {
    const r = await run(GOOD, { inputs: window3, faults: [selfLink(RUNS)] })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
    const empty = await run(noSample(3), { inputs: window3, faults: [selfLink(RUNS)] })
    expect(empty.outputs.verdict).toBe('insufficient')
    expect(listCalls()).toHaveLength(2)
  })

  it('stops at an empty page whose next link points back to itself', async () => {
    const r = await run([], { inputs: window3, faults: [selfLink(RUNS)] })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('insufficient')
    expect(listCalls()).toHaveLength(1)
  })

  it('stops after the page cap when every page brings one new run and a next link', async () => {
    const r = await run(noSample(200), {
      inputs: { ...window3, lookback: '150' },
      faults: [endlessPages(fake, RUNS)]
    })
    expect(r.outputs.verdict).toBe('insufficient')
    // ceil(150 / 100) + 1 pages, never the 150 that lookback alone would allow.
    expect(listCalls()).toHaveLength(3)
    expect(warnings(r)).toContainEqual(expect.stringMatching(/stopped after 3 pages/))
  })

  it('never follows a next link to another origin: no request, no token, a warning', async () => {
    other.requests.length = 0
    const r = await run([...noSample(100), ...GOOD], {
      inputs: twoPageInputs,
      faults: [linkHeader(RUNS, url => `<${other.url}${url.pathname}?page=2>; rel="next"`)]
    })
    expect(leakedTo(other)).toEqual([])
    expect(warnings(r)).toContainEqual(
      expect.stringMatching(/next page's link leads outside the API \(http:\/\/127\.0\.0\.1:\d+\)/)
    )
    expect(r.outputs.verdict).toBe('insufficient')
  })

  it('follows a next link that names the repository by id (/repositories/{id}/...)', async () => {
    const r = await run([...noSample(100), ...GOOD], {
      inputs: twoPageInputs,
      faults: [
        linkHeader(
          RUNS,
          url => {
            const next = new URL(url)
            next.pathname = `/repositories/${fake.repoId}/actions/workflows/chart.yml/runs`
            next.searchParams.set('page', '2')
            return `<${next.href}>; rel="next"`
          },
          1
        )
      ]
    })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
    expect(listCalls()[1]).toMatch(/^GET \/repositories\/1001\//)
  })

  it('on GHES, refuses a next link outside /api/v3 and follows one inside it', async () => {
    const ghes = { GITHUB_API_URL: `${fake.url}/api/v3` }
    const outside = await run([...noSample(100), ...GOOD], {
      inputs: twoPageInputs,
      env: ghes,
      faults: [
        linkHeader(
          RUNS,
          url =>
            `<${fake.url}/repos${url.pathname.split('/repos')[1]}?page=2&per_page=100>; rel="next"`
        )
      ]
    })
    expect(outside.outputs.verdict).toBe('insufficient')
    expect(warnings(outside)).toContainEqual(expect.stringMatching(/leads outside the API/))
    const inside = await run([...noSample(100), ...GOOD], { inputs: twoPageInputs, env: ghes })
    expect(samplesOf(inside)).toEqual(GOOD)
    expect(listCalls().every(c => c.startsWith('GET /api/v3/'))).toBe(true)
  })

  it('follows a 301 on the API origin with the token (a renamed repository)', async () => {
    const r = await run(GOOD, {
      inputs: window3,
      faults: [
        redirect(
          RUNS,
          301,
          `${fake.url}/repositories/${fake.repoId}/actions/workflows/chart.yml/runs?status=completed&per_page=50`
        )
      ]
    })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
    const [first, second] = fake.requests.filter(q => /\/runs\?/.test(q.path))
    expect(second.path).toMatch(/^\/repositories\/1001\//)
    expect([first.authorization, second.authorization]).toEqual([
      `token ${fake.token}`,
      `token ${fake.token}`
    ])
  })

  it('follows a 307 to another origin without the token', async () => {
    other.requests.length = 0
    const r = await run(GOOD, {
      inputs: window3,
      faults: [
        redirect(
          RUNS,
          307,
          `${other.url}/repos/tracecore/tracecore/actions/workflows/chart.yml/runs`
        )
      ]
    })
    expect(leakedTo(other)).toEqual([
      { path: '/repos/tracecore/tracecore/actions/workflows/chart.yml/runs', token: false }
    ])
    expect(r.code).toBe(1)
    expect(r.outputs.verdict).toBeUndefined()
  })
})

describe('cut-off, empty and oversized bodies', () => {
  const { fake, run } = useFakeGitHub()
  const listCalls = () => fake.apiCalls().filter(c => c.includes('/workflows/'))

  it.each([
    ['a reset after the headers', resetAfterHeaders(RUNS, 2)],
    ['a reset mid-body', resetAfterHeaders(RUNS, 2, 40)],
    ['an empty 200 (JSON type)', emptyBody(RUNS, 2)],
    ['an empty 200 (no type)', emptyBody(RUNS, 2, false)]
  ])('retries %s on the runs listing, then reads it', async (_label, fault) => {
    const r = await run(GOOD, { inputs: window3, faults: [fault] })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
    expect(listCalls()).toHaveLength(3)
  })

  it.each([
    ['a reset after the headers', resetAfterHeaders(RUNS, 99), /network error .*after retries/],
    ['an empty 200', emptyBody(RUNS, 99), /not the expected JSON .*after retries/]
  ])('fails clearly, never "no runs", on %s that lasts', async (_label, fault, message) => {
    const r = await run(GOOD, { inputs: window3, faults: [fault] })
    expect(r.code).toBe(1)
    expect(r.outputs.verdict).toBeUndefined()
    expect(errors(r)).toEqual([
      expect.stringMatching(/^Listing runs of workflow chart\.yml in tracecore\/tracecore: /)
    ])
    expect(errors(r)[0]).toMatch(message)
    expect(listCalls()).toHaveLength(4)
  })

  it('retries a reset on one run’s artifact listing: the breach stays a breach', async () => {
    const r = await run([400, 400, 100, 100, 100], {
      inputs: window3,
      faults: [repoListingDown(), resetAfterHeaders(/\/runs\/9000\/artifacts/, 1)]
    })
    expect(r.code).toBe(1)
    expect(r.outputs.verdict).toBe('breach')
    expect(samplesOf(r)).toEqual([400, 400, 100])
    expect(skippedOf(r)).toEqual([])
  })

  it.each([
    ['its artifact listing', /\/runs\/9000\/artifacts/],
    ['its download', /^\/blob\/90000/]
  ])(
    'fails naming the run when %s keeps failing on the network, instead of sliding the window',
    async (_label, path) => {
      const r = await run([400, 400, 100, 100, 100], {
        inputs: window3,
        faults: [repoListingDown(), resetAfterHeaders(path, 99)]
      })
      expect(r.code).toBe(1)
      expect(r.outputs.verdict).toBeUndefined()
      expect(errors(r)).toEqual([
        expect.stringMatching(/^Reading the sample of run 9000: .*retries/)
      ])
    }
  )

  it('fails clearly on a listing body over the 16 MiB cap, without retrying it', async () => {
    const r = await run(GOOD, { inputs: window3, faults: [oversizedBody(RUNS, 17 << 20)] })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.stringMatching(/^Listing runs .*: the response body is over the 16 MiB cap$/)
    ])
    expect(listCalls()).toHaveLength(1)
  })
})

describe('rate limits and odd headers', () => {
  const { fake, run } = useFakeGitHub()
  const listCalls = () => fake.apiCalls().filter(c => c.includes('/workflows/'))

  it.each([
    ['with retry-after: 1', '1', /\(429, secondary rate limit\): retrying GET in 1 s/],
    ['without retry-after (GitHub’s one-minute back-off)', undefined, /retrying GET in 60 s/],
    ['with a retry-after that is not a number', 'soon', /retrying GET in 60 s/]
  ])('retries a bare 429 %s', async (_label, retryAfter, notice) => {
    const r = await run(GOOD, { inputs: window3, faults: [bare429(RUNS, 1, retryAfter)] })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
    expect(r.stdout).toMatch(notice)
    expect(listCalls()).toHaveLength(2)
  })

  it('fails at once on a retry-after over the cap, naming the wait GitHub asked for', async () => {
    const r = await run(GOOD, { inputs: window3, faults: [bare429(RUNS, 1, '86400')] })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.stringMatching(/GitHub asked to wait 86400 s \(retry-after\) .*over the 60 s/)
    ])
    expect(listCalls()).toHaveLength(1)
  })

  it('says how many retries a lasting 429 got', async () => {
    const r = await run(GOOD, { inputs: window3, faults: [bare429(RUNS, 99, '1')] })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([expect.stringMatching(/kept answering 429 .*after 3 retries/)])
    expect(listCalls()).toHaveLength(4)
  })

  it('caps the wait on a 429 from one run’s artifact listing too, failing the check', async () => {
    const r = await run(GOOD, {
      inputs: window3,
      faults: [repoListingDown(), bare429(/\/runs\/9000\/artifacts/, 1, '3600')]
    })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.stringMatching(/^Reading the sample of run 9000: GitHub asked to wait 3600 s/)
    ])
  })

  it.each([
    ['out of the date range', '99999999999999999'],
    ['not a number', 'soon'],
    ['negative', '-5']
  ])('finishes with outputs and a summary when x-ratelimit-reset is %s', async (_label, value) => {
    const r = await run(GOOD, {
      inputs: window3,
      faults: [oddHeaders(/./, { 'x-ratelimit-reset': value, 'x-ratelimit-remaining': 'x' })]
    })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('pass')
    expect(r.summary).toContain('pass')
    // Both listings and three downloads: the repository listing answers for every run.
    expect(r.stdout).toMatch(/^GitHub API: 5 requests$/m)
  })

  it('names no reset time it cannot read when the primary limit is spent', async () => {
    const r = await run(GOOD, {
      inputs: window3,
      faults: [
        {
          path: RUNS,
          status: 403,
          times: 9,
          body: { message: 'API rate limit exceeded' },
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1e999' }
        }
      ]
    })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.stringMatching(/rate limit is exhausted until the next hour/)
    ])
  })
})

describe('start-up, samples and inputs', () => {
  const { fake, run } = useFakeGitHub()

  it('falls back to the API with one warning when the event payload is garbage', async () => {
    const path = join(tmpdir(), `helm-rolling-garbage-${process.pid}.json`)
    writeFileSync(path, '{"repository": {"full_name": ')
    const r = await run(GOOD, { inputs: window3, env: { GITHUB_EVENT_PATH: path } })
    expect(r.code).toBe(0)
    expect(r.stderr).not.toMatch(/SyntaxError/)
    expect(r.outputs.verdict).toBe('pass')
    expect(warnings(r)).toEqual([
      expect.stringMatching(/event payload at GITHUB_EVENT_PATH is unreadable \(SyntaxError\)/)
    ])
    expect(fake.apiCalls()[0]).toBe('GET /repos/tracecore/tracecore')
  })

  it('reads the history through the proxy-aware fetch when a proxy is configured', async () => {
    // undici's fetch (with the proxy dispatcher) has its own Response class; loopback bypasses
    // the proxy through no_proxy, so the fake still answers.
    const r = await run(GOOD, {
      inputs: window3,
      env: {
        https_proxy: 'http://127.0.0.1:1',
        http_proxy: 'http://127.0.0.1:1',
        no_proxy: '127.0.0.1'
      }
    })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
  })

  it('skips samples over the one-year maximum: the median stays finite', async () => {
    const r = await run(['1e308', '1.7976931348623157e308', 100, 101, 102], {
      inputs: window3
    })
    expect(r.outputs.median).toBe('101')
    expect(skippedOf(r).map(s => s.reason)).toEqual([
      expect.stringMatching(/over the 31536000-second \(one year\) maximum/),
      expect.stringMatching(/over the 31536000-second \(one year\) maximum/)
    ])
    expect(r.stdout + r.outputs.samples).not.toMatch(/Infinity|NaN/)
  })

  it.each(['../..', 'owner/..', './repo'])('refuses repository %j', async value => {
    const r = await run(GOOD, { inputs: { repository: value } })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([expect.stringContaining("Input 'repository' must be owner/name")])
    expect(fake.requests).toEqual([])
  })

  it('warns that the window cannot fill when lookback is smaller', async () => {
    const r = await run([...GOOD, 104, 105], { inputs: { window: '5', lookback: '3' } })
    expect(warnings(r)).toContainEqual(
      expect.stringMatching(/'lookback' 3 is smaller than the 5 runs .* the window cannot fill/)
    )
    expect(r.outputs.verdict).toBe('insufficient')
    expect(r.outputs.count).toBe('3')
  })
})

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { requestBound } from '../__fixtures__/bound.js'
import {
  archiveOf,
  pushRunEnv,
  cacheVersion,
  fileInArchive,
  type CacheEntry
} from '../__fixtures__/cache-service.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import { busyHistory, makeRuns, withNewRun, type RunSpec } from '../__fixtures__/history.js'
import { runAction, samplesOf, type ActionResult } from '../__fixtures__/run-action.js'
import { BOOK_PATH, keyPrefix, scopeText } from '../src/cache/sample-cache.js'
import { BOOK_SCHEMA, MAX_BOOK_BYTES } from '../src/core/history/sample-book.js'

/**
 * The sample cache through dist/index.js against the fake's Actions cache service, as
 * `@actions/cache` talks to it on github.com: what a warm check costs, that it never changes
 * a verdict, when it saves, and that a bad entry or a failing service only costs downloads.
 */

const SCOPE = {
  owner: 'tracecore',
  repo: 'tracecore',
  workflow: 'chart.yml',
  artifactName: 'helm-install-duration-{run_id}'
}

/** 14 runs: samples, a garbage artifact, one without an artifact, a cancelled one. */
const HISTORY: (RunSpec | number | string)[] = [
  310,
  'not a number',
  290,
  {},
  305,
  { value: 1, conclusion: 'cancelled' },
  280,
  { value: 320, conclusion: 'failure' },
  270,
  300,
  260,
  295,
  250,
  240
]

let nextRunId = 9100

interface CacheRun {
  inputs?: Record<string, string>
  env?: Record<string, string>
  fake?: FakeGitHub
}

function newFake(options: ConstructorParameters<typeof FakeGitHub>[0] = {}): FakeGitHub {
  const fake = new FakeGitHub(options)
  fake.runs = makeRuns(HISTORY)
  return fake
}

const fake = newFake()
const bare = newFake({ digests: false })
beforeAll(async () => {
  await fake.start()
  await bare.start()
})
afterAll(async () => {
  await fake.stop()
  await bare.stop()
})
beforeEach(() => {
  fake.runs = makeRuns(HISTORY)
  fake.faults = []
  fake.clockSkewMs = 0
  fake.cache.reset()
})

/** One check on a default-branch push with the cache service reachable. */
async function check(options: CacheRun = {}): Promise<ActionResult> {
  const target = options.fake ?? fake
  const runId = nextRunId++
  target.requests.length = 0
  target.cache.calls.length = 0
  return runAction(target, {
    inputs: { window: '10', history: '10', budget: '290', ...options.inputs },
    env: {
      ...pushRunEnv(target, runId),
      HELM_ROLLING_RETRY_UNIT_MS: '10',
      HELM_ROLLING_TIMEOUT_MS: '2000',
      ...options.env
    }
  })
}

const downloads = (target = fake) => target.requests.filter(r => r.path.startsWith('/blob/')).length
const saves = (target = fake) => target.cache.count('CreateCacheEntry')

/** The samples file inside a saved entry: zstd, then tar, as `@actions/cache` wrote it. */
function bookOf(entry: CacheEntry): { scope: string; entries: Record<string, unknown>[] } {
  const text = fileInArchive(entry.archive, BOOK_PATH)
  return JSON.parse(text) as { scope: string; entries: Record<string, unknown>[] }
}

/** An entry written by someone else into the default branch's scope. */
function seedBook(content: string, suffix = 'seeded'): void {
  const archive = archiveOf(BOOK_PATH, content)
  fake.cache.seed(`${keyPrefix(SCOPE)}${suffix}`, cacheVersion([BOOK_PATH]), archive)
}

const scopeOf = () => scopeText(SCOPE)

describe('the sample cache, through dist/index.js', () => {
  it('a warm check downloads nothing, costs the two listings, and gives the same outputs', async () => {
    const cold = await check()
    expect(cold.code).toBe(1)
    expect(cold.outputs.verdict).toBe('breach')
    expect(downloads()).toBe(11)
    expect(saves()).toBe(1)
    const [entry] = fake.cache.entries()
    expect(entry.key).toBe(`${keyPrefix(SCOPE)}${nextRunId - 1}-1`)
    // Each value is bound to the artifact id and digest read from the API; content reasons too.
    const book = bookOf(entry)
    expect(book.scope).toBe(
      'tracecore/tracecore\nchart.yml\nhelm-install-duration-{run_id}\nreader 2'
    )
    expect(book.entries).toHaveLength(11)
    expect(book.entries).toContainEqual({
      run_id: 8999,
      artifact_id: 89990,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      file: 'install_to_ready_seconds.txt',
      skip: 'install_to_ready_seconds.txt: content is not one non-negative number'
    })

    const warm = await check()
    expect(downloads()).toBe(0)
    expect(fake.apiCalls()).toHaveLength(2)
    expect(fake.cache.count('GetCacheEntryDownloadURL')).toBe(1)
    expect(fake.cache.count('download')).toBe(1)
    expect(saves()).toBe(0)
    expect(warm.code).toBe(cold.code)
    expect(warm.outputs).toEqual(cold.outputs)
    expect(warm.summary).toBe(cold.summary)
    // The cache is saved after the verdict is out.
    const headline = cold.stdout.search(/^breach: median/m)
    expect(headline).toBeGreaterThan(-1)
    expect(cold.stdout.indexOf('Sample cache: saved 11 new samples')).toBeGreaterThan(headline)
  })

  it('after one new run it downloads that one only, and saves an entry that holds all', async () => {
    await check()
    const [newest] = makeRuns([330], 9001)
    newest.created_at = newest.updated_at = '2026-11-01T01:00:00Z'
    fake.runs.unshift(newest)
    const warm = await check()
    expect(downloads()).toBe(1)
    expect(fake.apiCalls()).toHaveLength(3)
    expect(saves()).toBe(1)
    expect(bookOf(fake.cache.entries().at(-1) as CacheEntry).entries).toHaveLength(12)
    // The same history judged with no cache at all.
    const cold = await check({ inputs: { cache: 'false' } })
    expect(fake.cache.calls).toHaveLength(0)
    expect(downloads()).toBe(11)
    expect(warm.outputs).toEqual(cold.outputs)
    expect(samplesOf(warm)[0]).toBe(330)
  })

  it('saves nothing from a pull request, yet reads the default branch’s entry', async () => {
    await check()
    // A run the entry does not hold yet: the pull request reads it, and keeps it to itself.
    const [newest] = makeRuns([330], 9001)
    newest.created_at = newest.updated_at = '2026-11-01T01:00:00Z'
    fake.runs.unshift(newest)
    const pr = await check({
      env: { GITHUB_REF: 'refs/pull/7/merge', GITHUB_EVENT_NAME: 'pull_request' },
      inputs: { value: '500' }
    })
    expect(pr.outputs.count).toBe('10')
    expect(downloads()).toBe(1)
    expect(saves()).toBe(0)
    expect(pr.stdout).toContain('Sample cache: not saved from a run off the default branch')
  })

  it.each([
    ['not JSON', '{"schema":', /not JSON/],
    ['another format', JSON.stringify({ schema: 'other', scope: '', entries: [] }), /not a/],
    [
      'another scope',
      JSON.stringify({ schema: BOOK_SCHEMA, scope: 'x', entries: [] }),
      /another repository/
    ],
    [
      'a negative value',
      JSON.stringify({
        schema: BOOK_SCHEMA,
        scope: scopeOf(),
        environments: [],
        entries: [
          {
            run_id: 9000,
            artifact_id: 90000,
            digest: `sha256:${'0'.repeat(64)}`,
            value: -1,
            unknown: 'x'
          }
        ]
      }),
      /entry 0 is not a valid sample/
    ],
    [
      'an extra field',
      JSON.stringify({
        schema: BOOK_SCHEMA,
        scope: scopeOf(),
        environments: [],
        entries: [
          {
            run_id: 9000,
            artifact_id: 90000,
            digest: `sha256:${'0'.repeat(64)}`,
            value: 1,
            unknown: 'x',
            html: '<b>'
          }
        ]
      }),
      /entry 0 is not a valid sample/
    ],
    ['a file over the cap', ' '.repeat(MAX_BOOK_BYTES + 10), /longer than/]
  ])(
    'ignores an entry that is %s, with a notice, and reads every artifact',
    async (_l, book, why) => {
      const cold = await check({ inputs: { cache: 'false' } })
      seedBook(book)
      const r = await check()
      expect(r.annotations).toContainEqual({
        level: 'notice',
        message: expect.stringMatching(new RegExp(`Sample cache entry .* ignored: .*${why.source}`))
      })
      expect(downloads()).toBe(11)
      expect(r.outputs).toEqual(cold.outputs)
    }
  )

  it('uses no value bound to another digest, even for the same artifact id', async () => {
    const cold = await check({ inputs: { cache: 'false' } })
    seedBook(
      JSON.stringify({
        schema: BOOK_SCHEMA,
        scope: scopeOf(),
        environments: [],
        entries: [
          { run_id: 9000, artifact_id: 90000, digest: `sha256:${'0'.repeat(64)}`, value: 1 }
        ]
      })
    )
    const r = await check()
    expect(downloads()).toBe(11)
    expect(r.outputs).toEqual(cold.outputs)
  })

  it.each([
    ['fails', { call: 'GetCacheEntryDownloadURL' as const, times: 99, status: 403 }],
    ['refuses every save', { call: 'CreateCacheEntry' as const, times: 99, status: 403 }]
  ])('a cache service that %s costs downloads, never the verdict', async (_l, fault) => {
    const cold = await check({ inputs: { cache: 'false' } })
    fake.cache.inject(fault)
    const r = await check()
    expect(r.outputs).toEqual(cold.outputs)
    expect(r.code).toBe(cold.code)
  })

  it.each([
    ['restore', 'GetCacheEntryDownloadURL' as const],
    ['save', 'CreateCacheEntry' as const]
  ])('a %s that hangs is abandoned, and the step still ends with its verdict', async (_l, call) => {
    const cold = await check({ inputs: { cache: 'false' } })
    fake.cache.inject({ call, times: 99, hang: true })
    // No wall clock: a call not abandoned would hang the step until runAction kills it (a
    // failed exit code), and the log says the deadline ended it.
    const r = await check({ env: { HELM_ROLLING_CACHE_TIMEOUT_MS: '500' } })
    expect(r.outputs).toEqual(cold.outputs)
    expect(r.code).toBe(cold.code)
    expect(r.stdout).toMatch(/Sample cache: (no answer|not saved, no answer) in 0.5 s/)
  })

  it('never cuts a check short for a restore it gave up on, however long the check goes on', async () => {
    const cold = await check({ inputs: { cache: 'false' } })
    fake.cache.inject({ call: 'GetCacheEntryDownloadURL', times: 99, hang: true })
    // Every request slow: the check goes on well past the restore's deadline. What matters is
    // the ratio of latency to the deadlines, so all three are scaled down together (the
    // request deadline stays ten latencies, the restore's a tenth of one).
    fake.latencyMs = 500
    try {
      const r = await check({
        env: { HELM_ROLLING_CACHE_TIMEOUT_MS: '50', HELM_ROLLING_TIMEOUT_MS: '5000' }
      })
      expect(r.outputs).toEqual(cold.outputs)
      expect(r.code).toBe(cold.code)
      expect(r.summary).toBe(cold.summary)
      // The API requests went on after the restore was given up on (a lower bound: a loaded
      // machine only makes it longer).
      const api = fake.requests.filter(q => q.path.startsWith('/repos/'))
      expect(api.length).toBeGreaterThan(2)
      expect((api.at(-1)?.doneAt ?? 0) - api[0].at).toBeGreaterThanOrEqual(2 * 500)
    } finally {
      fake.latencyMs = 0
      // The save, given up on at its 50 ms deadline, may still be in its 500 ms latency.
      await fake.settled()
    }
  })

  it('ends a failed check promptly, though the cache restore it started still hangs', async () => {
    fake.cache.inject({ call: 'GetCacheEntryDownloadURL', times: 99, hang: true })
    fake.faults = [
      { path: /\/workflows\//, times: 9, status: 401, body: { message: 'Bad credentials' } }
    ]
    // The restore's deadline made long (120 s) so that a loose bound shows the step did not
    // wait on the hung call, however loaded the machine.
    const started = Date.now()
    const r = await check({ env: { HELM_ROLLING_CACHE_TIMEOUT_MS: '120000' } })
    expect(r.code).toBe(1)
    expect(r.annotations.find(a => a.level === 'error')?.message).toMatch(/token was refused/)
    expect(Date.now() - started).toBeLessThan(60_000)
  })

  it('counts an artifact past its expires_at as expired, cold and warm alike', async () => {
    await check()
    // The listing's flag lags the date: it still says expired: false.
    fake.runs[0].artifacts[0].expiresAt = '2026-11-02T00:00:00Z'
    const warm = await check()
    const cold = await check({ inputs: { cache: 'false' } })
    expect(warm.outputs).toEqual(cold.outputs)
    expect(JSON.parse(cold.outputs.skipped)).toContainEqual({
      run_id: 9000,
      reason: 'artifact expired'
    })
  })

  it('keeps no sample of an artifact without a digest (GHES, upload-artifact v3)', async () => {
    bare.runs = makeRuns(HISTORY)
    bare.cache.reset()
    await check({ fake: bare })
    expect(downloads(bare)).toBe(11)
    expect(saves(bare)).toBe(0)
    await check({ fake: bare })
    expect(downloads(bare)).toBe(11)
  })
})

/** The bench's rows, counted exactly: bench/results.md reports the same figures with times. */
describe('requests of the bench’s checks, cold, warm and warm with one new run', () => {
  it.each([
    [10, 13, 3, 4],
    [200, 215, 15, 16]
  ])('window %i: %i API requests cold, %i warm, %i after one new run', async (window, ...api) => {
    const [coldApi, warmApi, newApi] = api
    const inputs = {
      window: String(window),
      history: String(window),
      lookback: '500',
      budget: '300'
    }
    fake.runs = busyHistory()
    const cold = await check({ inputs })
    const bound = requestBound(fake, { window, lookback: 500 })
    expect({ api: fake.apiCalls().length, blobs: downloads() }).toEqual(bound)
    expect(bound.api).toBe(coldApi)
    expect(fake.cache.calls.map(c => c.call)).toEqual([
      'GetCacheEntryDownloadURL',
      'CreateCacheEntry',
      'upload',
      'FinalizeCacheEntryUpload'
    ])

    const warm = await check({ inputs })
    expect({ api: fake.apiCalls().length, blobs: downloads() }).toEqual({ api: warmApi, blobs: 0 })
    expect(warm.outputs).toEqual(cold.outputs)
    expect(fake.cache.calls.map(c => c.call)).toEqual(['GetCacheEntryDownloadURL', 'download'])

    fake.runs = withNewRun(fake.runs)
    await check({ inputs })
    expect({ api: fake.apiCalls().length, blobs: downloads() }).toEqual({ api: newApi, blobs: 1 })
    expect(fake.cache.count()).toBe(5)
  })
})

describe('the newest run, whose sample the cache cannot hold', () => {
  // The cache entry's download answers 1.5 s late: a download that waits for it shows.
  const slowEntry = () => [
    { path: /^\/cacheblob\/.*sp=r/, times: 1, passThrough: true, delayMs: 1500 }
  ]
  const request = (pattern: RegExp) => {
    const found = fake.requests.find(r => pattern.test(r.path))
    if (!found) throw new Error(`no request matches ${pattern}`)
    return found
  }

  /** The previous run (number 1001) is new since the entry was saved; this run is `runNumber`. */
  async function afterPrevious(runNumber: number): Promise<ActionResult> {
    await check()
    fake.runs = withNewRun(fake.runs)
    fake.runs[0].run_number = 1001
    fake.faults = slowEntry()
    return check({ env: { GITHUB_RUN_NUMBER: String(runNumber) } })
  }

  it('is downloaded beside the cache restore when it is the run just before this one', async () => {
    const r = await afterPrevious(1002)
    const zip = request(/\/actions\/artifacts\/\d+\/zip/)
    const entry = request(/^\/cacheblob\/.*sp=r/)
    expect(zip.at).toBeLessThan(entry.doneAt ?? 0)
    // No request more than a check that waits: the runs, the repository listing, one download.
    expect({ api: fake.apiCalls().length, blobs: downloads() }).toEqual({ api: 3, blobs: 1 })
    expect(samplesOf(r)[0]).toBe(150)
  })

  it('waits for the cache when a run came between (it may be in the entry)', async () => {
    const r = await afterPrevious(1005)
    const zip = request(/\/actions\/artifacts\/\d+\/zip/)
    const entry = request(/^\/cacheblob\/.*sp=r/)
    expect(zip.at).toBeGreaterThanOrEqual(entry.doneAt ?? Infinity)
    expect({ api: fake.apiCalls().length, blobs: downloads() }).toEqual({ api: 3, blobs: 1 })
    expect(samplesOf(r)[0]).toBe(150)
  })
})

describe('runs waiting on the cache entry', () => {
  it('do not hold back the artifact listing: its pages are read while the entry is on its way', async () => {
    // Window 50 over the busy history needs four pages of the repository listing. The entry's
    // download is held until three pages have been answered: runs located on the first page
    // wait for the entry, which once filled every place and held the second page back, so the
    // entry never came within the restore's deadline and every run was downloaded.
    const inputs = { window: '50', history: '50', lookback: '500', budget: '300' }
    const listing = /\/actions\/artifacts(\?|$)/
    fake.runs = busyHistory()
    const cold = await check({ inputs })
    fake.faults = [
      {
        path: /^\/cacheblob\/.*sp=r/,
        times: 1,
        passThrough: true,
        holdUntil: { method: 'GET', path: listing, answered: 3 }
      }
    ]
    const warm = await check({ inputs })
    const pages = fake.requests.filter(r => listing.test(r.path))
    expect(pages.length).toBeGreaterThanOrEqual(3)
    // The same requests and verdict as ever: nothing read twice, nothing downloaded.
    expect({ api: fake.apiCalls().length, blobs: downloads() }).toEqual({
      api: pages.length + 1,
      blobs: 0
    })
    expect(warm.outputs).toEqual(cold.outputs)
  })
})

describe('one clock', () => {
  it('judges expiry by the API server’s time: cold, warm and cache: false agree', async () => {
    const first = await check()
    expect([first.code, first.outputs.verdict, first.outputs.count]).toEqual([1, 'breach', '10'])
    expect(saves()).toBe(1)
    // Later, on a runner whose clock is 10 minutes slow: by GitHub's time the artifact of run
    // 8998 (290 s) expired 5 minutes ago, and its `expired` flag still says false.
    fake.clockSkewMs = 10 * 60_000
    const artifact = fake.runs.find(r => r.id === 8998)?.artifacts[0]
    if (artifact) artifact.expiresAt = new Date(Date.now() + 5 * 60_000).toISOString()
    const warm = await check()
    const uncached = await check({ inputs: { cache: 'false' } })
    fake.cache.reset()
    const cold = await check()
    const outputs = (r: ActionResult) => {
      const { samples, ...rest } = r.outputs
      // Each check's own run is the newest in `samples` only by its id: compare the values.
      return { ...rest, samples: samplesOf({ ...r, outputs: { samples } }) }
    }
    expect(outputs(warm)).toEqual(outputs(cold))
    expect(outputs(uncached)).toEqual(outputs(cold))
    expect(JSON.parse(cold.outputs.skipped)).toContainEqual(
      expect.objectContaining({ run_id: 8998, reason: expect.stringMatching(/expired/) })
    )
  })
})

import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { repoListingDown } from '../__fixtures__/faults.js'
import { buildZip, hostileZips, sampleZip, zeroBomb } from '../__fixtures__/zip.js'
import { samplesOf, skippedOf, type ActionResult } from '../__fixtures__/run-action.js'
import { outsideCode } from '../__fixtures__/markdown.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'

const FILE = 'install_to_ready_seconds.txt'
const GOOD = [101, 102, 103]
const reasons = (r: ActionResult) => skippedOf(r).map(s => s.reason)
/** A line the runner would read as a workflow command, other than the action's own annotations. */
const commandLines = (r: ActionResult) =>
  r.stdout
    .split('\n')
    .filter(l => /^\s*(::|##\[)/.test(l) && !/^::(warning|error|notice|debug)/.test(l))

describe('hostile artifacts (dist/index.js against the fake API)', () => {
  const { fake, run } = useFakeGitHub()
  const hostile = (zip: Buffer, extra = {}) =>
    run([{ value: 0, artifact: { zip, ...extra } }, ...GOOD], { inputs: { window: '3' } })

  it.each(hostileZips(FILE))(
    'skips %s with its reason and writes nothing',
    async (_label, zip, reason) => {
      const r = await hostile(zip)
      expect(r.code).toBe(0)
      expect(samplesOf(r)).toEqual(GOOD)
      expect(skippedOf(r)[0]).toEqual({ run_id: 9000, reason: expect.stringMatching(reason) })
      expect(existsSync(join(r.dir, 'evil.txt'))).toBe(false)
      expect(existsSync(join(r.dir, '..', 'evil.txt'))).toBe(false)
      expect(existsSync('/tmp/helm-rolling-evil')).toBe(false)
    }
  )

  describe('decompression bombs', () => {
    let gib: Awaited<ReturnType<typeof zeroBomb>>
    let small: Awaited<ReturnType<typeof zeroBomb>>
    beforeAll(async () => {
      ;[gib, small] = await Promise.all([zeroBomb(1 << 30), zeroBomb(32 << 20)])
    }, 120_000)

    it('skips a 1 GiB bomb by its size without downloading it', async () => {
      const r = await hostile(buildZip([{ name: FILE, data: '', raw: gib }]))
      expect(reasons(r)[0]).toMatch(/^artifact is \d+ bytes, over the 65536-byte cap$/)
      expect(fake.downloadsOf(9000)).toBe(0)
    })
    it('stops downloading a bomb whose listed size lies', async () => {
      const r = await hostile(buildZip([{ name: FILE, data: '', raw: gib }]), { sizeInBytes: 300 })
      expect(reasons(r)[0]).toBe('artifact download passed the 65536-byte cap')
      expect(samplesOf(r)).toEqual(GOOD)
    })
    it('refuses a small bomb by its declared inflated size', async () => {
      const r = await hostile(buildZip([{ name: FILE, data: '', raw: small }]))
      expect(reasons(r)[0]).toMatch(/inflates to 33554432 bytes, over the 64-byte cap/)
    })
    it('stops a small bomb that lies about its inflated size at the cap', async () => {
      const r = await hostile(buildZip([{ name: FILE, data: '', raw: small, declaredSize: 4 }]))
      expect(reasons(r)[0]).toMatch(/install_to_ready_seconds.txt (is corrupt|inflates past)/)
      expect(samplesOf(r)).toEqual(GOOD)
    })
  })

  it('keeps markup and workflow commands from an artifact out of the summary and the log', async () => {
    const names = [
      `<img src=x onerror=alert(1)>/${FILE}`,
      `[x](javascript:alert(1))/${FILE}`,
      `::set-output name=verdict::pass/${FILE}`,
      `::add-mask::x/${FILE}`
    ]
    const r = await run(
      [
        ...names.map(name => ({ value: 0, artifact: { zip: buildZip([{ name, data: '1' }]) } })),
        { value: '::set-output name=verdict::pass\n::stop-commands::abc\n' },
        { value: 0, artifact: { zip: sampleZip('<img src=x onerror=alert(1)>') } },
        500,
        500,
        500
      ],
      { inputs: { window: '3' } }
    )
    expect(r.code).toBe(1)
    expect(r.outputs.verdict).toBe('breach')
    expect(reasons(r)).toHaveLength(6)
    // Untrusted text is shown only inside code spans, where nothing is markup.
    expect(outsideCode(r.summary)).not.toMatch(/<img|\]\(javascript|::set-output|@/)
    expect(r.summary).toContain('<img src=x onerror=alert(1)>')
    expect(commandLines(r)).toEqual([])
    expect(r.stdout).not.toContain('::set-output')
  })

  it('excludes a fork run on a branch named like the default branch, unless allow-forks', async () => {
    const specs = [
      { value: 1, head: 'fork' as const },
      { value: 2, head: 'null' as const },
      ...GOOD
    ]
    const r = await run(specs, { inputs: { window: '3' } })
    expect(samplesOf(r)).toEqual(GOOD)
    expect(reasons(r)).toEqual(['head repository is a fork', 'head repository is a fork'])
    // Excluded before any artifact request: a fork's artifact is never downloaded.
    expect(fake.apiCalls().filter(c => /runs\/(9000|8999)\//.test(c))).toEqual([])
    const allowed = await run(specs, { inputs: { window: '3', 'allow-forks': 'true' } })
    expect(samplesOf(allowed)).toEqual([1, 2, 101])
  })

  it.each([
    ['the repository listing', []],
    ["the run's own listing", [repoListingDown()]]
  ])(
    "ignores an artifact whose workflow_run.id is another run's, found through %s",
    async (_l, faults) => {
      const r = await run([{ value: 1, artifact: { workflowRunId: 1234 } }, ...GOOD], {
        inputs: { window: '3' },
        faults
      })
      expect(samplesOf(r)).toEqual(GOOD)
      expect(reasons(r)).toEqual(['no artifact named like the pattern'])
    }
  )

  it('skips a zip whose SHA-256 does not match the digest, and accepts one without a digest', async () => {
    const r = await run(
      [
        { value: 1, artifact: { digest: `sha256:${'0'.repeat(64)}` } },
        { value: 2, artifact: { digest: null } },
        ...GOOD
      ],
      {
        inputs: { window: '3' }
      }
    )
    expect(samplesOf(r)).toEqual([2, 101, 102])
    expect(reasons(r)).toEqual(['digest mismatch'])
  })

  it('never sends the token to the blob host, nor logs the signed URL', async () => {
    const r = await run(GOOD, { inputs: { window: '3' } })
    const blobs = fake.requests.filter(q => q.path.startsWith('/blob/'))
    expect(blobs).toHaveLength(3)
    expect(blobs.every(q => q.authorization === undefined)).toBe(true)
    expect(r.stdout + r.stderr).not.toContain('SECRET-SIGNATURE')
  })

  // On the failure paths too: the blob's error reaches the log, the summary and `skipped`.
  it.each([
    [404, 0],
    [403, 1],
    [503, 1]
  ])('keeps the signed URL out of everything when the blob answers %i', async (status, code) => {
    const r = await run(GOOD, {
      inputs: { window: '3' },
      faults: [{ path: /^\/blob\/90000\?/, status, times: 10 }]
    })
    expect(r.code).toBe(code)
    const shown = [r.stdout, r.stderr, r.summary, JSON.stringify(r.outputs)].join('\n')
    expect(shown).toContain(`artifact download failed (HTTP ${status})`)
    expect(shown).not.toContain('SECRET-SIGNATURE')
    expect(shown).not.toContain('/blob/')
  })
})

describe('API faults (dist/index.js against the fake API)', () => {
  const { fake, run } = useFakeGitHub()
  const window3 = { inputs: { window: '3' } }

  it.each([500, 502, 503])('retries a %i on the runs listing, then succeeds', async status => {
    const r = await run(GOOD, { ...window3, faults: [{ path: /\/workflows\//, status, times: 2 }] })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
    expect(fake.apiCalls().filter(c => c.includes('/workflows/'))).toHaveLength(3)
  })

  it('retries 5xx on the artifact lookup and download, then succeeds', async () => {
    const r = await run(GOOD, {
      ...window3,
      faults: [
        { path: /\/runs\/9000\/artifacts/, status: 502, times: 1 },
        { path: /\/artifacts\/\d+\/zip/, status: 503, times: 2 }
      ]
    })
    expect(samplesOf(r)).toEqual(GOOD)
    expect(skippedOf(r)).toEqual([])
  })

  it.each([
    [
      403,
      {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
      }
    ],
    [429, { message: 'You have exceeded a secondary rate limit' }]
  ])(
    'waits out a %i secondary rate limit with retry-after, with a notice in the log',
    async (status, body) => {
      const r = await run(GOOD, {
        ...window3,
        faults: [{ path: /\/workflows\//, status, times: 1, body, headers: { 'retry-after': '1' } }]
      })
      expect(r.code).toBe(0)
      expect(samplesOf(r)).toEqual(GOOD)
      expect(r.stdout).toMatch(/secondary rate limit\): retrying GET in 1 s/)
    }
  )

  it('fails at once on an exhausted primary rate limit, naming the reset time', async () => {
    const reset = Math.floor(Date.UTC(2026, 10, 25, 7, 0, 0) / 1000)
    const r = await run(GOOD, {
      ...window3,
      faults: [
        {
          path: /\/workflows\//,
          status: 403,
          times: 9,
          body: { message: 'API rate limit exceeded for installation ID 1.' },
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }
        }
      ]
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/::error::.*rate limit is exhausted until 2026-11-25T07:00:00.000Z/)
    // The two listings start together; nothing is asked after the refusal.
    expect(fake.apiCalls().filter(c => c.includes('/workflows/'))).toHaveLength(1)
    expect(fake.apiCalls()).toHaveLength(2)
  })

  it.each([
    [
      '401 bad token',
      { status: 401, body: { message: 'Bad credentials' } },
      /token was refused .*check 'github-token'/
    ],
    [
      '403 without actions: read',
      { status: 403, body: { message: 'Resource not accessible by integration' } },
      /Resource not accessible by integration; the token needs 'permissions: actions: read'/
    ]
  ])('fails clearly on %s', async (_label, fault, message) => {
    const r = await run(GOOD, {
      ...window3,
      faults: [{ path: /\/workflows\//, times: 9, ...fault }]
    })
    expect(r.code).toBe(1)
    expect(r.annotations).toContainEqual({
      level: 'error',
      message: expect.stringMatching(message)
    })
  })

  it('fails on a 403 from an artifact lookup too: it would hit every run', async () => {
    const r = await run(GOOD, {
      ...window3,
      faults: [
        {
          path: /\/artifacts/,
          status: 403,
          times: 99,
          body: { message: 'Resource not accessible by integration' }
        }
      ]
    })
    expect(r.code).toBe(1)
    expect(r.annotations[0].message).toMatch(/permissions: actions: read/)
  })

  it('fails clearly on an unknown workflow or repository, naming them', async () => {
    const r = await run(GOOD, { inputs: { workflow: 'nope.yml' } })
    expect(r.code).toBe(1)
    expect(r.annotations).toContainEqual({
      level: 'error',
      message: expect.stringMatching(/workflow nope.yml in tracecore\/tracecore: not found \(404\)/)
    })
    const other = await run(GOOD, { inputs: { repository: 'tracecore/missing', branch: 'main' } })
    expect(other.annotations[0].message).toMatch(/tracecore\/missing: not found \(404\)/)
  })

  // Issue 11 changed this on purpose: a blob 500 is a server fault, retried (a fresh signed URL
  // each time), not a reason to skip the run and slide the window to an older sample.
  it('skips a run whose download answers 410, and retries one whose blob fails', async () => {
    const r = await run([1, 2, ...GOOD], {
      ...window3,
      faults: [
        {
          path: /\/artifacts\/90000\/zip/,
          status: 410,
          times: 1,
          body: { message: 'Artifact has expired' }
        },
        { path: /^\/blob\/89990/, status: 500, times: 1 }
      ]
    })
    expect(samplesOf(r)).toEqual([2, 101, 102])
    expect(reasons(r)).toEqual(['artifact expired (410 Gone)'])
    expect(fake.requests.filter(q => q.path.startsWith('/blob/89990'))).toHaveLength(2)
  })

  it('times out a request that never answers, retries, and goes on', async () => {
    const r = await run(GOOD, {
      ...window3,
      env: { HELM_ROLLING_TIMEOUT_MS: '300' },
      faults: [{ path: /\/workflows\//, hang: true, times: 1 }]
    })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
  })

  it('fails clearly, without hanging, when the server never answers', async () => {
    const started = Date.now()
    const r = await run(GOOD, {
      ...window3,
      env: { HELM_ROLLING_TIMEOUT_MS: '200' },
      faults: [{ path: /\/workflows\//, hang: true, times: 99 }]
    })
    expect(r.code).toBe(1)
    expect(r.annotations[0].message).toMatch(/Listing runs of workflow chart.yml .*abort|timeout/i)
    // The first try and three retries of the runs listing, each after the last one's 200 ms
    // deadline (a lower bound, whatever the load), and a loose upper bound on the whole.
    const tries = fake.requests.filter(q => q.path.includes('/workflows/'))
    expect(tries).toHaveLength(4)
    for (const [i, t] of tries.slice(1).entries())
      // The fake stamps arrivals with its own clock: a few ms of timer slack either side.
      expect(t.at - tries[i].at).toBeGreaterThanOrEqual(190)
    expect(Date.now() - started).toBeLessThan(60_000)
  })

  it('fails clearly when the API cannot be reached at all', async () => {
    // A server that resets every connection, rather than a freed port that something else
    // may take in the meantime.
    const resets = createServer(socket => socket.resetAndDestroy())
    await new Promise<void>(resolve => resets.listen(0, '127.0.0.1', resolve))
    const port = (resets.address() as AddressInfo).port
    try {
      const r = await run(GOOD, { ...window3, env: { GITHUB_API_URL: `http://127.0.0.1:${port}` } })
      expect(r.code).toBe(1)
      expect(r.annotations[0].message).toMatch(/Listing runs .*ECONNRESET/)
    } finally {
      await new Promise(resolve => resets.close(resolve))
    }
  })

  it('fails clearly on a listing that is not the expected JSON', async () => {
    const r = await run(GOOD, {
      ...window3,
      // Issue 11: a bad body is retried like a network fault, so only a lasting one fails.
      faults: [{ path: /\/workflows\//, status: 200, times: 99, body: 'not json' }]
    })
    expect(r.code).toBe(1)
    expect(r.annotations[0].message).toMatch(/not the expected JSON/)
    expect(r.stdout + r.stderr).not.toMatch(/TypeError/)
  })
})

describe('bad inputs (dist/index.js)', () => {
  const { run } = useFakeGitHub()
  it.each([
    ['window', '0', "Input 'window' must be a whole number from 1 to 1000"],
    ['min-runs', 'x', "Input 'min-runs' must be a whole number"],
    ['lookback', '-3', "Input 'lookback' must be a whole number"],
    ['budget', 'abc', "Input 'budget' must be a positive number of seconds"],
    ['retention-days', '1.5', "Input 'retention-days' must be a whole number"],
    ['repository', 'nope', "Input 'repository' must be owner/name"],
    ['conclusions', 'success,passed', "Input 'conclusions' accepts a comma-separated list"]
  ])('fails at once on %s=%j, naming it', async (name, value, message) => {
    const r = await run(GOOD, { inputs: { [name]: value } })
    expect(r.code).toBe(1)
    expect(r.annotations).toEqual([{ level: 'error', message: expect.stringContaining(message) }])
    expect(r.outputs.verdict).toBeUndefined()
  })

  it('treats a value file that does not exist as no sample, with a warning (contract: not an input error)', async () => {
    const r = await run(GOOD, { inputs: { window: '3', value: 'missing.txt' } })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringContaining('neither a number nor an existing file')
    })
  })

  it('refuses a value file that is a FIFO at once, naming what it is, instead of blocking', async () => {
    // `mkfifo install_to_ready_seconds.txt` in the install step: opening it to read would
    // wait for a writer that never comes, and block the process, timers included.
    const fifo = join(mkdtempSync(join(tmpdir(), 'fifo-')), 'install_to_ready_seconds.txt')
    execFileSync('mkfifo', [fifo])
    const r = await run(GOOD, { inputs: { window: '3', value: fifo }, timeoutMs: 10_000 })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual(GOOD)
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringContaining('is not a regular file: a FIFO')
    })
  })

  it('counts a good value as the newest sample', async () => {
    const r = await run(GOOD, { inputs: { window: '3', value: '99.5' } })
    expect(samplesOf(r)).toEqual([99.5, 101, 102])
    expect(r.summary).toContain('(this run)')
  })
})

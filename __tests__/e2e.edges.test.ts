import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { runtimeToken } from '../__fixtures__/runtime-token.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'

/**
 * The edges of issue 20, through dist/index.js as the runner runs it: the step's status
 * follows the verdict whatever happens to the files the runner gives it.
 */
/** A FIFO: opening it to write waits for a reader, which never comes. */
function fifo(name: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fifo-')), name)
  execFileSync('mkfifo', [path])
  return path
}

describe('the step status follows the verdict', () => {
  const { run } = useFakeGitHub()
  const PASS = [100, 110, 120]
  const BREACH = [400, 410, 420]
  const window3 = { window: '3' }

  // GITHUB_STEP_SUMMARY unset (older GHES, Gitea, Forgejo, some local runners), a path that
  // cannot be written, and a full disk.
  it.each([
    ['unset', ''],
    ['not writable', '/proc/version'],
    ['on a full disk', '/dev/full']
  ])('a pass stays green, with a warning, when the summary file is %s', async (_l, path) => {
    const r = await run(PASS, { inputs: window3, env: { GITHUB_STEP_SUMMARY: path } })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('pass')
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(/^The job summary could not be written .*the verdict stands/)
    })
  })

  it('a pass stays green when the summary file is a FIFO that nobody reads', async () => {
    const r = await run(PASS, {
      inputs: window3,
      env: { GITHUB_STEP_SUMMARY: fifo('summary.md') },
      timeoutMs: 10_000
    })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('pass')
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^The job summary could not be written \(GITHUB_STEP_SUMMARY is a FIFO\)/
      )
    })
  })

  it('a breach stays red, naming the breach, when the summary cannot be written', async () => {
    const r = await run(BREACH, { inputs: window3, env: { GITHUB_STEP_SUMMARY: '/dev/full' } })
    expect(r.code).toBe(1)
    expect(r.outputs.verdict).toBe('breach')
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([
      { level: 'error', message: expect.stringMatching(/^Rolling median over budget: /) }
    ])
  })

  it.each([
    ['not writable', '/proc/version', PASS, 0],
    ['on a full disk', '/dev/full', PASS, 0],
    ['on a full disk (breach)', '/dev/full', BREACH, 1],
    ['a FIFO that nobody reads', fifo('output'), PASS, 0]
  ])('the outputs file %s warns and the verdict stands', async (_l, path, specs, code) => {
    const r = await run(specs, { inputs: window3, env: { GITHUB_OUTPUT: path } })
    expect(r.code).toBe(code)
    expect(r.summary).toMatch(code ? /^## ❌ breach/ : /^## ✅ pass/)
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(/^The step outputs could not be written .*the verdict stands/)
    })
    expect(r.annotations.filter(a => a.level === 'error')).toHaveLength(code)
  })
})

describe('the verdict never waits on the upload of record', () => {
  const { fake, run } = useFakeGitHub()
  const GRACE_MS = 1000
  const runner = {
    GITHUB_RUN_ID: '9100',
    GITHUB_RUN_ATTEMPT: '1',
    ACTIONS_RUNTIME_TOKEN: runtimeToken(9100),
    HELM_ROLLING_UPLOAD_GRACE_MS: String(GRACE_MS)
  }

  // `@actions/artifact` sets no socket timeout: a results service (or blob store) that takes
  // the connection and never answers would hold the step until the job's timeout-minutes.
  it.each([
    ['the results service', /\/twirp\/.*CreateArtifact/],
    ['the blob store', /\/devstoreaccount1\//]
  ])(
    'publishes first, gives the upload its grace, then warns and ends when %s never answers',
    async (_label, path) => {
      const r = await run([100, 110, 120], {
        inputs: { window: '3', value: '105', record: 'true' },
        env: { ...runner, ACTIONS_RESULTS_URL: `${fake.url}/` },
        faults: [{ path, times: 99, hang: true }],
        amend: runs => runs.unshift({ ...runs[0], id: 9100, status: 'in_progress', artifacts: [] }),
        timeoutMs: 15_000
      })
      const elapsed = Date.now() - r.startedAt
      expect(fake.requests.some(q => path.test(q.path))).toBe(true)
      expect(r.code).toBe(0)
      expect(r.outputs.verdict).toBe('pass')
      expect(r.summary).toMatch(/^## ✅ pass/)
      const warning = r.annotations.find(a => /^Sample not recorded/.test(a.message))
      expect(warning?.level).toBe('warning')
      // The verdict is out before the upload is given up on, and the grace is kept.
      expect(r.stdout.indexOf('pass: median')).toBeLessThan(r.stdout.indexOf('Sample not recorded'))
      // A lower bound only: the grace was kept. That the step ends is runAction's 15 s kill
      // (which would fail the exit code above), a bound loose enough for a loaded machine.
      expect(elapsed).toBeGreaterThanOrEqual(GRACE_MS)
    }
  )
})

describe('a download that stalls is bounded', () => {
  const { fake, run } = useFakeGitHub()

  it('cuts off a blob body that stops coming, retries, and counts the sample', async () => {
    const r = await run([100, 110, 120], {
      inputs: { window: '3' },
      faults: [{ path: /^\/blob\/90000/, times: 1, passThrough: true, stallAfter: 10 }],
      timeoutMs: 20_000
    })
    expect(r.code).toBe(0)
    expect(r.outputs.count).toBe('3')
    // Cut off and tried again: the second request came after the first was abandoned, at its
    // deadline (2 s). That the step ends at all is runAction's 20 s kill.
    const blobs = fake.requests.filter(q => q.path.startsWith('/blob/90000'))
    expect(blobs).toHaveLength(2)
    expect(blobs[1].at - blobs[0].at).toBeGreaterThanOrEqual(2000)
  })
})

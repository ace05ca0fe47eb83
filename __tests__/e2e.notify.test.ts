import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from '@jest/globals'
import { tookEffectThen } from '../__fixtures__/faults.js'
import type { RunSpec } from '../__fixtures__/history.js'
import { useFakeGitHub, type Scenario } from '../__fixtures__/scenario.js'

/**
 * The tracking issue and the pull request comment tried as an adversary would (issue 26),
 * through dist/index.js against the fake GitHub: only the gate's own text is edited, found
 * again at any size, one item even when a write answers 5xx after it took effect, every wait
 * bounded, and `issue-number` true.
 */
const ON_MAIN = { GITHUB_REF: 'refs/heads/main' }
const slow = (n: number, value = 400) => Array.from({ length: n }, () => value)
const PR = 7
const LABEL = 'rolling-median'
const markerOf = (body: string | null) => (body ?? '').split('\n')[0]

describe('the tracking issue, adversarially, through dist/index.js', () => {
  const { fake, run } = useFakeGitHub()
  const check = (specs: (RunSpec | number | string)[], scenario: Scenario = {}) =>
    run(specs, {
      ...scenario,
      inputs: { issue: 'true', cache: 'false', ...scenario.inputs },
      env: { ...ON_MAIN, ...scenario.env }
    })
  const writes = () =>
    fake.requests.filter(r => r.method !== 'GET').map(r => `${r.method} ${r.path}`)

  beforeEach(() => {
    fake.resetIssues()
    fake.tokenLogin = undefined
    fake.permissions = { issues: 'write', pullRequests: 'write' }
  })

  it('finds its issue again behind more than 500 open issues under the label', async () => {
    for (let i = 0; i < 600; i++)
      fake.addIssue({ body: `someone's report ${i}`, labels: [LABEL], author: 'alice' })
    const first = await check(slow(10))
    expect(first.outputs['issue-number']).toBe('601')
    const second = await check([410, ...slow(9)])
    expect(second.outputs['issue-number']).toBe('601')
    expect(fake.issues).toHaveLength(601)
    expect(writes()).toEqual(['PATCH /repos/tracecore/tracecore/issues/601'])
  })

  it("leaves a person's issue that carries the marker alone, and says so once", async () => {
    await check(slow(10))
    const marker = markerOf(fake.issues[0].body)
    fake.resetIssues()
    const planted = fake.addIssue({
      body: `${marker}\nmy notes`,
      labels: [LABEL],
      author: 'mallory'
    })
    const r = await check(slow(10))
    expect(planted.body).toBe(`${marker}\nmy notes`)
    expect(planted.state).toBe('open')
    expect(r.outputs['issue-number']).toBe('2')
    expect(fake.issues[1].author).toBe('github-actions[bot]')
    const told = r.stdout.split('\n').filter(l => l.includes('not written by'))
    expect(told).toEqual([
      "Tracking issue: 1 item carrying this gate's marker was not written by this token's app (a [bot] account), so left alone"
    ])
  })

  it('with a personal token, edits what its user wrote and not the bot', async () => {
    fake.tokenLogin = 'octocat'
    await check(slow(10))
    const [own] = fake.issues
    expect(own.author).toBe('octocat')
    // Opening needs no GET /user: the created issue names its author.
    expect(fake.apiCalls()).not.toContain('GET /user')
    const botCopy = fake.addIssue({ body: own.body, labels: [LABEL] })
    expect(botCopy.author).toBeUndefined()
    const r = await check([410, ...slow(9)])
    expect(r.outputs['issue-number']).toBe(String(own.number))
    expect(own.body).toContain('410')
    expect(botCopy.body).not.toContain('410')
    expect(botCopy.state).toBe('open')
    // The identity is asked once, and only because a marked item was found.
    expect(fake.apiCalls().filter(c => c === 'GET /user')).toHaveLength(1)
  })

  it('opens one issue when the create answers 502 after it took effect', async () => {
    const r = await check(slow(10), {
      faults: [tookEffectThen('POST', /\/issues$/)]
    })
    expect(fake.issues).toHaveLength(1)
    expect(r.outputs['issue-number']).toBe('1')
    expect(r.stdout).toContain('the create failed on its way back, but #1 was opened')
  })

  it('names the issue it just opened when the listing after the create fails', async () => {
    const r = await check(slow(10), {
      faults: [
        { method: 'GET', path: /\/issues\?/, times: 1, passThrough: true },
        { method: 'GET', path: /\/issues\?/, times: 9, status: 500 }
      ]
    })
    expect(fake.openIssues()).toHaveLength(1)
    expect(r.outputs['issue-number']).toBe('1')
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(/^Tracking issue: .*the verdict stands$/)
    })
  })

  it('names the open issue when its edit is refused', async () => {
    await check(slow(10))
    const r = await check([410, ...slow(9)], {
      faults: [{ method: 'PATCH', path: /\/issues\/1$/, times: 9, status: 422 }]
    })
    expect(r.outputs['issue-number']).toBe('1')
  })

  it('posts the closing comment once, after the close itself went through', async () => {
    await check(slow(10))
    const recovered = [...slow(7, 100), ...slow(10)]
    const failed = await check(recovered, {
      faults: [{ method: 'PATCH', path: /\/issues\/1$/, times: 9, status: 502 }]
    })
    expect(failed.outputs['issue-number']).toBe('1')
    expect(fake.comments).toHaveLength(0)
    const closed = await check(recovered)
    expect(closed.outputs['issue-number']).toBe('')
    expect(fake.openIssues()).toHaveLength(0)
    expect(fake.comments).toHaveLength(1)
    expect(fake.comments[0].body).toMatch(/^✅ Recovered/)
  })

  it('works on a schedule run whose payload names no repository', async () => {
    const r = await check(slow(10), {
      env: { GITHUB_EVENT_NAME: 'schedule' },
      payload: { repository: null }
    })
    expect(r.outputs['issue-number']).toBe('1')
    expect(fake.openIssues()).toHaveLength(1)
  })

  it('says what is true when the judged branch is not the default branch', async () => {
    const r = await check(slow(10), { inputs: { branch: 'release' } })
    expect(r.stdout).toContain(
      'Tracking issue: not from this run (the check judges branch release, not the default branch main)'
    )
  })

  it('warns at the start when lookback cannot hold what closing the issue needs', async () => {
    const r = await check(slow(10), { inputs: { lookback: '10' } })
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message:
        "'lookback' 10 is smaller than the 12 runs that closing the tracking issue needs from the history ('window' 10 + 'issue-close-after' 3 - 1): an open issue would never close"
    })
  })

  it.each([
    ['on a full disk', () => '/dev/full'],
    ['a FIFO that nobody reads', () => fifo('output')]
  ])('a pass stays green with the issue on when the outputs file is %s', async (_l, path) => {
    await check(slow(10))
    const r = await check([...slow(6, 100), ...slow(10)], {
      env: { GITHUB_OUTPUT: path() },
      timeoutMs: 20_000
    })
    expect(r.code).toBe(0)
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^The issue-number output could not be written .*the verdict stands$/
      )
    })
  })
})

describe('the tracking issue with an installation token (ghs_), of chart_ci.yml', () => {
  const { fake, run } = useFakeGitHub({ token: 'ghs_installation', workflow: 'chart_ci.yml' })

  it('edits what github-actions[bot] wrote, without asking GET /user', async () => {
    const inputs = { issue: 'true', cache: 'false' }
    await run(slow(10), { inputs, env: ON_MAIN })
    const marker = markerOf(fake.issues[0].body)
    const planted = fake.addIssue({ body: `${marker}\nmine`, labels: [LABEL], author: 'mallory' })
    const r = await run([410, ...slow(9)], { inputs, env: ON_MAIN })
    expect(r.outputs['issue-number']).toBe('1')
    expect(fake.issues[0].body).toContain('410')
    expect(planted.body).toBe(`${marker}\nmine`)
    expect(fake.apiCalls()).not.toContain('GET /user')
  })

  it('shows the workflow name raw in its code span in the body', async () => {
    fake.resetIssues()
    await run(slow(10), { inputs: { issue: 'true', cache: 'false' }, env: ON_MAIN })
    const body = fake.issues[0].body ?? ''
    expect(body).toContain('run `chart_ci.yml` by hand')
    expect(body).not.toContain('&#95;')
  })
})

describe('the pull request comment, adversarially, through dist/index.js', () => {
  const { fake, run } = useFakeGitHub()
  const history = (): RunSpec[] => [
    { value: 500, branch: 'feature', event: 'pull_request' },
    { value: 500, branch: 'feature', event: 'pull_request' },
    ...Array.from({ length: 12 }, () => ({ value: 100 }))
  ]
  const onPr = (value: string, scenario: Scenario = {}) =>
    run(history(), {
      ...scenario,
      inputs: { 'pr-comment': 'always', cache: 'false', value, ...scenario.inputs },
      env: {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: `refs/pull/${PR}/merge`,
        ...scenario.env
      },
      payload: {
        pull_request: {
          number: PR,
          head: { ref: 'feature', sha: 'b'.repeat(40), repo: { full_name: 'tracecore/tracecore' } }
        }
      }
    })
  const own = () => fake.commentsOn(PR).filter(c => c.author === 'github-actions[bot]')

  beforeEach(() => {
    fake.resetIssues()
    fake.addPullRequest(PR)
    fake.tokenLogin = undefined
  })

  it('finds its comment again behind more than 500 earlier comments', async () => {
    for (let i = 0; i < 600; i++) fake.addComment(PR, `review ${i}`, 'alice')
    await onPr('250')
    await onPr('260')
    expect(own()).toHaveLength(1)
    expect(own()[0].body).toContain('This run: **260 s**')
  })

  it("never overwrites a person's comment that carries the marker", async () => {
    await onPr('250')
    const marker = markerOf(own()[0].body)
    fake.resetIssues()
    fake.addPullRequest(PR)
    const planted = fake.addComment(PR, `${marker}\nlooks fine to me`, 'mallory')
    const r = await onPr('260')
    expect(planted.body).toBe(`${marker}\nlooks fine to me`)
    expect(own()).toHaveLength(1)
    expect(r.stdout).toContain(
      "Pull request comment: 1 item carrying this gate's marker was not written by"
    )
  })

  it('leaves one comment when the create answers 502 after it took effect', async () => {
    const r = await onPr('250', { faults: [tookEffectThen('POST', /\/issues\/7\/comments$/)] })
    expect(r.code).toBe(0)
    expect(own()).toHaveLength(1)
    await onPr('260')
    expect(own()).toHaveLength(1)
    expect(own()[0].body).toContain('This run: **260 s**')
  })

  it("gives up on the pull request's own samples within the bound when the blob host never answers", async () => {
    const started = Date.now()
    const r = await onPr('250', {
      // The pull request's two runs (ids 9000 and 8999) upload artifacts 90000 and 89990.
      faults: [{ path: /^\/blob\/(90000|89990)\?/, times: 99, hang: true }],
      env: { HELM_ROLLING_NOTIFY_TIMEOUT_MS: '1000', HELM_ROLLING_TIMEOUT_MS: '20000' }
    })
    expect(r.outputs.verdict).toBe('pass')
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: 'Pull request comment: gave up after 1 s; the verdict stands'
    })
    // Without the bound, each download attempt would wait its own 20 s.
    expect(Date.now() - started).toBeLessThan(15_000)
  })
})

/** A FIFO: opening it to write waits for a reader, which never comes. */
function fifo(name: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fifo-')), name)
  execFileSync('mkfifo', [path])
  return path
}

import { beforeEach, describe, expect, it } from '@jest/globals'
import type { RunSpec } from '../__fixtures__/history.js'
import { runAction } from '../__fixtures__/run-action.js'
import { useFakeGitHub, type Scenario } from '../__fixtures__/scenario.js'

/** End to end: the tracking issue's lifecycle, through dist/index.js against the fake GitHub. */
describe('tracking issue through dist/index.js', () => {
  const { fake, run } = useFakeGitHub()
  const ON_MAIN = { GITHUB_REF: 'refs/heads/main' }
  const check = (specs: (RunSpec | number | string)[], scenario: Scenario = {}) =>
    run(specs, {
      ...scenario,
      inputs: { issue: 'true', cache: 'false', ...scenario.inputs },
      env: { ...ON_MAIN, ...scenario.env }
    })
  const slow = (n: number, value = 400) => Array.from({ length: n }, () => value)
  const writes = () =>
    fake.requests.filter(r => r.method !== 'GET').map(r => `${r.method} ${r.path}`)

  beforeEach(() => {
    fake.resetIssues()
    fake.permissions = { issues: 'write', pullRequests: 'write' }
  })

  it('opens one issue on a breach, labelled, with the numbers, the runs and what to do', async () => {
    const r = await check(slow(10))
    expect(r.outputs.verdict).toBe('breach')
    expect(r.code).toBe(1)
    expect(fake.openIssues()).toHaveLength(1)
    const [issue] = fake.openIssues()
    expect(r.outputs['issue-number']).toBe(String(issue.number))
    expect(issue.labels).toEqual(['rolling-median'])
    // The label was created first, not left to GitHub's undocumented creation on issue create.
    expect(fake.labels.has('rolling-median')).toBe(true)
    expect(writes()).toEqual([
      `POST /repos/tracecore/tracecore/labels`,
      `POST /repos/tracecore/tracecore/issues`
    ])
    expect(issue.title).toBe('Rolling median over budget: 400 s > 300 s (chart.yml)')
    expect(issue.body).toMatch(/^<!-- helm-rolling-action:issue gate=[0-9a-f]{16} state=/)
    expect(issue.body).toContain('10 of 10 runs over the budget')
    expect(issue.body).toContain(
      '[run 1000](https://github.com/tracecore/tracecore/actions/runs/9000)'
    )
    expect(issue.body).toContain('`workflow_dispatch`')
    expect(issue.body).toContain('docs/troubleshooting.md')
    expect(fake.comments).toHaveLength(0)
    expect(r.stdout).toMatch(/GitHub API: \d+ requests \(2 writes\)/)
  })

  it('edits the same issue on a second breach, with no new comment', async () => {
    await check(slow(10))
    const r = await check([410, ...slow(9)])
    expect(r.outputs.verdict).toBe('breach')
    expect(fake.openIssues()).toHaveLength(1)
    expect(fake.issues).toHaveLength(1)
    expect(fake.openIssues()[0].body).toContain('410')
    expect(fake.comments).toHaveLength(0)
    expect(writes()).toEqual(['PATCH /repos/tracecore/tracecore/issues/1'])
  })

  it('comments once when a newly attributed commit has held for two checks', async () => {
    const inputs = { history: '30', lookback: '50' }
    // The level shifted at the 10th newest run; then two checks find it at the 12th.
    const first = await check([...slow(10), ...slow(20, 100)], { inputs })
    expect(first.outputs['change-run-id']).toBe('8991')
    const shifted = [...slow(12), ...slow(18, 100)]
    const second = await check(shifted, { inputs })
    expect(second.outputs['change-run-id']).toBe('8989')
    expect(fake.comments).toHaveLength(0)
    await check(shifted, { inputs })
    expect(fake.comments).toHaveLength(1)
    expect(fake.comments[0].body).toContain('run 989')
    await check(shifted, { inputs })
    expect(fake.comments).toHaveLength(1)
    expect(fake.openIssues()).toHaveLength(1)
  })

  it('closes after issue-close-after passing positions, and not before', async () => {
    await check(slow(10))
    expect(fake.openIssues()).toHaveLength(1)
    // 6 fast runs: the newest two positions pass, the third (4 fast, 6 slow) breaches.
    const six = await check([...slow(6, 100), ...slow(10)])
    expect(six.outputs.verdict).toBe('pass')
    expect(fake.openIssues()).toHaveLength(1)
    expect(six.outputs['issue-number']).toBe('1')
    // A passing check with an open issue costs one read, and writes nothing.
    expect(fake.apiCalls().filter(c => c.includes('/issues'))).toHaveLength(1)
    expect(writes()).toEqual([])
    const seven = await check([...slow(7, 100), ...slow(10)])
    expect(seven.outputs.verdict).toBe('pass')
    expect(fake.openIssues()).toHaveLength(0)
    expect(fake.issues[0].state_reason).toBe('completed')
    expect(fake.comments).toHaveLength(1)
    expect(fake.comments[0].body).toContain('Recovered')
    expect(fake.comments[0].body).toContain('median 100 s')
    expect(seven.outputs['issue-number']).toBe('')
  })

  it('neither opens nor closes on insufficient', async () => {
    const r = await check(slow(4))
    expect(r.outputs.verdict).toBe('insufficient')
    expect(fake.issues).toHaveLength(0)
    expect(writes()).toEqual([])
  })

  it('ends with one open issue when two breaching checks run at once', async () => {
    fake.runs = (await import('../__fixtures__/history.js')).makeRuns(slow(10))
    // Both processes look up before either creates: the first create is held until the
    // second lookup has been answered, so two issues exist and the duplicate is closed.
    fake.faults = [
      {
        method: 'POST',
        path: /\/issues$/,
        times: 1,
        holdUntil: { method: 'GET', path: /\/issues\?/, answered: 2 }
      }
    ]
    fake.requests.length = 0
    const both = await Promise.all(
      ['9101', '9102'].map(id =>
        runAction(fake, {
          inputs: { issue: 'true', cache: 'false' },
          env: { ...ON_MAIN, GITHUB_RUN_ID: id, HELM_ROLLING_RETRY_UNIT_MS: '10' }
        })
      )
    )
    const answered = (method: string, path: RegExp) =>
      fake.requests.filter(q => q.method === method && path.test(q.path)).map(q => q.doneAt ?? 0)
    const [, secondLookup] = answered('GET', /\/issues\?/)
    const creates = answered('POST', /\/issues$/)
    expect(creates).toHaveLength(2)
    expect(Math.min(...creates)).toBeGreaterThanOrEqual(secondLookup)
    expect(fake.issues).toHaveLength(2)
    expect(fake.openIssues().map(i => i.number)).toEqual([1])
    expect(fake.issues[1].state_reason).toBe('duplicate')
    expect(fake.issues[1].body).toContain('duplicate of #1')
    expect(both.map(r => r.outputs['issue-number'])).toEqual(['1', '1'])
    expect(both.map(r => r.outputs.verdict)).toEqual(['breach', 'breach'])
  })

  it('touches no issue from a run off the default branch or on a pull request', async () => {
    const feature = await check(slow(10), { env: { GITHUB_REF: 'refs/heads/feature' } })
    expect(feature.stdout).toContain('Tracking issue: not from this run')
    const pr = await check(slow(10), {
      env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' }
    })
    expect(pr.stdout).toContain('pull_request event')
    expect(fake.apiCalls().filter(c => c.includes('/issues'))).toEqual([])
    expect(fake.issues).toHaveLength(0)
    expect(feature.outputs.verdict).toBe('breach')
  })

  it('warns naming the permission and the input when the token may not write issues', async () => {
    fake.permissions = { issues: 'read', pullRequests: 'none' }
    const r = await check(slow(10), { inputs: { 'fail-on-breach': 'false' } })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('breach')
    expect(r.outputs.median).toBe('400')
    const warning = r.annotations.find(a => a.message.startsWith('Tracking issue'))
    expect(warning?.level).toBe('warning')
    expect(warning?.message).toContain("'permissions: issues: write'")
    expect(warning?.message).toContain("'issue'")
    expect(fake.issues).toHaveLength(0)
  })

  it.each([
    ['422', { status: 422, body: { message: 'Validation Failed' } }],
    ['404', { status: 404, body: { message: 'Not Found' } }],
    [
      'a rate limit',
      {
        status: 403,
        headers: { 'retry-after': '3600' },
        body: { message: 'You have exceeded a secondary rate limit' }
      }
    ]
  ])(
    'keeps the verdict and the step status when the create fails with %s',
    async (_name, fault) => {
      const r = await check(slow(10), {
        faults: [{ method: 'POST', path: /\/issues$/, times: 5, ...fault }]
      })
      expect(r.code).toBe(1)
      expect(r.outputs.verdict).toBe('breach')
      expect(r.annotations.filter(a => a.level === 'error')).toHaveLength(1)
      const warning = r.annotations.find(a => a.message.startsWith('Tracking issue'))
      expect(warning).toEqual({
        level: 'warning',
        message: expect.stringMatching(/the verdict stands$/)
      })
      // Only a refusal names the permission: a rate limit or a 422 is not a missing permission.
      expect(warning?.message.includes("'issues: write'")).toBe(_name === '404')
    }
  )

  it('gives up on a slow create after its bound, with the verdict already out', async () => {
    const r = await check(slow(10), {
      inputs: { 'fail-on-breach': 'false' },
      env: { HELM_ROLLING_NOTIFY_TIMEOUT_MS: '1000' },
      faults: [{ method: 'POST', path: /\/issues$/, times: 1, delayMs: 8000 }]
    })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('breach')
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: 'Tracking issue: gave up after 1 s; the verdict stands'
    })
  })

  it('neutralises mentions and references from untrusted text in the body', async () => {
    const r = await check([{ value: 999, conclusion: '@org/team #1' }, ...slow(10)])
    expect(r.outputs.verdict).toBe('breach')
    const body = fake.openIssues()[0].body ?? ''
    expect(body).toContain('not counted')
    expect(body).not.toMatch(/@org|(?<!&)#1/)
    expect(body).toContain('&#64;\u200borg/team &#35;\u200b1')
  })
})

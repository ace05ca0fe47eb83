import { outsideCode } from '../__fixtures__/markdown.js'
import { beforeEach, describe, expect, it } from '@jest/globals'
import type { RunSpec } from '../__fixtures__/history.js'
import { useFakeGitHub, type Scenario } from '../__fixtures__/scenario.js'

/** End to end: the sticky pull request comment, through dist/index.js against the fake GitHub. */
describe('pull request comment through dist/index.js', () => {
  const { fake, run } = useFakeGitHub()
  const PR = 7
  const pullRequest = (headRef = 'feature', headRepo = 'tracecore/tracecore') => ({
    pull_request: {
      number: PR,
      head: { ref: headRef, sha: 'b'.repeat(40), repo: { full_name: headRepo } }
    }
  })
  const onPr = (
    specs: (RunSpec | number | string)[],
    value: string,
    scenario: Scenario & { headRef?: string; headRepo?: string } = {}
  ) =>
    run(specs, {
      ...scenario,
      inputs: { 'pr-comment': 'always', cache: 'false', value, ...scenario.inputs },
      env: {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: `refs/pull/${PR}/merge`,
        ...scenario.env
      },
      payload: pullRequest(scenario.headRef, scenario.headRepo)
    })
  /** Main's history (every sample 100 s) and two earlier runs of the pull request (500 s). */
  const history = (branch = 'feature'): RunSpec[] => [
    { value: 500, branch, event: 'pull_request' },
    { value: 500, branch, event: 'pull_request' },
    ...Array.from({ length: 12 }, () => ({ value: 100 }))
  ]
  const posts = () => fake.apiCalls().filter(c => c.startsWith('POST '))

  beforeEach(() => {
    fake.resetIssues()
    fake.addPullRequest(PR)
    fake.permissions = { issues: 'write', pullRequests: 'write' }
  })

  it('adds one comment, edited in place on the next push', async () => {
    const r = await onPr(history(), '250')
    expect(fake.commentsOn(PR)).toHaveLength(1)
    const body = fake.commentsOn(PR)[0].body
    expect(body).toMatch(/^<!-- helm-rolling-action:pr-comment gate=[0-9a-f]{16} -->/)
    expect(body).toContain('This run: **250 s**')
    // The default history (30 samples, issue 21) holds all 12 of main's runs, so the comment
    // stands this run against a whole window of main's own runs, not the window less this run.
    expect(body).toContain("at the 100th percentile of `main`'s last 10 runs")
    expect(body).toContain("`main`'s history: median 100 s")
    expect(body).toContain('budget 300 s')
    expect(body).toContain(
      '(3, newest first): 250 s, 500 s, 500 s · median 500 s (over the budget)'
    )
    expect(body).toContain('Trend, oldest to newest:')
    expect(body).toContain('One sample is weak evidence')
    // The pull request's samples never enter the default branch's window.
    const counted = (JSON.parse(r.outputs.samples) as { run_id: number }[]).map(s => s.run_id)
    expect(counted).not.toContain(9000)
    expect(counted).not.toContain(8999)
    expect(r.outputs.median).toBe('100')

    const next = await onPr(history(), '260')
    expect(next.code).toBe(0)
    expect(fake.commentsOn(PR)).toHaveLength(1)
    expect(fake.commentsOn(PR)[0].body).toContain('This run: **260 s**')
    expect(posts()).toEqual([])
    expect(fake.apiCalls().filter(c => c.startsWith('PATCH '))).toHaveLength(1)
  })

  it('on-breach comments only over the budget, then keeps the comment current', async () => {
    const under: RunSpec[] = Array.from({ length: 12 }, () => ({ value: 100 }))
    const quiet = await onPr(under, '120', { inputs: { 'pr-comment': 'on-breach' } })
    expect(quiet.stdout).toContain('nothing over the budget')
    expect(fake.commentsOn(PR)).toHaveLength(0)
    await onPr(under, '400', { inputs: { 'pr-comment': 'on-breach' } })
    expect(fake.commentsOn(PR)).toHaveLength(1)
    expect(fake.commentsOn(PR)[0].body).toContain('**400 s** (over the budget)')
    await onPr(under, '120', { inputs: { 'pr-comment': 'on-breach' } })
    expect(fake.commentsOn(PR)).toHaveLength(1)
    expect(fake.commentsOn(PR)[0].body).toContain('This run: **120 s**')
  })

  it("on-breach comments when the pull request's own median is over the budget", async () => {
    await onPr(history(), '120', { inputs: { 'pr-comment': 'on-breach' } })
    expect(fake.commentsOn(PR)).toHaveLength(1)
    expect(fake.commentsOn(PR)[0].body).toContain('median 500 s (over the budget)')
  })

  it("says in one line and skips a fork's pull request, keeping the verdict", async () => {
    const r = await onPr(history(), '250', { headRepo: 'mallory/tracecore' })
    expect(r.outputs.verdict).toBe('pass')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("Pull request comment: a fork's pull request gets a read-only token")
    expect(r.annotations.filter(a => a.level === 'warning')).toEqual([])
    expect(fake.apiCalls().filter(c => c.includes('/issues'))).toEqual([])
  })

  it('warns naming the permission and the input without pull-requests: write', async () => {
    fake.permissions = { issues: 'none', pullRequests: 'read' }
    const r = await onPr(history(), '400')
    expect(r.outputs.verdict).toBe('pass')
    expect(r.code).toBe(0)
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^Pull request comment: .*'permissions: pull-requests: write' for 'pr-comment'; the verdict stands/
      )
    })
    expect(fake.commentsOn(PR)).toHaveLength(0)
  })

  it('shows the branch name raw in a code span: readable, and no mention or reference', async () => {
    const branch = '@org/team#1'
    await onPr(history(branch), '250', { headRef: branch })
    const body = fake.commentsOn(PR)[0].body
    expect(body).toContain('250 s, 500 s, 500 s')
    expect(outsideCode(body)).not.toMatch(/@org|#1/)
    expect(body).toContain('on `@org/team#1` (3, newest first)')
  })

  it('reads a branch with underscores as written, not as entities', async () => {
    const branch = 'dependabot/npm_and_yarn/lodash-4.17.21'
    await onPr(history(branch), '250', { headRef: branch })
    const body = fake.commentsOn(PR)[0].body
    expect(body).toContain('`dependabot/npm_and_yarn/lodash-4.17.21`')
    expect(body).not.toContain('&#')
  })
})

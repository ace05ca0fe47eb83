import { describe, expect, it } from '@jest/globals'
import { outsideCode } from '../__fixtures__/markdown.js'
import { escapeMention } from '../src/core/untrusted/escape.js'
import { MAX_BODY_CHARS, capBody, issueBody } from '../src/render/issue.js'
import { ordinal, percentile, prCommentBody } from '../src/render/pr-comment.js'
import { judge } from '../src/core/verdict/rubric.js'
import {
  COMMENT_INTERVAL_MS,
  gateId,
  isIssueOf,
  issueMarker,
  issueRefusal,
  keepOldest,
  nextIssueStep,
  prCommentStep,
  readState,
  type TrackState
} from '../src/core/notify/tracking.js'
import type { Verdict } from '../src/core/types.js'
import { replayVerdicts } from '../src/core/history/replay.js'
import { makeSample } from '../__fixtures__/run.js'

const sample = makeSample
const rubric = { window: 3, minRuns: 3, budget: 300 }
const now = new Date('2026-11-10T00:00:00Z')
const bodyOptions = {
  workflow: 'chart.yml',
  runUrl: 'https://github.com/o/r/actions/runs/1',
  sha: 'c'.repeat(40),
  closeAfter: 3,
  now
}
const gate = gateId({ workflow: 'chart.yml', artifactName: 'a-{run_id}', match: [] })

describe('gate identity', () => {
  it('differs by workflow, artifact name and match keys, not by their order', () => {
    const id = (workflow: string, artifactName: string, match: string[]) =>
      gateId({ workflow, artifactName, match })
    expect(id('chart.yml', 'a', [])).not.toBe(id('other.yml', 'a', []))
    expect(id('chart.yml', 'a', [])).not.toBe(id('chart.yml', 'b', []))
    expect(id('chart.yml', 'a', ['image-os'])).not.toBe(id('chart.yml', 'a', []))
    expect(id('chart.yml', 'a', ['x', 'y'])).toBe(id('chart.yml', 'a', ['y', 'x']))
  })
})

describe('the state in the marker is read as untrusted', () => {
  const state: TrackState = {
    attributed: 'b'.repeat(40),
    held: 2,
    commented: 'run-12',
    commentedAt: now.toISOString()
  }

  it('round-trips through the marker', () => {
    const body = `${issueMarker(gate, state)}\ntext`
    expect(isIssueOf(body, gate)).toBe(true)
    expect(isIssueOf(body, 'f'.repeat(16))).toBe(false)
    expect(readState(body, gate, new Date())).toEqual(state)
  })

  it.each([
    ['garbage', 'not base64 json!'],
    ['a list', Buffer.from('[1,2]').toString('base64url')],
    [
      'bad fields',
      Buffer.from(
        JSON.stringify({ attributed: '@org/team', held: 1e9, commented: 5, commentedAt: 'soon' })
      ).toString('base64url')
    ]
  ])('turns %s into a fresh or clamped state', (_name, data) => {
    const read = readState(
      `<!-- helm-rolling-action:issue gate=${gate} state=${data} -->`,
      gate,
      new Date()
    )
    expect(read.attributed).toBeUndefined()
    expect(read.commented).toBeUndefined()
    expect(read.commentedAt).toBeUndefined()
    expect(read.held).toBeLessThanOrEqual(1000)
  })
})

describe('the lifecycle', () => {
  const open = (s: Partial<TrackState> = {}): TrackState => ({ held: 1, ...s })
  const step = (
    verdict: 'pass' | 'breach' | 'insufficient',
    state?: TrackState,
    attribution?: string,
    recent: readonly Verdict[] = ['pass', 'pass', 'pass']
  ) => nextIssueStep({ verdict, recent: [...recent], open: state, attribution, now })

  it('opens on a breach with the attribution as already told', () => {
    expect(step('breach', undefined, 'run-5')).toEqual({
      kind: 'open',
      state: { attributed: 'run-5', held: 1, commented: 'run-5' }
    })
  })

  it('comments only on a new attribution held for two checks, at most once a day', () => {
    const first = step('breach', open({ attributed: 'run-5', commented: 'run-5' }), 'run-9')
    expect(first).toMatchObject({
      kind: 'update',
      comment: false,
      state: { attributed: 'run-9', held: 1 }
    })
    const second = step('breach', open({ attributed: 'run-9', commented: 'run-5' }), 'run-9')
    expect(second).toMatchObject({
      kind: 'update',
      comment: true,
      state: { commented: 'run-9', held: 2 }
    })
    const soon = new Date(now.getTime() - COMMENT_INTERVAL_MS + 1000).toISOString()
    const again = step(
      'breach',
      open({ attributed: 'run-9', commented: 'run-5', commentedAt: soon }),
      'run-9'
    )
    expect(again).toMatchObject({ kind: 'update', comment: false })
    const told = step('breach', open({ attributed: 'run-9', held: 5, commented: 'run-9' }), 'run-9')
    expect(told).toMatchObject({ kind: 'update', comment: false })
    expect(step('breach', open({ attributed: undefined }), undefined)).toMatchObject({
      comment: false
    })
  })

  it('reads a split that wobbles by one run as the same shift: no new comment', () => {
    const told = open({ attributed: 'run-5', held: 3, commented: 'run-5' })
    // The split moved from run 5 to run 6; run 5 is now the last run before it.
    const wobble = nextIssueStep({
      verdict: 'breach',
      recent: [],
      open: told,
      attribution: 'run-6',
      nearby: ['run-5', 'run-6', 'run-7'],
      now
    })
    expect(wobble).toMatchObject({ kind: 'update', comment: false, state: { held: 4 } })
    // Two runs away is another shift: it holds for two checks, then is commented on.
    const moved = { ...told, attributed: 'run-9', held: 1 }
    const far = nextIssueStep({
      verdict: 'breach',
      recent: [],
      open: moved,
      attribution: 'run-9',
      nearby: ['run-8', 'run-9', 'run-10'],
      now
    })
    expect(far).toMatchObject({ kind: 'update', comment: true, state: { commented: 'run-9' } })
  })

  it('closes only on a pass at every recent position, and never on insufficient', () => {
    expect(step('pass', open())).toEqual({ kind: 'close' })
    expect(step('pass', open(), undefined, ['pass', 'pass', 'breach'])).toEqual({ kind: 'none' })
    expect(step('pass', open(), undefined, ['pass', 'insufficient', 'pass'])).toEqual({
      kind: 'none'
    })
    expect(step('insufficient', open())).toEqual({ kind: 'none' })
    expect(step('pass', undefined)).toEqual({ kind: 'none' })
  })

  it('replays the verdicts in the decide mode in use: confident leaves 7 of 10 inconclusive', () => {
    const values = [310, 310, 310, 310, 310, 310, 310, 290, 290, 290, 290]
    const history = values.map((v, i) => sample(20 - i, v))
    const rule = (decide: 'rubric' | 'confident') => ({
      rubric: { window: 10, minRuns: 10, budget: 300, decide },
      history: { size: 10, minShift: 15, match: [] }
    })
    expect(replayVerdicts(history, 2, rule('rubric'))).toEqual(['breach', 'breach'])
    expect(replayVerdicts(history, 2, rule('confident'))).toEqual(['inconclusive', 'inconclusive'])
  })

  it('keeps the oldest of duplicates', () => {
    expect(keepOldest([{ number: 9 }, { number: 4 }, { number: 6 }])).toEqual({
      keep: { number: 4 },
      close: [{ number: 6 }, { number: 9 }]
    })
  })
})

describe('only the default branch of the repository itself opens an issue', () => {
  const where = {
    eventName: 'push',
    ref: 'refs/heads/main',
    repository: 'o/r',
    checked: 'o/r',
    defaultBranch: 'main',
    branch: 'main'
  }
  it.each([
    ['a pull request', { eventName: 'pull_request' }, 'this is a pull_request event'],
    [
      'pull_request_target',
      { eventName: 'pull_request_target' },
      'this is a pull_request_target event'
    ],
    [
      'another branch',
      { ref: 'refs/heads/feature' },
      'only runs on the default branch main may; this one is on refs/heads/feature'
    ],
    [
      'another judged branch',
      { branch: 'release' },
      'the check judges branch release, not the default branch main'
    ],
    [
      'another repository',
      { checked: 'o/other' },
      'the check reads o/other, not the repository running it'
    ],
    ['no payload', { defaultBranch: undefined }, 'the default branch is not known']
  ])('refuses %s', (_name, change, reason) => {
    expect(issueRefusal({ ...where, ...change })).toBe(reason)
  })
  it('accepts the default branch', () => {
    expect(issueRefusal(where)).toBeUndefined()
    expect(
      issueRefusal({ ...where, eventName: 'workflow_dispatch', repository: 'O/R' })
    ).toBeUndefined()
  })
})

describe('pull request comment', () => {
  it('on-breach starts only over the budget, then keeps editing', () => {
    const facts = { mode: 'on-breach' as const, budget: 300, prMedian: 200, exists: false }
    expect(prCommentStep({ ...facts, current: 250 })).toBe('none')
    expect(prCommentStep({ ...facts, current: 301 })).toBe('create')
    expect(prCommentStep({ ...facts, current: 250, prMedian: 300.5 })).toBe('create')
    expect(prCommentStep({ ...facts, current: 250, exists: true })).toBe('update')
    expect(prCommentStep({ ...facts, mode: 'always', current: 1 })).toBe('create')
    expect(prCommentStep({ ...facts, mode: 'off', current: 999, exists: true })).toBe('none')
  })

  it('ranks and words the percentile', () => {
    expect(percentile(150, [100, 150, 200, 250])).toBe(38)
    expect(percentile(1, [])).toBeUndefined()
    expect([1, 2, 3, 11, 12, 13, 21, 90, 100].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '11th',
      '12th',
      '13th',
      '21st',
      '90th',
      '100th'
    ])
  })
})

describe('bodies are escaped and bounded', () => {
  it('neutralises mentions and references', () => {
    const out = escapeMention('ping @org/team about #1, o/r#2 and GH-3')
    expect(out).not.toMatch(/@org|(?<!&)#\d|GH-\d/)
    expect(out).toContain('&#35;\u200b1')
    expect(out).toContain('GH&#45;\u200b3')
  })

  it('keeps the issue body under the limit for a window of 1,000 and many skips', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => sample(5000 - i, 400))
    const skipped = Array.from({ length: 500 }, (_, i) => ({
      run_id: i,
      reason: '@org/team #1 '.repeat(30)
    }))
    const report = judge(samples, skipped, { ...rubric, window: 1000 }, 'o/r · chart.yml · main')
    const body = issueBody(issueMarker(gate, { held: 1 }), report, bodyOptions)
    expect(body.length).toBeLessThan(65_536)
    expect(body.startsWith(issueMarker(gate, { held: 1 }))).toBe(true)
    expect(body).toContain('and 950 older')
    expect(body).not.toMatch(/@org|(?<!&)#1/)
    expect(capBody('x\n'.repeat(40_000)).length).toBeLessThanOrEqual(MAX_BODY_CHARS)
  })

  it('shows branch names raw in code spans, where nothing is markup, a mention or a reference', () => {
    const stats = judge([sample(1, 100)], [], rubric, '').stats
    const body = prCommentBody({
      marker: '<!-- m -->',
      workflow: 'chart.yml',
      budget: 300,
      current: 120,
      base: { branch: 'main', values: [100], stats },
      pr: { branch: '@org/team#1 <b>`x', values: [120], median: 120 },
      now
    })
    expect(outsideCode(body)).not.toMatch(/@org|#1|<b>/)
    expect(body).toContain('`` @org/team#1 <b>`x ``')
    expect(body).toContain('Trend: one sample so far.')
  })
})

describe('the issue names an environment change at the shift', () => {
  it('says which key changed, with both values escaped', () => {
    const report = judge([sample(3, 400), sample(2, 390), sample(1, 200)], [], rubric, '')
    const before = { ...sample(1, 200), head_sha: 'a'.repeat(40) }
    const after = { ...sample(2, 390), head_sha: 'b'.repeat(40) }
    report.change = {
      result: {
        kind: 'shift',
        method: 'scan',
        index: 1,
        shift: 190,
        before: 200,
        after: 395,
        z: 2,
        p: 0.01
      },
      count: 3,
      minShift: 15,
      autocorrelation: null,
      firstAfter: after,
      lastBefore: before,
      environment: { value: { 'image-version': ['20261115.1', '#7 @org/team'] } }
    }
    const body = issueBody(issueMarker(gate, { held: 1 }), report, bodyOptions)
    expect(body).toContain('image-version 20261115.1')
    expect(body).toContain('so did the commit')
    expect(body).not.toMatch(/@org|(?<!&)#7/)
  })
})

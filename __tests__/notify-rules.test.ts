import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { makeSample } from '../__fixtures__/run.js'
import { readLocalSamples } from '../src/cli/dir.js'
import { lookbackWarning, readConfig } from '../src/core/inputs/config.js'
import { judge } from '../src/core/verdict/rubric.js'
import {
  issueMarker,
  issueRefusal,
  nextIssueStep,
  prCommentStep,
  readState,
  writtenBy
} from '../src/core/notify/tracking.js'
import type { Sample } from '../src/core/types.js'
import { spanLine } from '../src/render/environment.js'
import { issueBody, overCount } from '../src/render/issue.js'
import { prCommentBody } from '../src/render/pr-comment.js'
import { overLine } from '../src/render/wording.js'

/** The rules of issue 26 that need no network: counts, text, untrusted keys, dates, numbers. */
const now = new Date('2026-11-10T00:00:00Z')
const gate = 'a'.repeat(16)
const where = {
  workflow: 'chart_ci.yml',
  runUrl: 'https://github.com/o/r/actions/runs/1',
  sha: 'c'.repeat(40),
  closeAfter: 3,
  now
}

describe('over the budget, counted as printed', () => {
  // 300.0004 s prints as 300 s: at the 300 s budget, not over it, as the verdict compares.
  const values = [...Array.from({ length: 5 }, () => 300.0004), 400, 400, 400, 400, 400]
  const samples = values.map((v, i) => makeSample(100 - i, v))
  const report = judge(samples, [], { window: 10, minRuns: 5, budget: 300 }, 'o/r')

  it('says the same count in the issue as in the summary line', () => {
    expect(overLine(report)).toBe('5 of 10 runs over the 300 s budget')
    expect(overCount(report)).toBe('5 of 10 runs over the budget')
    const body = issueBody(issueMarker(gate, { held: 1 }), report, where)
    expect(body.match(/⬆/g)).toHaveLength(5)
  })

  it('does not call a sample that prints as the budget over it in the comment', () => {
    const body = prCommentBody({
      marker: '<!-- m -->',
      workflow: 'chart.yml',
      budget: 300,
      current: 300.0004,
      base: { branch: 'main', values: [100], stats: report.stats },
      pr: { branch: 'feature', values: [300.0004], median: 300.0004 },
      now
    })
    expect(body).toContain('This run: **300 s**,')
    expect(body).not.toContain('over the budget')
    const step = prCommentStep({
      mode: 'on-breach',
      budget: 300,
      current: 300.0004,
      prMedian: 300.0004,
      exists: false
    })
    expect(step).toBe('none')
  })

  it('shows the workflow name raw in its code span', () => {
    const body = issueBody(issueMarker(gate, { held: 1 }), report, where)
    expect(body).toContain('run `chart_ci.yml` by hand')
    expect(body).not.toContain('&#95;')
  })
})

describe('untrusted keys, dates and numbers', () => {
  it('reads an environment key named constructor as its own value only', () => {
    const samples: Sample[] = ['a', 'b'].map((v, i) => ({
      ...makeSample(10 - i, 100),
      environment: { constructor: v }
    }))
    const line = spanLine(samples) ?? ''
    expect(line).toBe('The window spans two values of constructor: b (1 run), a (1 run)')
    expect(line).not.toContain('native code')
  })

  it('reads a date in the future in the marker as no date, so comments go on', () => {
    const marker = issueMarker(gate, {
      attributed: 'run-5',
      held: 1,
      commented: 'run-4',
      commentedAt: '9999-01-01T00:00:00.000Z'
    })
    const state = readState(marker, gate, now)
    expect(state.commentedAt).toBeUndefined()
    const step = nextIssueStep({
      verdict: 'breach',
      recent: [],
      open: state,
      attribution: 'run-5',
      now
    })
    expect(step).toMatchObject({ kind: 'update', comment: true })
  })

  it('takes an id from the folder when metadata.json holds numbers that are not whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dir-numbers-'))
    const folder = (name: string, meta: string) => {
      mkdirSync(join(dir, name))
      writeFileSync(join(dir, name, 'install_to_ready_seconds.txt'), '100\n')
      writeFileSync(join(dir, name, 'metadata.json'), meta)
    }
    folder('helm-install-duration-5', '{"run_id":5,"run_number":3}')
    folder('99999999999999999999', '{"run_id":1e999,"run_number":-7.5}')
    folder('helm-install-duration-4', '{"run_id":1e999,"run_number":2.5}')
    const { samples } = await readLocalSamples(
      dir,
      {
        template: 'helm-install-duration-{run_id}',
        file: 'install_to_ready_seconds.txt',
        lookback: 10
      },
      10
    )
    expect(samples.map(s => [s.run_id, s.run_number])).toEqual([
      [5, 3],
      [4, 0],
      [0, 0]
    ])
  })
})

describe('who may write, and what the issue step says', () => {
  it("tells the token's own text from anyone else's", () => {
    expect(writtenBy('github-actions[bot]', { kind: 'bot' })).toBe(true)
    expect(writtenBy('mallory', { kind: 'bot' })).toBe(false)
    expect(writtenBy(undefined, { kind: 'bot' })).toBe(false)
    expect(writtenBy('OctoCat', { kind: 'login', login: 'octocat' })).toBe(true)
    expect(writtenBy('github-actions[bot]', { kind: 'login', login: 'octocat' })).toBe(false)
  })

  it('names the judged branch when it is not the default branch', () => {
    expect(
      issueRefusal({
        eventName: 'push',
        ref: 'refs/heads/main',
        repository: 'o/r',
        checked: 'o/r',
        defaultBranch: 'main',
        branch: 'release'
      })
    ).toBe('the check judges branch release, not the default branch main')
  })

  it('warns when lookback cannot hold the runs that closing the issue needs', () => {
    const env = {
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/chart.yml@refs/heads/main'
    }
    const config = (inputs: Record<string, string>) =>
      readConfig(name => ({ 'github-token': 't', window: '10', ...inputs })[name] ?? '', env)
    expect(lookbackWarning(config({ issue: 'true', lookback: '10' }), true)).toBe(
      "'lookback' 10 is smaller than the 11 runs that closing the tracking issue needs from the history ('window' 10 + 'issue-close-after' 3 - 1, less this run's value): an open issue would never close"
    )
    expect(lookbackWarning(config({ issue: 'true', lookback: '11' }), true)).toBeUndefined()
    expect(lookbackWarning(config({ issue: 'true', lookback: '11' }), false)).toContain('12 runs')
    expect(lookbackWarning(config({ lookback: '10' }), true)).toBeUndefined()
  })
})

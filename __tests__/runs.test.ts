import { describe, expect, it } from '@jest/globals'
import { makeRun } from '../__fixtures__/run.js'
import type { RunFilter } from '../src/core/inputs/config.js'
import { excludeReason, type Run } from '../src/github/runs.js'

const base: Run = makeRun(7, { run_number: 3 })
const filter: RunFilter = {
  branch: 'main',
  conclusions: ['success', 'failure'],
  allowForks: false,
  currentRunId: 99
}

describe('excludeReason', () => {
  it('counts a run of our own repository on the branch', () => {
    expect(excludeReason(base, filter)).toBeUndefined()
  })
  it('counts a failure run (else every slow run would drop out)', () => {
    expect(excludeReason({ ...base, conclusion: 'failure' }, filter)).toBeUndefined()
  })
  it.each([
    [{ conclusion: 'cancelled' }, /conclusion cancelled/],
    [{ conclusion: 'skipped' }, /conclusion skipped/],
    [{ status: 'in_progress', conclusion: null }, /not completed/],
    [{ head_branch: 'feature' }, /another branch/],
    [{ id: 99 }, /current run/],
    [{ head_repository: { id: 2, full_name: 'mallory/r' } }, /fork/],
    [{ head_repository: null }, /fork/],
    // The fields GitHub's description allows to be null, each alone.
    [{ head_branch: null }, /another branch/],
    [{ status: null }, /not completed \(null\)/],
    [{ conclusion: null }, /conclusion none is not counted/]
  ])('skips %j', (change, reason) => {
    expect(excludeReason({ ...base, ...change } as Run, filter)).toMatch(reason)
  })
  it('counts a fork only with allow-forks', () => {
    const fork = { ...base, head_repository: { id: 2, full_name: 'mallory/r' } }
    expect(excludeReason(fork, { ...filter, allowForks: true })).toBeUndefined()
  })
  it('filters by event when asked', () => {
    expect(excludeReason({ ...base, event: 'pull_request' }, { ...filter, event: 'push' })).toMatch(
      /pull_request/
    )
  })
})

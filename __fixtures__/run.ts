import type { Sample } from '../src/core/types.js'
import type { Run } from '../src/github/runs.js'

/** A completed, successful main-branch run of our own repository, for unit tests. */
export function makeRun(id: number, change: Partial<Run> = {}): Run {
  return {
    id,
    run_number: id,
    head_branch: 'main',
    head_sha: 'a'.repeat(40),
    event: 'push',
    status: 'completed',
    conclusion: 'success',
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-01T00:05:00Z',
    html_url: `https://github.com/o/r/actions/runs/${id}`,
    repository: { id: 1, full_name: 'o/r' },
    head_repository: { id: 1, full_name: 'o/r' },
    ...change
  }
}

/** A counted sample of run `run_id`, for unit tests. */
export function makeSample(run_id: number, value: number): Sample {
  return {
    run_id,
    run_number: run_id,
    value,
    head_sha: 'a'.repeat(40),
    created_at: '2026-11-01T00:00:00Z',
    html_url: `https://github.com/o/r/actions/runs/${run_id}`,
    conclusion: 'success'
  }
}

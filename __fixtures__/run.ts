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

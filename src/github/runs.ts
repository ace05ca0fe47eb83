import type { RestEndpointMethodTypes } from '@octokit/rest'
import type { RunFilter, RunQuery } from '../core/inputs/config.js'
import { ResponseShapeError } from '../core/errors.js'
import { cleanDate, cleanSha } from '../core/untrusted/parse.js'
import type { BodyCheck, Client } from './client.js'
import { explain } from './failures.js'
import { listPages } from './listing.js'

/** A workflow run as GitHub's REST documentation describes it. */
type ListedRun =
  RestEndpointMethodTypes['actions']['listWorkflowRuns']['response']['data']['workflow_runs'][number]

interface RepositoryRef {
  id: number
  full_name: string
}

/** The fields of a workflow run that the check reads; everything else is ignored. */
export type Run = Pick<
  ListedRun,
  'id' | 'run_number' | 'head_sha' | 'event' | 'created_at' | 'updated_at' | 'html_url'
> & {
  head_branch: string | null
  /** The latest attempt (1 unless re-run): a completed attempt's jobs never change. */
  run_attempt?: number
  status: string | null
  conclusion: string | null
  repository: RepositoryRef
  head_repository: RepositoryRef | null
}

/**
 * Decides whether a listed run may hold a sample. Returns undefined when it may, or the reason
 * it does not count. Pure, so every rule is testable without a server.
 */
export function excludeReason(run: Run, filter: RunFilter): string | undefined {
  if (run.id === filter.currentRunId) return 'the current run (its sample is the value input)'
  if (run.status !== 'completed') return `not completed (${run.status})`
  if (!run.conclusion || !filter.conclusions.includes(run.conclusion)) {
    return `conclusion ${run.conclusion ?? 'none'} is not counted`
  }
  if (run.head_branch !== filter.branch) return 'ran on another branch'
  if (filter.event && run.event !== filter.event) return `triggered by ${run.event}`
  // A fork's pull request can run on a branch named like ours: only the head repository tells.
  if (!filter.allowForks && run.head_repository?.id !== run.repository.id)
    return 'head repository is a fork'
  return undefined
}

/**
 * Completed runs of the workflow on the branch, newest first, one page of up to 100 at a time,
 * never more than `lookback` runs. Pages are fetched only when the caller asks for more.
 */
export function listRuns(client: Client, query: RunQuery): AsyncGenerator<Run[]> {
  return listPages(client, {
    route: 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
    params: {
      owner: query.owner,
      repo: query.repo,
      workflow_id: query.workflow,
      branch: query.branch,
      event: query.event,
      status: 'completed',
      exclude_pull_requests: true
    },
    key: 'workflow_runs',
    parse: toRun,
    id: run => run.id,
    maxItems: query.lookback,
    perPage: Math.min(100, query.lookback),
    what: 'the workflow runs listing'
  })
}

function toRun(raw: unknown): Run {
  const run = raw as Partial<Run>
  if (
    typeof run !== 'object' ||
    run === null ||
    typeof run.id !== 'number' ||
    typeof run.run_number !== 'number' ||
    typeof run.repository?.id !== 'number'
  ) {
    throw new ResponseShapeError('a workflow run in the listing is not the expected JSON')
  }
  return {
    id: run.id,
    run_number: run.run_number,
    head_branch: typeof run.head_branch === 'string' ? run.head_branch : null,
    run_attempt:
      Number.isSafeInteger(run.run_attempt) && Number(run.run_attempt) > 0 ? run.run_attempt : 1,
    head_sha: cleanSha(run.head_sha),
    event: String(run.event ?? ''),
    status: typeof run.status === 'string' ? run.status : null,
    conclusion: typeof run.conclusion === 'string' ? run.conclusion : null,
    created_at: cleanDate(run.created_at),
    // When the run last changed: for a completed run, when it completed.
    updated_at: cleanDate(run.updated_at),
    html_url:
      typeof run.html_url === 'string' && /^https?:\/\//.test(run.html_url) ? run.html_url : '',
    repository: { id: run.repository.id, full_name: String(run.repository.full_name ?? '') },
    head_repository:
      typeof run.head_repository?.id === 'number'
        ? { id: run.head_repository.id, full_name: String(run.head_repository.full_name ?? '') }
        : null
  }
}

export async function defaultBranch(client: Client, owner: string, repo: string): Promise<string> {
  try {
    const expect: BodyCheck = data =>
      typeof (data as { default_branch?: unknown } | null)?.default_branch === 'string'
        ? undefined
        : 'the repository is not the expected JSON'
    const { data } = await client.octokit.rest.repos.get({ owner, repo, request: { expect } })
    return data.default_branch
  } catch (error) {
    throw new Error(explain(error, `Reading the default branch of ${owner}/${repo}`))
  }
}

/**
 * Telling people where they look: the tracking issue and the pull request comment, both
 * opt-in and optional. Run after the verdict is published, bounded in time as a whole, and
 * every failure (a missing permission, a 422, a rate limit, the bound) is one warning: the
 * verdict and the step's status never depend on them.
 */
import * as core from '@actions/core'
import { check } from './check.js'
import { checkSpan } from './job-history.js'
import { JobReader } from './job-reader.js'
import { spanIdentity } from '../core/history/job-span.js'
import { pullRequestPlan, type CheckPlan, type Config } from '../core/inputs/config.js'
import type { RunnerContext } from '../io/context.js'
import { errorMessage } from '../core/errors.js'
import { Client } from '../github/client.js'
import { RateLimited, explain, httpStatus } from '../github/failures.js'
import { defaultBranch } from '../github/runs.js'
import { escapeLog } from '../core/untrusted/escape.js'
import { gateId, issueRefusal, placeRefusal } from '../core/notify/tracking.js'
import type { Report, Sample } from '../core/types.js'
import { trackIssue } from './tracking-issue.js'
import { stickyComment } from './pr-comment.js'
import { Ownership } from './ownership.js'

/** The most both parts may take together; the check itself is already done. */
export const NOTIFY_TIMEOUT_MS = 30_000

export interface NotifyRequest {
  config: Config
  context: RunnerContext
  /** The check as it ran: the pull request's own samples are read the same way. */
  plan: CheckPlan
  current?: Sample
  /** The check's client: its options, and its meter, which counts these requests too. */
  client: Client
  /** The `match` keys of the gate (like for like), when given. */
  match?: readonly string[]
  timeoutMs?: number
}

/**
 * Runs both parts within their bound; answers the `issue-number` output ('' for none) when
 * `issue` is on, for the caller to write through the guard every output goes through.
 */
export async function notify(report: Report, request: NotifyRequest): Promise<string | undefined> {
  const { config } = request
  if (!config.issue && config.prComment === 'off') return undefined
  const bound = new AbortController()
  const limit = request.timeoutMs ?? NOTIFY_TIMEOUT_MS
  const timer = setTimeout(() => bound.abort(), limit)
  // Its own client: one retry, short rate-limit waits, and the bound on every request.
  const client = new Client(
    config.token,
    { ...request.client.options, retries: 1, maxWaitSeconds: 10, signal: bound.signal },
    request.client.usage
  )
  const ownership = new Ownership(client, config.token)
  const gate = gateId({
    workflow: config.workflow,
    artifactName: config.artifactName,
    match: request.match ?? [],
    ...(request.plan.span ? { span: spanIdentity(request.plan.span) } : {})
  })
  const failed = (what: string, permission: string, input: string) => (error: unknown) =>
    core.warning(
      escapeLog(
        bound.signal.aborted
          ? `${what}: gave up after ${limit / 1000} s; the verdict stands`
          : writeFailure(error, what, permission, input),
        600
      )
    )
  let issueNumber: number | undefined
  try {
    if (config.issue)
      await issueStep(client, report, request, {
        gate,
        ownership,
        known: n => (issueNumber = n)
      }).catch(failed('Tracking issue', 'issues: write', 'issue'))
    if (config.prComment !== 'off')
      await commentStep(client, report, request, gate, ownership).catch(
        failed('Pull request comment', 'pull-requests: write', 'pr-comment')
      )
  } finally {
    clearTimeout(timer)
  }
  return config.issue ? String(issueNumber ?? '') : undefined
}

interface IssueHooks {
  gate: string
  ownership: Ownership
  known: (number: number | undefined) => void
}

async function issueStep(
  client: Client,
  report: Report,
  request: NotifyRequest,
  hooks: IssueHooks
): Promise<void> {
  const { config, context } = request
  const where = {
    eventName: context.eventName,
    ref: context.ref,
    repository: context.repository,
    checked: `${config.owner}/${config.repo}`,
    branch: request.plan.runs.branch
  }
  const refusal =
    placeRefusal(where) ??
    issueRefusal({ ...where, defaultBranch: await homeDefaultBranch(client, request) })
  if (refusal) {
    core.info(`Tracking issue: not from this run (${escapeLog(refusal)})`)
    return
  }
  await trackIssue(client, report, {
    ...hooks,
    ref: { owner: config.owner, repo: config.repo },
    labels: config.issueLabels,
    rule: { rubric: request.plan.rubric, history: request.plan.history },
    where: {
      workflow: config.workflow,
      runUrl: `${context.serverUrl}/${context.repository}/actions/runs/${context.runId ?? 0}`,
      sha: context.sha,
      closeAfter: config.issueCloseAfter,
      now: new Date()
    }
  })
}

/**
 * The default branch of the repository running the check: the event payload's, else (a
 * `schedule` payload may lack `repository`) the branch the check resolved from the API when
 * no `branch` was given, else the API's answer.
 */
async function homeDefaultBranch(client: Client, request: NotifyRequest): Promise<string> {
  const { config, context, plan } = request
  const own = context.payloadRepository
  if (own?.fullName.toLowerCase() === context.repository.toLowerCase()) return own.defaultBranch
  if (config.branch === undefined) return plan.runs.branch
  return defaultBranch(client, config.owner, config.repo)
}

async function commentStep(
  client: Client,
  report: Report,
  request: NotifyRequest,
  gate: string,
  ownership: Ownership
): Promise<void> {
  const { config, context, plan } = request
  const pr = context.pullRequest
  if (context.eventName !== 'pull_request' || !pr) {
    core.info('Pull request comment: this run is not a pull_request event')
    return
  }
  if (pr.headRepository?.toLowerCase() !== context.repository.toLowerCase()) {
    core.info(
      "Pull request comment: a fork's pull request gets a read-only token, so no comment; docs/notifications.md gives a workflow_run recipe"
    )
    return
  }
  await stickyComment(client, report, {
    ref: { owner: config.owner, repo: config.repo },
    gate,
    mode: config.prComment,
    pr,
    workflow: config.workflow,
    baseBranch: plan.runs.branch,
    readOwn: () => readOwnSamples(client, pullRequestPlan(plan, pr.headRef), request.current),
    ownership,
    now: new Date()
  })
}

/** One line naming what failed, and for a refusal the permission and the input behind it. */
export function writeFailure(
  error: unknown,
  what: string,
  permission: string,
  input: string
): string {
  const status = httpStatus(error)
  const stands = 'the verdict stands'
  if (status === 403 && !(error instanceof RateLimited))
    return `${what}: GitHub refused it (403 ${errorMessage(error)}): the job needs 'permissions: ${permission}' for '${input}'; ${stands}`
  if (status === 404)
    return `${what}: not found (404): the token may lack '${permission}' for '${input}', or the repository has issues turned off; ${stands}`
  if (status === 422)
    return `${what}: GitHub refused the content (422 ${errorMessage(error)}); ${stands}`
  return `${explain(error, what)}; ${stands}`
}

/** The pull request's own samples, from the same source as the check (artifacts or job timings). */
function readOwnSamples(
  client: Client,
  plan: CheckPlan,
  current: Sample | undefined
): Promise<Report> {
  if (!plan.span) return check(client, { ...plan, current })
  const reader = new JobReader(client, { owner: plan.runs.owner, repo: plan.runs.repo })
  return checkSpan(client, {
    plan,
    span: Promise.resolve(plan.span),
    current: Promise.resolve(current),
    reader
  })
}

import * as core from '@actions/core'
import {
  preloadCacheClient,
  restoreJobSamples,
  type CacheHost,
  type JobCacheScope
} from '../cache/sample-cache.js'
import type { CheckPlan, Config } from '../core/inputs/config.js'
import { escapeLog } from '../core/untrusted/escape.js'
import type { JobBook } from '../core/history/job-book.js'
import { spanIdentity, type SpanSpec } from '../core/history/job-span.js'
import type { Report } from '../core/types.js'
import type { Client } from '../github/client.js'
import { afterRequestsSent, requestsSent } from '../github/transport.js'
import type { RunnerContext } from '../io/context.js'
import { readCurrentRun, type CurrentRead } from './current-run.js'
import { JobReader } from './job-reader.js'
import { checkSpan } from './job-history.js'

export interface JobCheckRequest {
  config: Config
  context: RunnerContext
  plan: CheckPlan
  /** The Actions cache, when wanted: job samples need no digest, so GHES uses it too. */
  cache?: { host: CacheHost; timeoutMs?: number }
  rereadMs?: number
}

export interface JobCheck {
  report: Report
  /** The plan with the job resolved: the gate's identity (issue, comment, cache) names it. */
  plan: CheckPlan
  /** The book the cache restored and this check added to, with its scope, for the save. */
  book?: JobBook
  scope: JobCacheScope
}

/**
 * The action's check from job timings: this run's jobs (which job is this step's, and its own
 * span), the runs listing and every run's jobs at once, the cache restored once the job is
 * known and the listings are on the wire.
 */
export async function checkJobTimings(client: Client, request: JobCheckRequest): Promise<JobCheck> {
  const { config, context, plan } = request
  const reader = new JobReader(client, { owner: config.owner, repo: config.repo })
  // The runs listing and this run's jobs (none when another workflow is read).
  const listingsSent = afterRequestsSent(requestsSent() + (config.otherWorkflow ? 1 : 2))
  const currentRead = readCurrent(reader, request)
  const span = currentRead.then(read => read.span)
  const scope = span.then(resolved => cacheScope(config, resolved))
  // Started once the job is known and both listings are on the wire, so that loading the
  // cache client (CPU-bound) overlaps their round trips.
  const cache = request.cache
  if (cache) void listingsSent.then(preloadCacheClient)
  const restoring = cache
    ? Promise.all([scope, listingsSent]).then(([resolved]) =>
        restoreJobSamples(resolved, cache.host, cache.timeoutMs)
      )
    : undefined
  // Rejections are handled where these are awaited; this keeps them from counting as unhandled.
  for (const pending of [currentRead, restoring]) pending?.catch(() => undefined)
  const report = await checkSpan(client, {
    plan,
    span,
    current: currentRead.then(read => read.current),
    reader,
    book: restoring && (() => restoring),
    newestUncached: context.runNumber && !config.otherWorkflow ? context.runNumber - 1 : undefined
  })
  const read = await currentRead
  if (read.note) core.info(escapeLog(read.note, 600))
  return {
    report,
    plan: { ...plan, span: read.span },
    book: await restoring,
    scope: await scope
  }
}

/** This run's jobs, unless the check reads another workflow (then `job` names the job). */
function readCurrent(reader: JobReader, request: JobCheckRequest): Promise<CurrentRead> {
  const { config, context } = request
  const steps = config.jobs?.steps
  const job = config.jobs?.job
  if (config.otherWorkflow || !context.runId) {
    if (job === undefined)
      return Promise.reject(
        new Error("Cannot tell which job this step runs in outside a workflow run; give 'job'")
      )
    return Promise.resolve({ span: { job: { text: job, exact: false }, steps } })
  }
  return readCurrentRun({
    reader,
    runId: context.runId,
    runNumber: context.runNumber ?? 0,
    runnerName: context.runnerName,
    job,
    steps,
    sha: context.sha,
    htmlUrl: `${context.serverUrl}/${config.owner}/${config.repo}/actions/runs/${context.runId}`,
    rereadMs: request.rereadMs
  })
}

/** The cache's scope: the workflow, the job as resolved, and the span as given. */
export function cacheScope(config: Config, span: SpanSpec): JobCacheScope {
  return {
    owner: config.owner,
    repo: config.repo,
    workflow: config.workflow,
    span: spanIdentity(span)
  }
}

import { judgeRead } from '../core/history/replay.js'
import type { CheckPlan } from '../core/inputs/config.js'
import type { JobBook } from '../core/history/job-book.js'
import type { SpanSpec } from '../core/history/job-span.js'
import type { HistoryRead, Reach, Report, Sample, Skip } from '../core/types.js'
import type { Client } from '../github/client.js'
import type { JobReader } from './job-reader.js'
import { JobSource } from './job-source.js'
import { collectFrom } from './source.js'

export interface SpanCheckOptions {
  /** The plan; its `span` is ignored: `span` below says which job and steps. */
  plan: CheckPlan
  span: Promise<SpanSpec>
  /** This run's own sample, once read (undefined: this run is not counted). */
  current?: Promise<Sample | undefined>
  reader: JobReader
  book?: () => Promise<JobBook | undefined>
  newestUncached?: number
}

/**
 * The history from job timings, judged: the plan's runs, each run's span read from its jobs
 * (or the cache), this run's own span as the newest sample when it has ended.
 */
export async function checkSpan(client: Client, options: SpanCheckOptions): Promise<Report> {
  const { plan } = options
  const read = await readSpanHistory(client, options)
  const report = judgeRead(read, { rubric: plan.rubric, history: plan.history })
  const window = read.samples.slice(0, plan.history.size)
  return { ...report, reach: reachOf(window, read.skipped) }
}

/**
 * The one read of the history from job timings: up to `depth` samples (default the plan's
 * history; the command's backtest reads deeper), this run's own first when it counts.
 */
export async function readSpanHistory(
  client: Client,
  options: SpanCheckOptions & { depth?: number }
): Promise<HistoryRead> {
  const { plan } = options
  const depth = Math.max(options.depth ?? 0, plan.history.size)
  const source = new JobSource(options)
  // Whether this run counts is known only once its jobs are read: one more run is read
  // meanwhile, and the oldest dropped when this run counts, so nothing waits on it.
  const collected = await collectFrom(client, plan, source, depth)
  const [current, span] = await Promise.all([options.current, options.span])
  const samples = (current ? [current, ...collected.samples] : collected.samples).slice(0, depth)
  return { samples, skipped: collected.skipped, source: label(plan, span) }
}

/** A skip that says a name was not found: where a renamed job or step stops the history. */
const NOT_FOUND = /^no (job|step) named /

function reachOf(history: readonly Sample[], skipped: readonly Skip[]): Reach {
  const stop = skipped.find(skip => NOT_FOUND.test(skip.reason))
  return { read: history.length, oldest: history.at(-1), ...(stop ? { stop } : {}) }
}

/** The summary's heading: where the runs come from, the job and the span. */
function label(plan: CheckPlan, span: SpanSpec): string {
  const { runs } = plan
  const steps = span.steps ? ` · steps ${span.steps.text}` : ' · whole job'
  return `${runs.owner}/${runs.repo} · ${runs.workflow} · ${runs.branch} · job ${span.job.text}${steps}`
}

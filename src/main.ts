import * as core from '@actions/core'
import { checkMetrics, type MetricRule } from './app/check.js'
import { checkJobTimings } from './app/job-check.js'
import { currentOf, gateReport, metricRules } from './app/metrics-run.js'
import { readMetrics } from './app/metrics-input.js'
import type { OwnRun } from './app/current-run.js'
import type { Knobs } from './app/knobs.js'
import type { BookScope, RunJobsCacheScope, StoredBook } from './cache/sample-cache.js'
import { testKnobs } from './app/knobs.js'
import { notify } from './app/notify.js'
import {
  artifactNameFor,
  checkPlan,
  lookbackWarning,
  readConfig,
  type Config
} from './core/inputs/config.js'
import { readRunnerContext, type RunnerContext } from './io/context.js'
import { errorMessage } from './core/errors.js'
import { blockingTarget } from './io/files.js'
import { createClient, type Client } from './github/client.js'
import { defaultBranch } from './github/runs.js'
import {
  restoreRunJobs,
  restoreSamples,
  saveSamples,
  type CacheHost
} from './cache/sample-cache.js'
import { ProcessCacheHost } from './app/cache-host.js'
import { ghesRecordWarning, preloadRecorder, recordSample, uploadFailure } from './github/record.js'
import { escapeLog } from './core/untrusted/escape.js'
import { changeLines } from './render/change.js'
import { matchLine, spanLine, unknownEnvironmentLines } from './render/environment.js'
import { reachText } from './render/reach.js'
import { renderSummary } from './render/summary.js'
import { certainty, describeUsage, failureMessage, headline, overLine } from './render/wording.js'
import type { SampleBook } from './core/history/sample-book.js'
import type { RunJobsBook } from './core/history/run-jobs-book.js'
import type { NamedReport, Report, Sample } from './core/types.js'
import { DEFAULT_METRIC } from './core/inputs/metrics.js'
import { checkVerdict, metricLine, renderMetricsSummary, stepOutputs } from './render/metrics.js'
import { backtest, type Backtest } from './core/history/backtest.js'
import { backtestDepth, fullWindowPositions, type GateRule } from './core/history/replay.js'
import { backtestText } from './render/backtest.js'

/**
 * The action: inputs -> config -> history -> statistics -> verdict -> outputs, summary, exit
 * status. The optional parts (the upload of `record`, the cache save) come after the verdict
 * and are bounded in time; the entry point ends the process when run() returns, so that a
 * call given up on (its socket still open) cannot keep the step alive.
 */
export async function run(): Promise<void> {
  const knobs = testKnobs(process.env)
  const cacheHost = new ProcessCacheHost()
  let startUpload: (() => Promise<void> | undefined) | undefined
  try {
    const config = readConfig(name => core.getInput(name), process.env)
    const specs = config.metrics ? await readMetrics(config.metrics) : undefined
    const context = readRunnerContext(process.env)
    if (context.payloadProblem) core.warning(`${context.payloadProblem}; asking the API instead`)
    const client = createClient(config.token, knobs.client)
    const rules = metricRules(config, context, specs)
    const current = rules[0].current
    const short = lookbackWarning(config, current !== undefined)
    if (short) core.warning(short)
    if (config.record && context.isGhes) core.warning(ghesRecordWarning(config))
    // The check never reads this run back, so the upload waits for it: an artifact appearing
    // mid-listing makes the repository listing start over. It starts once the outputs and the
    // status are set (or the check has failed), and is given its grace from then.
    startUpload = () => (config.record ? record(config, context, rules) : undefined)
    let restoring: Promise<SampleBook | undefined> | undefined
    let restoringJobs: Promise<RunJobsBook | undefined> | undefined
    const branch = config.branch ?? (await branchOf(client, config, context))
    if (config.jobs) return await runTimed(client, { config, context, branch, cacheHost, knobs })
    const plan = checkPlan(config, branch, context.runId)
    const rule: GateRule = { rubric: plan.rubric, history: plan.history }
    const metrics = await checkMetrics(
      client,
      {
        ...plan,
        // A backtest reads deeper in the same one read; the check judges its own newest part.
        depth: config.backtest ? backtestDepth(config.backtest, rule, config.lookback) : undefined,
        // This run's number says which run came just before it only in its own workflow.
        currentRunNumber: config.otherWorkflow ? undefined : context.runNumber,
        own: ownRun(config, context),
        rereadMs: knobs.rereadMs,
        // Loading the upload client takes tens of ms of CPU: before the listings answer it would
        // hold their answers, after the verdict it would delay the upload.
        whileWaiting: config.record && current && !context.isGhes ? preloadRecorder : undefined,
        restoreBook: sampleCacheWanted(config, context)
          ? () => (restoring = restoreSamples(config, cacheHost, knobs.cacheTimeoutMs))
          : undefined,
        // The runs' jobs are keyed by run id and attempt, not an artifact digest: GHES uses it too.
        restoreRunJobs: config.cache
          ? () =>
              (restoringJobs = restoreRunJobs(
                runJobsScope(config),
                cacheHost,
                knobs.cacheTimeoutMs
              ))
          : undefined
      },
      rules
    )
    const report = metrics[0].report
    const first = metrics[0]
    // The backtest replays the inputs' one metric; with `metrics`, each entry has rules of its own.
    if (config.backtest && specs)
      core.info('Backtest: not with metrics; give the inputs one metric')
    const replayed =
      config.backtest && !specs && 'read' in first
        ? backtestOf(first.read.samples, rule, config.backtest)
        : undefined
    await publish(report, config, context.eventName, replayed, specs ? metrics : undefined)
    const recording = startUpload()
    startUpload = undefined
    // After the verdict is out, each bounded: an issue, a comment, the upload or a save never
    // holds it; the upload runs beside the issue and the comment.
    const upload = recording && uploadFinished(recording, knobs.uploadGraceMs)
    const gate = gateReport(metrics)
    const issueNumber = gate
      ? await notify(gate, {
          config,
          context,
          plan,
          current: specs
            ? gate.samples.find(s => s.current)
            : (current ?? report.samples.find(s => s.current)),
          client,
          match: config.match,
          timeoutMs: knobs.notifyTimeoutMs
        })
      : undefined
    if (issueNumber !== undefined)
      await optional('The issue-number output could not be written', 'GITHUB_OUTPUT', () =>
        core.setOutput('issue-number', issueNumber)
      )
    core.info(describeUsage(client.usage))
    // Two entries at most: the artifact samples' and the runs' jobs', each saved on its own rules.
    await Promise.all([
      upload,
      saveBook(await restoring, config, context, cacheHost, knobs.cacheTimeoutMs),
      saveBook(
        await restoringJobs,
        config,
        context,
        cacheHost,
        knobs.cacheTimeoutMs,
        runJobsScope(config)
      )
    ])
  } catch (error) {
    core.setFailed(escapeLog(errorMessage(error), 1000))
    // A check that failed still records, with the same grace: the sample counts for later runs.
    const recording = startUpload?.()
    if (recording) await uploadFinished(recording, knobs.uploadGraceMs)
  }
}

/**
 * This run, for the metrics read from job timings: its own jobs are read once, and again (a
 * few times) only while a span's last step still shows running.
 */
function ownRun(config: Config, context: RunnerContext): OwnRun | undefined {
  if (!context.runId || config.otherWorkflow) return undefined
  return {
    runId: context.runId,
    runNumber: context.runNumber ?? 0,
    sha: context.sha,
    htmlUrl: `${context.serverUrl}/${config.owner}/${config.repo}/actions/runs/${context.runId}`,
    runnerName: context.runnerName
  }
}

/**
 * Waits for the upload at most `graceMs` from now, the verdict being out. `@actions/artifact`
 * sets no socket timeout, so a service that never answers is given up on here.
 */
async function uploadFinished(recording: Promise<void>, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>(resolve => (timer = setTimeout(() => resolve('late'), graceMs)))
  const outcome = await Promise.race([recording, late])
  clearTimeout(timer)
  if (outcome === 'late')
    core.warning(
      `Sample not recorded: the artifact service did not finish the upload within ` +
        `${graceMs / 1000} s of the verdict; the verdict stands.`
    )
}

/** This run's `value`, as the newest sample; a missing or bad value only warns (if: always()). */
export function currentSample(config: Config, context: RunnerContext): Sample | undefined {
  return currentOf(config.value, config, context, '')
}

/**
 * Uploads this run's sample. A failed upload costs one sample of future history, not this
 * run's verdict, so it warns instead of failing the step. GHES has no artifact service to
 * upload to: run() says so at once, before the check, and the check still runs.
 */
export async function record(
  config: Config,
  context: RunnerContext,
  rules: readonly MetricRule[]
): Promise<void> {
  // Only recorded metrics: a span's sample is in GitHub's job timings already.
  const files = rules.flatMap(rule =>
    rule.current && rule.file !== undefined
      ? [{ file: rule.file, value: rule.current.value, sample: rule.current }]
      : []
  )
  const [first, ...more] = files
  if (!first || context.isGhes) return
  const name = artifactNameFor(config.artifactName, context.runId ?? 0)
  try {
    const recorded = await recordSample({
      ...config,
      value: first.value,
      file: first.file,
      more: more.map(({ file, value }) => ({ file, value })),
      environment: first.sample.environment ?? {},
      context,
      env: process.env
    })
    const what = files.map(f => `${f.value} s`).join(', ')
    core.info(`Recorded ${what} as artifact ${recorded.name} (id ${recorded.id ?? 'unknown'})`)
  } catch (error) {
    const note = uploadFailure(escapeLog(errorMessage(error)), name, context)
    if (note.level === 'info') core.info(note.message)
    else core.warning(note.message)
  }
}

/**
 * Saves what this check read anew, from default-branch runs only: every branch can restore
 * the default branch's entries, so pull-request scopes would only clutter the cache.
 */
export async function saveBook(
  book: StoredBook | undefined,
  config: Config,
  context: RunnerContext,
  host: CacheHost,
  limit?: number,
  /** Job timings' own scope, or the runs' jobs'; undefined: the artifact samples' (from config). */
  jobScope?: BookScope
): Promise<void> {
  if (!book?.learned || !context.runId) return
  const home = context.payloadRepository
  const ownRepository = home?.fullName.toLowerCase() === context.repository.toLowerCase()
  if (!home || !ownRepository || context.ref !== `refs/heads/${home.defaultBranch}`) {
    core.info('Sample cache: not saved from a run off the default branch')
    return
  }
  await saveSamples(book, {
    scope: jobScope ?? config,
    lookback: config.lookback,
    runId: context.runId,
    runAttempt: context.runAttempt,
    host,
    limit
  })
}

/** The runs' jobs' entry: this repository and workflow, whichever metrics read them. */
function runJobsScope(config: Config): RunJobsCacheScope {
  return { owner: config.owner, repo: config.repo, workflow: config.workflow, runJobs: true }
}

/**
 * GHES artifacts carry no digest to bind a cached sample to, so there the cache could only
 * cost a lookup and the client's load time: it is not used.
 */
function sampleCacheWanted(config: Config, context: RunnerContext): boolean {
  if (config.cache && context.isGhes)
    core.info('Sample cache: not used on GitHub Enterprise Server (its artifacts carry no digest)')
  return config.cache && !context.isGhes
}

/** The event payload names the default branch for free; only another repository costs a call. */
async function branchOf(client: Client, config: Config, context: RunnerContext): Promise<string> {
  const own = context.payloadRepository
  if (own?.fullName.toLowerCase() === `${config.owner}/${config.repo}`.toLowerCase())
    return own.defaultBranch
  return defaultBranch(client, config.owner, config.repo)
}

/** Events where this run's standing is the headline: one sample rarely moves the median. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

/**
 * Writes a file the runner reads after the step (outputs, summary), a part the verdict does
 * not depend on. Unset (older GitHub Enterprise Server, Gitea, Forgejo, some local runners),
 * unwritable, on a full disk, or a FIFO whose write would wait for a reader, it warns and the
 * step's status still follows the verdict.
 */
async function optional(what: string, variable: string, write: () => unknown): Promise<void> {
  try {
    const path = process.env[variable]
    const problem = path ? blockingTarget(path) : undefined
    if (problem) throw new Error(`${variable} is ${problem}`)
    await write()
  } catch (error) {
    core.warning(`${what} (${escapeLog(errorMessage(error))}); the verdict stands`)
  }
}

/** The `backtest` input: at most K positions, those with a full window among the samples read. */
function backtestOf(read: readonly Sample[], rule: GateRule, asked: number): Backtest {
  const positions = Math.min(asked, fullWindowPositions(read.length, rule.rubric.window))
  return backtest(read, positions, rule, asked)
}

/**
 * Outputs, log lines, the job summary and the step's status, from the report. With `metrics`
 * (the input's entries), the scalar outputs describe the first metric, `verdict` is the worst
 * of the budgeted ones, and the log and the summary cover them all.
 */
export async function publish(
  report: Report,
  config: Config,
  eventName = '',
  replayed?: Backtest,
  metrics?: readonly NamedReport[]
): Promise<void> {
  const all = metrics ?? [{ name: DEFAULT_METRIC, report }]
  await optional('The step outputs could not be written', 'GITHUB_OUTPUT', () => {
    for (const [name, value] of Object.entries(stepOutputs(report, all)))
      core.setOutput(name, value)
  })
  if (metrics) await publishSeveral(metrics, config, eventName)
  else await publishOne(report, config, eventName, replayed)
}

/** The log, the summary and the status of a check of several metrics. */
async function publishSeveral(
  metrics: readonly NamedReport[],
  config: Config,
  eventName: string
): Promise<void> {
  for (const metric of metrics) core.info(escapeLog(metricLine(metric), 600))
  const standingFirst = PULL_REQUEST_EVENTS.has(eventName)
  if (config.summary)
    await optional('The job summary could not be written', 'GITHUB_STEP_SUMMARY', () =>
      core.summary
        .addRaw(renderMetricsSummary(metrics, { standingFirst }))
        .write({ overwrite: false })
    )
  const verdict = checkVerdict(metrics)
  const said = (wanted: string) =>
    metrics
      .filter(m => m.report.verdict === wanted)
      .map(m => escapeLog(metricLine(m), 300))
      .join('; ')
  if (verdict === 'breach' && config.failOnBreach)
    core.setFailed(`Rolling median over budget: ${said('breach')}`)
  if (verdict === 'inconclusive') core.warning(`Rolling median ${said('inconclusive')}`)
  if (verdict === 'insufficient') {
    const line = `Rolling median ${said('insufficient')}`
    if (config.failOnInsufficient) core.setFailed(line)
    else core.warning(line)
  }
}

/** The log, the summary and the status of a check of the inputs' one metric. */
async function publishOne(
  report: Report,
  config: Config,
  eventName: string,
  replayed?: Backtest
): Promise<void> {
  for (const skip of report.skipped)
    core.info(`Skipped run ${skip.run_id}: ${escapeLog(skip.reason)}`)
  for (const text of unknownEnvironmentLines(report.history ?? report.samples))
    core.info(escapeLog(text, 600))
  const line = headline(report)
  core.info(line)
  const over = overLine(report)
  if (over) core.info(over)
  if (report.match) core.info(escapeLog(matchLine(report.match, report.minRuns), 1200))
  const span = spanLine(report.samples)
  if (span) core.info(escapeLog(span, 1500))
  if (report.reach) core.info(escapeLog(reachText(report.reach), 800))
  for (const text of changeLines(report)) core.info(escapeLog(text, 600))
  const note = certainty(report)
  if (note) core.notice(note)
  if (replayed) for (const text of backtestText(replayed)) core.info(escapeLog(text, 1000))
  const standingFirst = PULL_REQUEST_EVENTS.has(eventName)
  if (config.summary)
    await optional('The job summary could not be written', 'GITHUB_STEP_SUMMARY', () =>
      core.summary
        .addRaw(renderSummary(report, { standingFirst, backtest: replayed }))
        .write({ overwrite: false })
    )

  if (report.verdict === 'breach' && config.failOnBreach) core.setFailed(failureMessage(report))
  // Confident mode's third answer: said loudly, and never a failure.
  if (report.verdict === 'inconclusive') core.warning(`Rolling median ${line}`)
  if (report.verdict === 'insufficient') {
    // With `match`, the warning says what matching left and what each key costs.
    const matched = report.match
      ? `. ${escapeLog(matchLine(report.match, report.minRuns), 1200)}`
      : ''
    if (config.failOnInsufficient) core.setFailed(`Rolling median ${line}${matched}`)
    else core.warning(`Rolling median ${line}${matched}`)
  }
}

interface TimedRun {
  config: Config
  context: RunnerContext
  branch: string
  cacheHost: CacheHost
  knobs: Knobs
}

/**
 * The action with job timings (`job`, `steps`): the check reads this run's jobs too (which
 * job is this step's, and its own span), then the verdict, the issue and comment, and the
 * cache save, as for artifacts. Nothing is recorded: these inputs refuse `value` and `record`.
 */
async function runTimed(client: Client, run: TimedRun): Promise<void> {
  const { config, context, cacheHost, knobs } = run
  const timed = await checkJobTimings(client, {
    config,
    context,
    plan: checkPlan(config, run.branch, context.runId),
    // Job samples are keyed by run id and attempt, not an artifact digest: GHES uses it too.
    cache: config.cache ? { host: cacheHost, timeoutMs: knobs.cacheTimeoutMs } : undefined,
    rereadMs: knobs.rereadMs
  })
  const { report } = timed
  await publish(report, config, context.eventName)
  await notify(report, {
    config,
    context,
    plan: timed.plan,
    current: report.samples.find(s => s.current),
    client,
    match: config.match,
    timeoutMs: knobs.notifyTimeoutMs
  })
  core.info(describeUsage(client.usage))
  await saveBook(timed.book, config, context, cacheHost, knobs.cacheTimeoutMs, timed.scope)
}

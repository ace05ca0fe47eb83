import * as core from '@actions/core'
import { judgeWatched } from '../core/history/attribution.js'
import { judgeRead } from '../core/history/replay.js'
import { artifactNameFor, type CheckPlan } from '../core/inputs/config.js'
import { DEFAULT_METRIC } from '../core/inputs/metrics.js'
import { SkipRun } from '../core/errors.js'
import { escapeLog } from '../core/untrusted/escape.js'
import { ArtifactIndex } from '../github/artifact-index.js'
import { downloadArtifact, findArtifact, type Artifact, type RepoRef } from '../github/artifacts.js'
import type { Client } from '../github/client.js'
import { afterRequestsSent, requestsSent } from '../github/transport.js'
import { explain, httpStatus } from '../github/failures.js'
import type { Run } from '../github/runs.js'
import { readZipFiles } from '../github/zip.js'
import {
  MAX_METADATA_BYTES,
  METADATA_FILE,
  environmentFromMetadata,
  type EnvironmentRead
} from '../core/history/environment.js'
import { MAX_SAMPLE_BYTES, parseSample } from '../core/untrusted/parse.js'
import type { Read, SampleBook } from '../core/history/sample-book.js'
import type { RunJobsBook } from '../core/history/run-jobs-book.js'
import type {
  HistoryRead,
  Measured,
  NamedReport,
  Report,
  Result,
  Sample,
  Skip
} from '../core/types.js'
import { collectEach, measuredOf, SOURCE_CONCURRENCY, type SampleSource } from './source.js'
import { limiter } from './limit.js'
import { JobReader } from './job-reader.js'
import { JobSource } from './job-source.js'
import { jobOf, oneStep, runningStep, stepNames, watchedSteps } from './metric-spans.js'
import { readOwnSpan, readSettled, type OwnRun } from './current-run.js'
import type { JobTiming, SpanSpec, StepSpan } from '../core/history/job-span.js'

export interface CheckOptions extends CheckPlan {
  /** This run's own sample, counted as the newest. */
  current?: Sample
  /**
   * Called once the listings have started: the samples read by earlier checks (the Actions
   * cache), which this check adds to. Undefined: every artifact is downloaded.
   */
  restoreBook?: () => Promise<SampleBook | undefined>
  /**
   * Called once the first request is on the wire, when a metric is read from job timings: the
   * runs' jobs earlier checks read (the Actions cache), which this check adds to, one entry
   * for every such metric. Undefined: every run's jobs are read.
   */
  restoreRunJobs?: () => Promise<RunJobsBook | undefined>
  /**
   * This run's number: the run just before it cannot be in the cache (the entry its own check
   * saved never holds its own sample), so its download starts beside the cache restore
   * instead of after it.
   */
  currentRunNumber?: number
  /**
   * Called once that run's blob request is on the wire: from then on the check only waits on
   * the network (that blob, the cache entry's) until the verdict, so CPU spent there (loading
   * the upload client) holds up no request.
   */
  whileWaiting?: () => void
}

/**
 * One metric and how it is judged: read from a file of the runs' one artifact (`file`), or
 * from GitHub's job timings (`span`).
 */
export interface MetricRule {
  name: string
  /** The file inside the artifact. */
  file?: string
  /** Job timings: the job (undefined: this step's own), the steps, or every step of it. */
  span?: { job?: string; steps?: StepSpan; eachStep?: boolean }
  /** Seconds; undefined: watched (verdict `watched`, never a failure). */
  budget?: number
  /** Seconds; undefined: 5% of the budget, or of the metric's own median when watched. */
  minShift?: number
  match: readonly string[]
  /** This run's own sample of the metric, counted as its newest. */
  current?: Sample
}

/** One metric's name and report, and what was read for it (a backtest replays it). */
export type MetricReport = NamedReport & { read: HistoryRead }

/**
 * Lists the history, reads the newest samples, and judges their median against the budget.
 * Reads up to `history` samples: the newest `window` are judged, all of them attributed.
 */
export async function check(client: Client, options: CheckOptions): Promise<Report> {
  return judgeRead(await readHistory(client, options), options)
}

/**
 * The one read of the history of the inputs' one metric: up to `depth` samples (default
 * `history.size`; a backtest reads deeper), this run's own first, with the runs examined and
 * not counted.
 */
export async function readHistory(
  client: Client,
  options: CheckOptions & { depth?: number }
): Promise<HistoryRead> {
  const only: MetricRule = {
    name: DEFAULT_METRIC,
    file: options.artifact.file,
    budget: options.rubric.budget,
    minShift: options.history.minShift,
    match: options.history.match,
    current: options.current
  }
  const [metric] = await checkMetrics(client, options, [only])
  return metric.read
}

/**
 * Several metrics in one check: the runs listing is read once and shared, and each run's
 * artifact is located and downloaded at most once (all the metrics' files read from the one
 * zip); then each metric collects its own newest samples and is judged on its own.
 */
export async function checkMetrics(
  client: Client,
  options: Omit<CheckOptions, 'current'> & { own?: OwnRun; depth?: number; rereadMs?: number },
  metrics: readonly MetricRule[]
): Promise<MetricReport[]> {
  // A backtest reads deeper in the same one read; each metric is judged on its newest part.
  const depth = Math.max(options.depth ?? 0, options.history.size)
  const { runs } = options
  const sent = requestsSent()
  const listingsSent = afterRequestsSent(sent + 2)
  let book: Promise<SampleBook | undefined> = Promise.resolve(undefined)
  // The run just before this one: never in the cache, so read beside the restore.
  const newestUncached = (options.currentRunNumber ?? 0) - 1
  const files = metrics.flatMap(m => (m.file === undefined ? [] : [m.file]))
  const artifacts =
    files.length > 0
      ? new ArtifactSource(client, {
          plan: options,
          files,
          book: () => book,
          newestUncached,
          whileWaiting: options.whileWaiting
        })
      : undefined
  // The runs' jobs' restore needs nothing of this run: it starts once the first requests are
  // on the wire (the artifact listing, this run's jobs; else the runs listing), so that loading
  // the cache client overlaps their round trip; the run just before this one is read beside it.
  let runJobs: Promise<RunJobsBook | undefined> = Promise.resolve(undefined)
  const restoreRunJobs = metrics.some(m => m.span) ? options.restoreRunJobs : undefined
  const early = Math.max(1, (artifacts ? 1 : 0) + (options.own ? 1 : 0))
  if (restoreRunJobs) runJobs = afterRequestsSent(sent + early).then(() => restoreRunJobs())
  const timed = await spanMetrics(client, { ...options, runJobs: () => runJobs }, metrics)
  const label = `${runs.owner}/${runs.repo} · ${runs.workflow} · ${runs.branch}`
  const read = timed.rules.map(metric =>
    readOf(metric, artifacts, timed.reader, label, newestUncached)
  )
  const collecting = collectEach(
    client,
    options,
    read.map(({ source, current }) => ({
      source,
      wanted: depth - (current ? 1 : 0)
    }))
  )
  // Started once both listings are on the wire, so that loading the cache client (CPU-bound,
  // tens of ms) overlaps their round trip instead of delaying it.
  const restoreBook = options.restoreBook
  if (restoreBook && artifacts) book = listingsSent.then(() => restoreBook())
  const collected = await collecting
  const reports = timed.rules.map((metric, i) => {
    const { samples, skipped } = collected[i]
    const { current, source } = read[i]
    const what = {
      samples: current ? [current, ...samples] : samples,
      skipped,
      source: source.label
    }
    return {
      name: metric.name,
      report: judgeMetricRead(what, metric, options),
      read: what,
      group: timed.groups[i]
    }
  })
  return byShiftWithinGroups(reports)
}

/** Where a metric's samples come from, with the label its summary names it by. */
function readOf(
  metric: ResolvedRule,
  artifacts: ArtifactSource | undefined,
  reader: JobReader | undefined,
  label: string,
  newestUncached: number
): { source: SampleSource & { label: string }; current?: Sample } {
  if (metric.spec && reader) {
    const { spec } = metric
    const steps = spec.steps ? ` · steps ${spec.steps.text}` : ' · whole job'
    const source = new JobSource({ reader, span: Promise.resolve(spec), newestUncached })
    return {
      source: { read: run => source.read(run), label: `${label} · job ${spec.job.text}${steps}` },
      current: metric.current
    }
  }
  if (!artifacts || metric.file === undefined) throw new Error(`metric ${metric.name}: no source`)
  return { source: { ...artifacts.of(metric.file), label }, current: metric.current }
}

/** A rule with its span resolved (this step's own job named, `each-step` expanded). */
type ResolvedRule = MetricRule & { spec?: SpanSpec }

/**
 * The span metrics resolved: this run's jobs read (which job is this step's, and this run's
 * own span of each metric), `each-step` expanded into one watched metric per step of the job
 * as this run, the newest, names it. Groups number the entries they came from. While a span
 * ends in a step GitHub still shows running, this run's jobs are read again (a few times, for
 * every metric at once) and every metric resolved on the newest read.
 */
async function spanMetrics(
  client: Client,
  options: {
    runs: CheckPlan['runs']
    own?: OwnRun
    rereadMs?: number
    runJobs?: () => Promise<RunJobsBook | undefined>
  },
  metrics: readonly MetricRule[]
): Promise<{ rules: ResolvedRule[]; groups: number[]; reader?: JobReader }> {
  if (!metrics.some(m => m.span)) return { rules: [...metrics], groups: metrics.map((_, i) => i) }
  const { runs, own } = options
  // Every run's jobs once for every metric, from the runs' jobs book when it holds them.
  const reader = new JobReader(client, { owner: runs.owner, repo: runs.repo }, options.runJobs)
  const resolved = own
    ? await readSettled(
        reader,
        own.runId,
        jobs => resolveSpans(metrics, jobs, own),
        ({ lagging }) => lagging.length > 0,
        options.rereadMs
      )
    : resolveSpans(metrics, undefined, undefined)
  for (const { name, reason } of resolved.lagging)
    core.info(escapeLog(`This run is not counted in metric ${name}: ${reason}`, 600))
  return { rules: resolved.rules, groups: resolved.groups, reader }
}

/**
 * The span metrics on one read of this run's jobs (undefined: the check is not inside this
 * run), with the metrics whose own span ends in a step still shown running (`lagging`).
 */
function resolveSpans(
  metrics: readonly MetricRule[],
  jobs: readonly JobTiming[] | undefined,
  own: OwnRun | undefined
): { rules: ResolvedRule[]; groups: number[]; lagging: { name: string; reason: string }[] } {
  const taken = new Set(metrics.map(m => m.name))
  const rules: ResolvedRule[] = []
  const groups: number[] = []
  const lagging: { name: string; reason: string }[] = []
  const currentOf = (name: string, spec: SpanSpec): Sample | undefined => {
    if (!jobs || !own) return undefined
    const read = readOwnSpan(jobs, spec, own)
    if ('value' in read) return read.value
    if (read.again) lagging.push({ name, reason: read.reason })
    return undefined
  }
  metrics.forEach((metric, group) => {
    const add = (rule: ResolvedRule) => {
      rules.push(rule)
      groups.push(group)
    }
    if (!metric.span) return add(metric)
    const job = jobOf({ name: metric.name, job: metric.span.job }, jobs, own?.runnerName ?? '')
    if (!metric.span.eachStep) {
      const spec = { job, steps: metric.span.steps }
      return add({ ...metric, spec, current: currentOf(metric.name, spec) })
    }
    const ownStep = own ? ownRunningStep(jobs, own) : undefined
    const steps = watchedSteps(jobs ?? [], job, ownStep)
    const names = stepNames(steps, taken)
    steps.forEach((step, i) => {
      taken.add(names[i])
      const spec = { job, steps: oneStep(step) }
      // Watched: a step's metric has no budget; its smallest shift is 5% of its own median.
      add({
        name: names[i],
        span: metric.span,
        spec,
        match: metric.match,
        current: currentOf(names[i], spec)
      })
    })
  })
  return { rules, groups, lagging }
}

/** The action's own step, running in this step's own job: left out of `each-step`. */
function ownRunningStep(jobs: readonly JobTiming[] | undefined, own: OwnRun): string | undefined {
  try {
    return runningStep(jobs, jobOf({ name: '' }, jobs, own.runnerName))
  } catch {
    return undefined // this step's job cannot be told: steps named after the action still are
  }
}

/**
 * Each entry's metrics in the order listed; an `each-step` entry's steps by the size of the
 * shift found, largest first, so the step that moved leads.
 */
function byShiftWithinGroups(
  reports: readonly (MetricReport & { group: number })[]
): MetricReport[] {
  const size = (m: MetricReport) => {
    const result = m.report.change?.result
    return result?.kind === 'shift' ? Math.abs(result.shift) : 0
  }
  return [...reports]
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.group - b.m.group || size(b.m) - size(a.m) || a.i - b.i)
    .map(({ m }) => ({ name: m.name, report: m.report, read: m.read }))
}

/** A budgeted metric against its budget; a watched one by its numbers alone. */
export function judgeMetric(
  history: Sample[],
  skipped: Skip[],
  metric: MetricRule,
  options: Pick<CheckPlan, 'rubric' | 'history'>,
  source: string
): Report {
  return judgeMetricRead({ samples: history, skipped, source }, metric, options)
}

/** As `judgeMetric`, on what was read (the newest `history.size` samples are judged). */
function judgeMetricRead(
  read: HistoryRead,
  metric: MetricRule,
  options: Pick<CheckPlan, 'rubric' | 'history'>
): Report {
  const history = { ...options.history, match: metric.match }
  if (metric.budget !== undefined) {
    const minShift = metric.minShift ?? metric.budget * 0.05
    const rubric = { ...options.rubric, budget: metric.budget }
    return judgeRead(read, { rubric, history: { ...history, minShift } })
  }
  const seen = read.samples.slice(0, history.size)
  const oldest = seen.at(-1)?.run_id ?? 0
  const skipped =
    read.samples.length > seen.length ? read.skipped.filter(s => s.run_id > oldest) : read.skipped
  const rule = { minShift: metric.minShift, match: metric.match }
  return judgeWatched(seen, skipped, options.rubric, rule, read.source)
}

export interface ArtifactSourceOptions {
  /** The runs (their repository and lookback) and which artifact and file hold the sample. */
  plan: Pick<CheckPlan, 'runs' | 'artifact'>
  /** Every file the check's metrics read, all from one download; default the plan's file. */
  files?: readonly string[]
  /** The samples earlier checks read (the Actions cache), once restored; undefined: none. */
  book: () => Promise<SampleBook | undefined>
  /** The run just before this one: never in the cache, so downloaded beside the restore. */
  newestUncached?: number
  /** Called once, when the first download of a run the cache cannot hold is on the wire. */
  whileWaiting?: () => void
}

/**
 * A run's sample from its artifact: found in the repository-wide listing (or the run's own),
 * taken from the cache when the artifact's digest is known there, else downloaded and read.
 * With several metrics, each run's artifact is located and read at most once for all of
 * them: the first to ask starts the read, the others share it; a run the cache holds for
 * every file costs no download, otherwise one download reads every file.
 */
export class ArtifactSource implements SampleSource {
  private readonly index: ArtifactIndex
  private readonly ref: RepoRef
  private readonly files: readonly string[]
  private readonly reads = new Map<number, Promise<Map<string, Read>>>()
  /** Downloads and runs' own artifact lookups: the network part of a run's read. */
  private readonly network = limiter(SOURCE_CONCURRENCY)
  private waited = false
  private readonly waiting = () => {
    if (this.waited) return
    this.waited = true
    const { whileWaiting } = this.options
    if (whileWaiting) void this.pagesQuiet().then(whileWaiting)
  }

  /**
   * Resolves when the caller's CPU (tens of ms) would hold no listing page back: at once when
   * no run waits on a page; else once the page on its way has answered and the next request
   * (the next page, when runs still wait) is on the wire, so that the work overlaps its round
   * trip instead of delaying its answer or its request.
   */
  private async pagesQuiet(): Promise<void> {
    if (!this.index.waitingForPage) return
    await this.index.pageAnswered()
    await new Promise(resolve => setImmediate(resolve))
    if (!this.index.waitingForPage) return
    const sent = afterRequestsSent(requestsSent() + 1)
    await Promise.race([sent, new Promise(resolve => setTimeout(resolve, 20))])
  }

  constructor(
    private readonly client: Client,
    private readonly options: ArtifactSourceOptions
  ) {
    const { runs, artifact } = options.plan
    this.ref = { owner: runs.owner, repo: runs.repo }
    this.files = options.files ?? [artifact.file]
    this.index = new ArtifactIndex(client, {
      ref: this.ref,
      template: artifact.template,
      lookback: runs.lookback
    })
    // Its first page travels with the runs listing.
    this.index.prefetch()
  }

  /** The plan's own file. */
  read(run: Run): Promise<Measured> {
    return this.sample(run, this.options.plan.artifact.file)
  }

  /** One metric's file, as a source of its own. */
  of(file: string): SampleSource {
    return { read: run => this.sample(run, file) }
  }

  private async sample(run: Run, file: string): Promise<Measured> {
    let reading = this.reads.get(run.id)
    if (!reading) {
      reading = this.readAll(run)
      this.reads.set(run.id, reading)
    }
    const reads = await reading
    return measuredOf(reads.get(file) ?? { reason: `no ${file} read` })
  }

  private async readAll(run: Run): Promise<Map<string, Read>> {
    const { files } = this
    try {
      const artifact = await this.locate(run)
      const uncached = run.run_number === this.options.newestUncached
      const book = uncached || !artifact.digest ? undefined : await this.options.book()
      const known = files.map(file => book?.lookup(artifact, run.id, file))
      if (known.every(read => read !== undefined))
        return new Map(files.map((file, i) => [file, known[i] as Read]))
      const onWire = uncached ? this.waiting : undefined
      const zip = await this.network(() =>
        downloadArtifact(this.client, this.ref, artifact, onWire)
      )
      const reads = await readSamples(zip, files)
      const learning = artifact.digest ? await this.options.book() : undefined
      for (const [file, read] of reads) learning?.learn(artifact, run.id, file, read)
      return reads
    } catch (error) {
      throw skipOrFailure(error, run)
    }
  }

  /**
   * The repository-wide listing answers for most runs; a run it cannot tell about (too
   * recent, or the listing stopped) is asked on its own.
   */
  private async locate(run: Run): Promise<Artifact> {
    const resolved = await this.index.resolve(run)
    if (resolved && 'reason' in resolved) throw new SkipRun(resolved.reason)
    if (resolved) return resolved.value
    const name = artifactNameFor(this.options.plan.artifact.template, run.id)
    const headRepositoryId = run.head_repository?.id
    return this.network(() => findArtifact(this.client, this.ref, run.id, name, headRepositoryId))
  }
}

/**
 * The files' samples in the artifact's zip, each with the environment `metadata.json` records,
 * or the content reason a file has no sample: all cacheable. A bad `metadata.json` never
 * skips the run; a zip that cannot be read at all is every file's reason.
 */
async function readSamples(zip: Buffer, files: readonly string[]): Promise<Map<string, Read>> {
  let read: Record<string, Result<string>>
  try {
    read = await readZipFiles(zip, {
      ...Object.fromEntries(files.map(file => [file, MAX_SAMPLE_BYTES])),
      [METADATA_FILE]: MAX_METADATA_BYTES
    })
  } catch (error) {
    if (!(error instanceof SkipRun)) throw error
    return new Map(files.map(file => [file, { reason: error.message }]))
  }
  const environment = environmentFromMetadata(read[METADATA_FILE])
  return new Map(files.map(file => [file, sampleOf(file, read[file], environment)]))
}

function sampleOf(file: string, text: Result<string>, environment: EnvironmentRead): Read {
  if ('reason' in text) return text
  const parsed = parseSample(text.value)
  if ('reason' in parsed) return { reason: `${file}: ${parsed.reason}` }
  return { value: parsed.value, ...environment }
}

/**
 * Only content reasons skip a run: no artifact, expired, too big, digest mismatch, not a
 * number (`SkipRun`, 404, 410). Anything else that outlasted the retries (auth, rate limits,
 * network faults, bad bodies) fails the check naming the run: skipping it would slide the
 * window to an older sample and could change the verdict.
 */
function skipOrFailure(error: unknown, run: Run): SkipRun | Error {
  if (error instanceof SkipRun) return error
  switch (httpStatus(error)) {
    case 410:
      return new SkipRun('artifact expired (410 Gone)')
    case 404:
      return new SkipRun('artifact not found (404)')
    default:
      return new Error(explain(error, `Reading the sample of run ${run.id}`))
  }
}

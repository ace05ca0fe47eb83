import { judgeHistory, judgeWatched } from '../core/history/attribution.js'
import { artifactNameFor, type CheckPlan } from '../core/inputs/config.js'
import { DEFAULT_METRIC } from '../core/inputs/metrics.js'
import { SkipRun } from '../core/errors.js'
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
import type { Measured, NamedReport, Report, Result, Sample, Skip } from '../core/types.js'
import { collectEach, measuredOf, type SampleSource } from './source.js'

export interface CheckOptions extends CheckPlan {
  /** This run's own sample, counted as the newest. */
  current?: Sample
  /**
   * Called once the listings have started: the samples read by earlier checks (the Actions
   * cache), which this check adds to. Undefined: every artifact is downloaded.
   */
  restoreBook?: () => Promise<SampleBook | undefined>
  /**
   * This run's number: the run just before it cannot be in the cache (the entry its own check
   * saved never holds its own sample), so its download starts beside the cache restore
   * instead of after it.
   */
  currentRunNumber?: number
}

/** One metric read from a file of the runs' one artifact, and how it is judged. */
export interface MetricRule {
  name: string
  /** The file inside the artifact. */
  file: string
  /** Seconds; undefined: watched (verdict `watched`, never a failure). */
  budget?: number
  /** Seconds; undefined: 5% of the budget, or of the metric's own median when watched. */
  minShift?: number
  match: readonly string[]
  /** This run's own sample of the metric, counted as its newest. */
  current?: Sample
}

/** One metric's name and report. */
export type MetricReport = NamedReport

/**
 * Lists the history, reads the newest samples, and judges their median against the budget.
 * Reads up to `history` samples: the newest `window` are judged, all of them attributed.
 */
export async function check(client: Client, options: CheckOptions): Promise<Report> {
  const only: MetricRule = {
    name: DEFAULT_METRIC,
    file: options.artifact.file,
    budget: options.rubric.budget,
    minShift: options.history.minShift,
    match: options.history.match,
    current: options.current
  }
  const [metric] = await checkMetrics(client, options, [only])
  return metric.report
}

/**
 * Several metrics in one check: the runs listing is read once and shared, and each run's
 * artifact is located and downloaded at most once (all the metrics' files read from the one
 * zip); then each metric collects its own newest samples and is judged on its own.
 */
export async function checkMetrics(
  client: Client,
  options: Omit<CheckOptions, 'current'>,
  metrics: readonly MetricRule[]
): Promise<MetricReport[]> {
  const { runs } = options
  const listingsSent = afterRequestsSent(requestsSent() + 2)
  let book: Promise<SampleBook | undefined> = Promise.resolve(undefined)
  const artifacts = new ArtifactSource(client, {
    plan: options,
    files: metrics.map(m => m.file),
    book: () => book,
    newestUncached: (options.currentRunNumber ?? 0) - 1
  })
  const collecting = collectEach(
    client,
    options,
    metrics.map(metric => ({
      source: artifacts.of(metric.file),
      wanted: options.history.size - (metric.current ? 1 : 0)
    }))
  )
  // Started once both listings are on the wire, so that loading the cache client (CPU-bound,
  // tens of ms) overlaps their round trip instead of delaying it.
  const restoreBook = options.restoreBook
  if (restoreBook) book = listingsSent.then(() => restoreBook())
  const collected = await collecting
  const source = `${runs.owner}/${runs.repo} · ${runs.workflow} · ${runs.branch}`
  return metrics.map((metric, i) => {
    const { samples, skipped } = collected[i]
    const history = metric.current ? [metric.current, ...samples] : samples
    return { name: metric.name, report: judgeMetric(history, skipped, metric, options, source) }
  })
}

/** A budgeted metric against its budget; a watched one by its numbers alone. */
export function judgeMetric(
  history: Sample[],
  skipped: Skip[],
  metric: MetricRule,
  options: Pick<CheckPlan, 'rubric'>,
  source: string
): Report {
  const rule = { minShift: metric.minShift, match: metric.match }
  if (metric.budget === undefined)
    return judgeWatched(history, skipped, options.rubric, rule, source)
  const rubric = { ...options.rubric, budget: metric.budget }
  const minShift = metric.minShift ?? metric.budget * 0.05
  return judgeHistory(history, skipped, rubric, { ...rule, minShift }, source)
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
      const zip = await downloadArtifact(this.client, this.ref, artifact)
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
    return findArtifact(this.client, this.ref, run.id, name, run.head_repository?.id)
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

import { artifactNameFor, type CheckPlan } from '../core/inputs/config.js'
import { judgeRead } from '../core/history/replay.js'
import { SkipRun } from '../core/errors.js'
import { ArtifactIndex } from '../github/artifact-index.js'
import { downloadArtifact, findArtifact, type Artifact } from '../github/artifacts.js'
import type { Client } from '../github/client.js'
import { afterRequestsSent, requestsSent } from '../github/transport.js'
import { explain, httpStatus } from '../github/failures.js'
import { explained } from '../github/listing.js'
import { excludeReason, listRuns, type Run } from '../github/runs.js'
import { readZipFiles } from '../github/zip.js'
import {
  MAX_METADATA_BYTES,
  METADATA_FILE,
  environmentFromMetadata
} from '../core/history/environment.js'
import { MAX_SAMPLE_BYTES, parseSample } from '../core/untrusted/parse.js'
import type { Read, SampleBook } from '../core/history/sample-book.js'
import { collectSamples } from '../core/history/samples.js'
import type { HistoryRead, Measured, Report, Sample } from '../core/types.js'

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

/**
 * Runs in flight at once. Octokit's throttling lets 10 API requests run at a time; blob
 * downloads bypass it, so twice that many runs keep both busy.
 */
export const CONCURRENCY = 20

/**
 * Lists the history, reads the newest samples, and judges their median against the budget.
 * Reads up to `history` samples: the newest `window` are judged, all of them attributed.
 */
export async function check(client: Client, options: CheckOptions): Promise<Report> {
  return judgeRead(await readHistory(client, options), options)
}

/**
 * The one read of the history: up to `depth` samples (default `history.size`; a backtest
 * reads deeper), this run's own first, with the runs examined and not counted.
 */
export async function readHistory(
  client: Client,
  options: CheckOptions & { depth?: number }
): Promise<HistoryRead> {
  const { runs, artifact: wantedArtifact } = options
  const ref = { owner: runs.owner, repo: runs.repo }
  const listingsSent = afterRequestsSent(requestsSent() + 2)
  const depth = Math.max(options.depth ?? 0, options.history.size)
  const wanted = depth - (options.current ? 1 : 0)
  const index = new ArtifactIndex(client, {
    ref,
    template: wantedArtifact.template,
    lookback: runs.lookback
  })
  index.prefetch()
  const pages = explained(
    listRuns(client, runs),
    `Listing runs of workflow ${runs.workflow} in ${ref.owner}/${ref.repo}`
  )
  let book: Promise<SampleBook | undefined> = Promise.resolve(undefined)

  // The repository-wide listing answers for most runs; a run it cannot tell about (too
  // recent, or the listing stopped) is asked on its own.
  const locate = async (run: Run): Promise<Artifact> => {
    const resolved = await index.resolve(run)
    if (resolved && 'reason' in resolved) throw new SkipRun(resolved.reason)
    if (resolved) return resolved.value
    const name = artifactNameFor(wantedArtifact.template, run.id)
    return findArtifact(client, ref, run.id, name, run.head_repository?.id)
  }

  const fetchSample = async (run: Run): Promise<Measured> => {
    try {
      const artifact = await locate(run)
      const uncached = run.run_number === (options.currentRunNumber ?? 0) - 1
      const known =
        artifact.digest && !uncached ? (await book)?.lookup(artifact, run.id) : undefined
      if (known) return valueOf(known)
      const zip = await downloadArtifact(client, ref, artifact)
      const read = await readSample(zip, wantedArtifact.file)
      if (artifact.digest) (await book)?.learn(artifact, run.id, read)
      return valueOf(read)
    } catch (error) {
      throw skipOrFailure(error, run)
    }
  }

  const collecting = collectSamples(pages, wanted, fetchSample, CONCURRENCY, run =>
    excludeReason(run, runs)
  )
  // Started once both listings are on the wire, so that loading the cache client (CPU-bound,
  // tens of ms) overlaps their round trip instead of delaying it.
  const restoreBook = options.restoreBook
  if (restoreBook) book = listingsSent.then(() => restoreBook())
  const collected = await collecting
  const samples = options.current ? [options.current, ...collected.samples] : collected.samples
  const source = `${ref.owner}/${ref.repo} · ${runs.workflow} · ${runs.branch}`
  return { samples, skipped: collected.skipped, source }
}

/**
 * The sample in the artifact's zip with the environment its `metadata.json` records, or the
 * content reason it has no sample: all cacheable. A bad `metadata.json` never skips the run.
 */
async function readSample(zip: Buffer, file: string): Promise<Read> {
  try {
    const files = await readZipFiles(zip, {
      [file]: MAX_SAMPLE_BYTES,
      [METADATA_FILE]: MAX_METADATA_BYTES
    })
    const sample = files[file]
    if ('reason' in sample) return sample
    const parsed = parseSample(sample.value)
    if ('reason' in parsed) return { reason: `${file}: ${parsed.reason}` }
    return { value: parsed.value, ...environmentFromMetadata(files[METADATA_FILE]) }
  } catch (error) {
    if (error instanceof SkipRun) return { reason: error.message }
    throw error
  }
}

function valueOf(read: Read): Measured {
  if ('reason' in read) throw new SkipRun(read.reason)
  return 'environment' in read
    ? { value: read.value, environment: read.environment }
    : { value: read.value, environmentProblem: read.unknown }
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

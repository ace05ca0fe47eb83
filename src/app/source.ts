import type { CheckPlan } from '../core/inputs/config.js'
import { SkipRun } from '../core/errors.js'
import type { Read } from '../core/history/sample-book.js'
import { collectSamples, sharedPages, type Collected } from '../core/history/samples.js'
import type { Measured } from '../core/types.js'
import type { Client } from '../github/client.js'
import { explained } from '../github/listing.js'
import { excludeReason, listRuns, type Run } from '../github/runs.js'

/**
 * Where a listed run's sample comes from: the seam between listing the runs and reading them.
 * A source answers the run's sample, or throws `SkipRun` with the reason it does not count;
 * anything else fails the check. The job-timings source (`job-source.ts`) is one; the artifact
 * path's `fetchSample` (`check.ts`) keeps the same contract and moves behind this interface
 * when several metrics share one check (each run's artifact and jobs read once).
 */
export interface SampleSource {
  read(run: Run): Promise<Measured>
}

/**
 * A source's network calls at once. Octokit's throttling lets 10 API requests run at a time;
 * blob downloads bypass it, so twice that many keep both busy.
 */
export const SOURCE_CONCURRENCY = 20

/**
 * Runs being read at once. Most of a run's read is waiting for something shared (a page of the
 * artifact listing, the cache entry), which costs no request: a tight bound here held the
 * next listing page back until the cache entry came (issue 33). The network is bounded by
 * each source (`SOURCE_CONCURRENCY`), and the collector never starts a run that could not be
 * needed, so a wider bound starts the same runs, sooner.
 */
export const RUNS_IN_FLIGHT = 200

/**
 * Lists the plan's runs newest first and reads up to `wanted` samples from the source, never
 * starting more reads than could still be needed.
 */
export async function collectFrom(
  client: Client,
  plan: CheckPlan,
  source: SampleSource,
  wanted: number
): Promise<Collected> {
  const [collected] = await collectEach(client, plan, [{ source, wanted }])
  return collected
}

/**
 * Several metrics' sources over one listing: the runs are listed once, each page shared by
 * every source's collector, and each collects its own newest `wanted` samples.
 */
export function collectEach(
  client: Client,
  plan: CheckPlan,
  sources: readonly { source: SampleSource; wanted: number }[]
): Promise<Collected[]> {
  const { runs } = plan
  const pages = sharedPages(
    explained(
      listRuns(client, runs),
      `Listing runs of workflow ${runs.workflow} in ${runs.owner}/${runs.repo}`
    )
  )
  return Promise.all(
    sources.map(({ source, wanted }) =>
      collectSamples(
        pages(),
        wanted,
        run => source.read(run),
        RUNS_IN_FLIGHT,
        run => excludeReason(run, runs)
      )
    )
  )
}

/** A stored or fresh read as the collector takes it: the sample, or `SkipRun` with its reason. */
export function measuredOf(read: Read): Measured {
  if ('reason' in read) throw new SkipRun(read.reason)
  return 'environment' in read
    ? { value: read.value, environment: read.environment }
    : { value: read.value, environmentProblem: read.unknown }
}

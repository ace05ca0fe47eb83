import { artifactNameFor } from '../core/inputs/config.js'
import { SkipRun } from '../core/errors.js'
import {
  absenceReason,
  toArtifact,
  usableArtifact,
  type Artifact,
  type ListedArtifact,
  type RepoRef
} from './artifacts.js'
import type { Result } from '../core/types.js'
import type { Client } from './client.js'
import * as core from '@actions/core'
import { explain, isFatal } from './failures.js'
import { listPages } from './listing.js'

/**
 * GitHub's repository-wide artifact listing lags behind completed runs: a run that completed
 * less than this long ago may not show its artifacts there yet, so its absence proves nothing
 * and the run's own listing is asked instead. GitHub documents no figure; the lag seen is
 * seconds to a few minutes, so ten minutes leaves a wide margin at the cost of one lookup for
 * each run that completed within it. Measured by the API server's clock (its `date` header).
 */
export const LISTING_LAG_MS = 10 * 60_000

/**
 * How far out of time order the listing may be before its order is not trusted. Artifacts are
 * listed newest first; created_at is written when an upload starts, so two uploads that overlap
 * may be listed a little out of order. Past this the listing's order proves nothing.
 */
export const ORDER_SLACK_MS = 60_000

/** What the check knows of a run from its listing, for the join. */
export interface IndexedRun {
  id: number
  created_at: string
  updated_at: string
  head_repository: { id: number } | null
}

export interface IndexOptions {
  ref: RepoRef
  /** The `artifact-name` input: `{run_id}` stands for the run's id. */
  template: string
  /** The runs the check may examine; bounds the pages read. */
  lookback: number
  now?: () => number
}

/**
 * The repository-wide artifact listing (`GET /repos/{owner}/{repo}/actions/artifacts`), read
 * page by page only while a run waits on it, and joined to runs by `workflow_run.id` and the
 * expected name. One page of 100 artifacts answers for every run it covers, where the run's
 * own listing costs a request per run.
 */
export class ArtifactIndex {
  private readonly byRun = new Map<number, ListedArtifact[]>()
  private readonly untiedNames = new Set<string>()
  /** created_at of the oldest artifact read so far. */
  private oldest = Infinity
  /**
   * The oldest as of the page before the last read: the last page held nothing newer (with the
   * slack), so the order is confirmed down to here. A long upload is listed where it finished
   * with the created_at of when it started: one old item ending a page proves nothing alone.
   */
  private confirmed = Infinity
  /** The listing proves absence: newest first, and nothing slipped past a page boundary. */
  private trusted = true
  /** The listing reached its last page: every artifact there is has been read. */
  private complete = false
  /** No more pages will be read: the listing ended, failed, or stopped paying for itself. */
  private done = false
  private pending?: Promise<void>
  private waitingRuns = 0
  private pagesRead = 0
  private readonly answered = new Set<number>()
  private readonly pages: AsyncGenerator<ListedArtifact[]>
  private readonly now: () => number

  constructor(
    client: Client,
    private readonly options: IndexOptions
  ) {
    this.now = options.now ?? (() => client.serverNow())
    const fixedName = !options.template.includes('{run_id}')
    const perPage = 100
    this.pages = listPages(client, {
      route: 'GET /repos/{owner}/{repo}/actions/artifacts',
      // A name without the run id is the same in every run: the listing can filter by it.
      params: { ...options.ref, name: fixedName ? options.template : undefined },
      key: 'artifacts',
      parse: raw => toArtifact(raw, this.now()),
      id: artifact => artifact.id,
      // Never reached: `maxPages` stops the reads first, without the listing's cap warning.
      maxItems: (this.maxPages + 1) * perPage,
      perPage,
      what: 'the repository artifacts listing',
      onComplete: () => (this.complete = true),
      onUnstable: () => (this.trusted = false)
    })
  }

  /**
   * Pages read at most: room for three artifacts per run within lookback, plus one, plus the
   * one that confirms the order past the last. The listing also stops once it has read more
   * pages than it answered runs (plus two), so a repository crowded with other workflows'
   * artifacts costs at most three requests more than asking each run.
   */
  get maxPages(): number {
    return Math.ceil((this.options.lookback * 3) / 100) + 2
  }

  /** Starts reading the first page, so that it travels with the runs listing. */
  prefetch(): void {
    void this.nextPage().catch(() => undefined)
  }

  /**
   * The run's artifact from the listing, reading more pages while that can still tell: the
   * artifact or the reason the run has none (both final), or undefined when the listing
   * cannot tell and the run's own artifact listing must be asked.
   */
  async resolve(run: IndexedRun): Promise<Result<Artifact> | undefined> {
    for (;;) {
      const decided = this.decide(run)
      if (decided !== 'wait') {
        if (decided) this.answered.add(run.id)
        return decided
      }
      this.waitingRuns++
      try {
        await this.nextPage()
      } finally {
        this.waitingRuns--
      }
    }
  }

  /** Some run waits on a page: one is being read, or is about to be asked for. */
  get waitingForPage(): boolean {
    return this.waitingRuns > 0
  }

  private decide(run: IndexedRun): Result<Artifact> | undefined | 'wait' {
    const name = artifactNameFor(this.options.template, run.id)
    const named = (this.byRun.get(run.id) ?? []).filter(a => a.name === name)
    const live = named.find(a => !a.expired)
    const headRepositoryId = run.head_repository?.id
    if (live) return settle(() => ({ value: usableArtifact(live, headRepositoryId) }))
    // Every artifact of a run was created after the run was: once the listing has reached
    // ones older by more than the order it keeps, and the next page has confirmed that order,
    // any of this run's that it holds were read.
    const before = this.confirmed + ORDER_SLACK_MS < Date.parse(run.created_at)
    const passed = this.trusted && (this.complete || before)
    if (!passed) return this.done ? undefined : 'wait'
    // The listing holds what it will ever hold of this run only after the lag.
    const settled = Date.parse(run.updated_at) + LISTING_LAG_MS <= this.now()
    if (!settled) return undefined
    // Only a name that holds the run id ties an artifact with no workflow_run to this run.
    const untied = this.options.template.includes('{run_id}') && this.untiedNames.has(name)
    return { reason: absenceReason(named.length > 0, untied) }
  }

  /** Resolves once the page being read, if any, has been answered (or has failed). */
  async pageAnswered(): Promise<void> {
    await this.pending?.catch(() => undefined)
  }

  /** One page at a time, shared by every run waiting on it. */
  private nextPage(): Promise<void> {
    this.pending ??= this.readPage().finally(() => (this.pending = undefined))
    return this.pending
  }

  private async readPage(): Promise<void> {
    if (this.done) return
    if (this.pagesRead >= this.maxPages || this.pagesRead > this.answered.size + 2) {
      this.done = true
      return
    }
    this.pagesRead++
    let page: IteratorResult<ListedArtifact[]>
    try {
      page = await this.pages.next()
    } catch (error) {
      this.done = true
      const what = 'Listing the artifacts of the repository'
      // Auth and rate limits would fail every run's own lookup too; anything else only costs
      // the lookups this listing would have saved.
      if (isFatal(error)) throw new Error(explain(error, what))
      core.info(`${explain(error, what)}; asking each run instead`)
      return
    }
    if (page.done) {
      this.done = true
      return
    }
    const reached = this.oldest
    for (const artifact of page.value) this.add(artifact)
    // add() found nothing on this page newer than the point reached before it (plus the slack).
    if (this.trusted) this.confirmed = reached
  }

  private add(artifact: ListedArtifact): void {
    if (!(artifact.createdAt <= this.oldest + ORDER_SLACK_MS)) this.trusted = false
    this.oldest = Math.min(this.oldest, artifact.createdAt)
    if (artifact.workflowRunId === undefined) {
      this.untiedNames.add(artifact.name)
      return
    }
    const list = this.byRun.get(artifact.workflowRunId) ?? []
    list.push(artifact)
    this.byRun.set(artifact.workflowRunId, list)
  }
}

function settle(pick: () => Result<Artifact>): Result<Artifact> {
  try {
    return pick()
  } catch (error) {
    if (error instanceof SkipRun) return { reason: error.message }
    throw error
  }
}
